using Akka.Actor;
using AkkaMq.Broker.Membership;
using AkkaMq.Client;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// The master's disk is replaced: it comes back with an empty store under its configured broker id 0.
/// As master it would make its follower truncate the group's log to nothing; the Controller does not
/// make it master, its broker stays out of the routes, and the follower keeps every byte.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class EmptyMasterDiskTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task MasterBackOnAnEmptyDisk_IsNotMadeMaster_AndTheFollowerKeepsTheLog()
    {
        await using var cluster = new ClusterFixture("EmptyDisk") { Log = output.WriteLine };
        await ClusterScenarios.StartThreeAsync(cluster);
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);
        const string topic = "KeptThroughTheDiskLoss";
        await using var admin = new AdminClient(cluster.ClientOptions("disk-admin", b, c));
        await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 2, WriteQueueNums = 2 });
        await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, topic + " routed", Deadline);
        await ClusterClients.SendAsync(cluster, topic, "before", 30);
        long end = await ClusterClients.WaitUntilCaughtUpAsync(admin, a, b, Deadline);
        var held = BrokerProbe.ReadCommitLog(b.CommitLogDir, end);

        await cluster.StopAsync(a);
        Directory.Delete(a.StoreDir, recursive: true);
        await cluster.RestartAsync(a);

        // Start-up waited its whole assignment timeout while the member asked again and again: the
        // Controller refused every time, so it has no role.
        var member = await a.System!.ActorSelection("/user/node/broker/member").ResolveOne(Deadline);
        Assert.Null((await member.Ask<MemberAssignment>(GetMemberAssignment.Instance, Deadline)).Assignment);

        Assert.False(a.Roles.Broker!.Membership.IsMaster);
        var route = await admin.GetTopicRouteAsync(topic);
        Assert.Equal([KeyValuePair.Create(1L, b.BrokerAddress)], route.BrokerDatas.Single().BrokerAddrs);
        Assert.Equal(end, await BrokerProbe.CommitLogEndAsync(admin, b.BrokerAddress));
        Assert.Equal(held, BrokerProbe.ReadCommitLog(b.CommitLogDir, end));
        Assert.Equal(0, a.Roles.Broker!.Store.MaxPhysicalOffset);
    }
}
