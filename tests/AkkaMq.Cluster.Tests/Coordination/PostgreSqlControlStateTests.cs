using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>The control plane persists to a real PostgreSQL server and a new cluster recovers from it.</summary>
[Trait("Category", "PostgreSQL")]
public sealed class PostgreSqlControlStateTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RegistryAndController_PersistToPostgreSql_AndANewClusterRecoversThem()
    {
        if (PostgresServer.RequireBinaries(output.WriteLine) is not { } bin)
        {
            return;
        }

        await using var server = await PostgresServer.StartAsync(bin);
        var persistence = ControlStatePersistence.PostgreSql(server.ConnectionString);

        await using (var first = new ClusterNodes(persistence))
        {
            var node = (await first.StartAsync(1))[0];
            var created = await RouteRegistryRequests.ChangeAsync(node.ControlPlane.Registry, new UpsertTopic("broker-a", new TopicConfig("InPostgres", 4, 4, Perm.ReadWrite)), CancellationToken.None);
            Assert.True(created.IsAccepted, created.Rejection);
            var joined = await node.ControlPlane.Controller.Ask<BrokerGroupAssignment>(
                new JoinBrokerGroup("C1", "broker-a", 0, "node-a", node.Address, "10.0.0.1:10911", "10.0.0.1:10912", 0, 0, ActorRefs.Nobody), TimeSpan.FromSeconds(30));
            Assert.Equal(1, joined.MasterEpoch);
        }

        await using var second = new ClusterNodes(persistence);
        var restarted = (await second.StartAsync(1))[0];
        Assert.NotNull(restarted.Feed.Current.FindTopic("InPostgres", "broker-a"));
        var state = await restarted.ControlPlane.Controller.Ask<ControllerState>(new GetControllerState("broker-a"), TimeSpan.FromSeconds(30));
        var group = Assert.Single(state.Groups);
        Assert.Equal((0L, 1), (group.MasterBrokerId, group.MasterEpoch));
        Assert.Equal("10.0.0.1:10912", Assert.Single(group.Members).ReplicationAddress);
    }
}
