using Akka.Actor;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Two nodes as two actor systems in this process, configured as users configure them (HOCON
/// over reference.conf): the second joins the first as its seed, and both start their roles.
/// The harness later cluster tests build on.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TwoNodeClusterTests : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();
    private readonly List<ActorSystem> _systems = [];

    [Fact]
    public async Task SecondNode_JoinsTheFirst_AndBothStartTheirBrokerActors()
    {
        var (first, firstSettings) = Create("node-a", seed: null);
        var firstAddress = AkkaCluster.Get(first).SelfAddress.ToString();
        var (second, secondSettings) = Create("node-b", seed: firstAddress);

        using var timeout = new CancellationTokenSource(Deadline);
        var never = Task.Delay(Timeout.Infinite, timeout.Token);
        Assert.True(await NodeHost.JoinClusterAsync(first, [], never), "node-a did not form its cluster");
        Assert.True(await NodeHost.JoinClusterAsync(second, [firstAddress], never), "node-b did not join node-a");
        foreach (var system in _systems)
        {
            await WaitUntilAsync(() => AkkaCluster.Get(system).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2, timeout.Token);
        }

        Assert.Equal(["broker", "controller", "namesrv"], AkkaCluster.Get(second).SelfRoles.Order());

        await StartRolesAsync(first, firstSettings, timeout.Token);
        await StartRolesAsync(second, secondSettings, timeout.Token);
        foreach (var system in _systems)
        {
            foreach (var path in new[] { "/user/routes-proxy", "/user/controller-proxy", "/user/routes-replica", "/user/node/broker", "/user/node/broker/store", "/user/node/broker/offsets" })
            {
                var actor = await system.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(10));
                Assert.Equal(path, actor.Path.ToStringWithoutAddress());
            }
        }
    }

    [Fact]
    public async Task TopicCreatedThroughTheSecondNode_IsInTheFirstNodesNameServerRoutes()
    {
        var (first, firstSettings) = Create("node-a", seed: null);
        var firstAddress = AkkaCluster.Get(first).SelfAddress.ToString();
        var (second, secondSettings) = Create("node-b", seed: firstAddress);
        using var timeout = new CancellationTokenSource(Deadline);
        var never = Task.Delay(Timeout.Infinite, timeout.Token);
        Assert.True(await NodeHost.JoinClusterAsync(first, [], never), "node-a did not form its cluster");
        Assert.True(await NodeHost.JoinClusterAsync(second, [firstAddress], never), "node-b did not join node-a");
        var a = await StartRolesAsync(first, firstSettings, timeout.Token);
        var b = await StartRolesAsync(second, secondSettings, timeout.Token);

        var config = new AkkaMq.Cluster.Routing.TopicConfig("FromNodeB", 4, 4, AkkaMq.Cluster.Routing.Perm.ReadWrite);
        var result = await AkkaMq.Cluster.Routing.RouteRegistryRequests.ChangeAsync(
            b.ControlPlane.Registry, new AkkaMq.Cluster.Routing.UpsertTopic("node-b", config), timeout.Token);

        Assert.True(result.IsAccepted, result.Rejection);
        await WaitUntilAsync(() => a.ControlPlane.Feed.Current.FindTopic("FromNodeB", "node-b") is not null, timeout.Token);
        // Both brokers registered through the one registry; each node's nameserver lists both groups.
        await WaitUntilAsync(() => a.ControlPlane.Feed.Current.Groups.ContainsKey("node-b") && b.ControlPlane.Feed.Current.Groups.ContainsKey("node-a"), timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.UnknownReason.Instance);
        }

        _dir.Dispose();
    }

    private (ActorSystem System, NodeSettings Settings) Create(string name, string? seed)
    {
        var storeDir = Path.Combine(_dir.Path, name);
        var conf = _dir.Write(name + ".conf", $$"""
            akkamq {
              cluster-name = TwoNodes
              node-name = {{name}}
              namesrv.listen = "127.0.0.1:0"
              broker {
                group = {{name}}
                listen = "127.0.0.1:0"
                advertise = "127.0.0.1:0"
                store.dir = "{{storeDir}}"
                store.commitlog-segment-size = 16m
                replication.min-in-sync-replicas = 1
                replication.listen = "127.0.0.1:0"
                replication.advertise = "127.0.0.1:0"
              }
            }
            akka.remote.dot-netty.tcp.port = 0
            """);
        var (system, settings) = EndToEnd.NodeFixture.CreateSystem(conf, seed);
        _systems.Add(system);
        return (system, settings);
    }

    private static async Task<NodeRoles> StartRolesAsync(ActorSystem system, NodeSettings settings, CancellationToken ct)
    {
        var guardian = system.ActorOf(NodeGuardianActor.Props(settings, NullLogger.Instance), "node");
        var roles = await NodeRoles.StartAsync(settings, system, guardian, NullLoggerFactory.Instance, ct);
        Assert.NotNull(roles.Broker);
        Assert.NotNull(roles.NameServer);
        return roles;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(50, ct);
        }
    }
}
