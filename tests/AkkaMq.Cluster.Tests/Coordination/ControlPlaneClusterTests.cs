using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>
/// Three nodes in one process run the control plane: changes made through any node reach every
/// node's route feed, and the registry and controller singletons move, with their state, when the
/// node hosting them leaves or crashes.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ControlPlaneClusterTests : IAsyncDisposable
{
    private readonly ClusterNodes _cluster = new();

    [Fact]
    public async Task TopicCreatedThroughOneNode_IsInEveryNodesFeed_WithinASecondByPublish()
    {
        // Refresh far away: only the publish can bring the table in time.
        var nodes = await _cluster.StartAsync(3, new ControlPlaneOptions { RefreshInterval = TimeSpan.FromMinutes(5) });
        // Subscriptions spread by gossip: warm-up changes until one reaches every replica by publish.
        using (var warmUp = new CancellationTokenSource(ClusterNodes.Deadline))
        {
            for (int i = 0; ; i++)
            {
                var put = await RouteRegistryRequests.ChangeAsync(nodes[0].ControlPlane.Registry, new PutKv("warm-up", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), warmUp.Token);
                var version = put.Table!.Version;
                await Task.Delay(300, warmUp.Token);
                if (nodes.All(n => n.Feed.Current.Version == version))
                {
                    break;
                }
            }
        }

        var result = await RouteRegistryRequests.ChangeAsync(nodes[2].ControlPlane.Registry, Topic("OrderTopic"), CancellationToken.None);

        Assert.True(result.IsAccepted, result.Rejection);
        Assert.Equal(8, result.Table!.FindTopic("OrderTopic", "broker-a")!.ReadQueueNums);
        await ClusterNodes.WaitUntilAsync(
            () => nodes.All(n => n.Feed.Current.FindTopic("OrderTopic", "broker-a") is not null), "topic in every feed", TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task SingletonHostLeaves_RegistryAndControllerMove_AndKeepTheirState()
    {
        var nodes = await _cluster.StartAsync(3);
        var host = nodes[0];
        Assert.True((await RouteRegistryRequests.ChangeAsync(host.ControlPlane.Registry, Topic("Kept"), CancellationToken.None)).IsAccepted);
        var joined = await host.ControlPlane.Controller.Ask<BrokerGroupAssignment>(Join("broker-a", 0, "node-a", host), TimeSpan.FromSeconds(10));
        Assert.Equal(1, joined.MasterEpoch);
        foreach (var node in nodes)
        {
            var placement = ControllerPlacement.Of(node.System, "C", node.ControlPlane.SingletonRole);
            Assert.Equal((host.Address, node == host), (placement.LeaderAddress, placement.IsLeader));
            Assert.Equal(nodes.Select(n => n.Address), placement.Peers);
        }

        await CoordinatedShutdown.Get(host.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(ClusterNodes.Deadline);

        var survivor = nodes[1];
        var table = await ClusterNodes.AskUntilAsync<RouteTable>(survivor.ControlPlane.Registry, GetRouteTable.Instance, t => t.Topics.ContainsKey("Kept"), "registry after hand-over");
        Assert.NotNull(table.FindTopic("Kept", "broker-a"));
        var state = await ClusterNodes.AskUntilAsync<ControllerState>(survivor.ControlPlane.Controller, new GetControllerState("broker-a"), s => s.Groups.Count == 1, "controller after hand-over");
        Assert.Equal(0, state.Groups[0].MasterBrokerId);
        Assert.Equal(1, state.Groups[0].MasterEpoch);
        await ClusterNodes.WaitUntilAsync(
            () => ControllerPlacement.Of(survivor.System, "C", survivor.ControlPlane.SingletonRole) is { IsLeader: true, Peers.Count: 2 },
            "the oldest survivor named as the controller's host");
        var after = await RouteRegistryRequests.ChangeAsync(nodes[2].ControlPlane.Registry, Topic("AfterMove"), CancellationToken.None);
        Assert.True(after.IsAccepted, after.Rejection);
        Assert.Equal(table.Version + 1, after.Table!.Version);
    }

    [Fact]
    public async Task SingletonHostCrashes_RegistryMovesAfterTheSplitBrainResolverDownsIt()
    {
        var nodes = await _cluster.StartAsync(3);
        Assert.True((await RouteRegistryRequests.ChangeAsync(nodes[1].ControlPlane.Registry, Topic("BeforeCrash"), CancellationToken.None)).IsAccepted);

        ((ExtendedActorSystem)nodes[0].System).Abort();

        var survivor = nodes[2];
        await ClusterNodes.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(survivor.System).State.Members.All(m => m.Address.ToString() != nodes[0].Address), "crashed node removed");
        var result = await ClusterNodes.AskUntilAsync<RouteChangeResult>(survivor.ControlPlane.Registry, Topic("AfterCrash"), r => r.IsAccepted, "registry after crash");
        Assert.NotNull(result.Table!.FindTopic("BeforeCrash", "broker-a"));
        await ClusterNodes.WaitUntilAsync(() => nodes[1].Feed.Current.Topics.ContainsKey("AfterCrash"), "change after the move reaches the other node");
    }

    [Fact]
    public async Task BrokerOnACrashedNode_IsLeftOutOfEveryFeed_WhileTheTableKeepsIt()
    {
        var nodes = await _cluster.StartAsync(3);
        var registry = nodes[0].ControlPlane.Registry;
        Assert.True((await RouteRegistryRequests.ChangeAsync(registry, new RegisterBrokerMember("C1", "broker-b", 0, "127.0.0.1:10911", nodes[1].NodeId), CancellationToken.None)).IsAccepted);
        Assert.True((await RouteRegistryRequests.ChangeAsync(registry, new RegisterBrokerMember("C1", "broker-c", 0, "127.0.0.1:10921", nodes[2].NodeId), CancellationToken.None)).IsAccepted);
        Assert.True((await RouteRegistryRequests.ChangeAsync(registry, new RegisterBrokerMember("C1", "broker-c", 1, "127.0.0.1:10931"), CancellationToken.None)).IsAccepted);
        // Registered by an earlier incarnation of a node that is up again on the same address: not listed.
        var earlier = nodes[1].Address + "#12345";
        Assert.True((await RouteRegistryRequests.ChangeAsync(registry, new RegisterBrokerMember("C1", "broker-d", 0, "127.0.0.1:10941", earlier), CancellationToken.None)).IsAccepted);
        Assert.True((await RouteRegistryRequests.ChangeAsync(registry, new UpsertTopic("broker-c", new TopicConfig("OnC", 4, 4, Perm.ReadWrite)), CancellationToken.None)).IsAccepted);
        await ClusterNodes.WaitUntilAsync(() => nodes[0].Feed.Current.Topics.ContainsKey("OnC"), "topic in node 0's feed");
        var version = nodes[0].Feed.Current.Version;

        ((ExtendedActorSystem)nodes[2].System).Abort();

        await ClusterNodes.WaitUntilAsync(
            () => nodes[0].Feed.Current.Groups.TryGetValue("broker-c", out var g) && !g.Addresses.ContainsKey(0)
                && nodes[1].Feed.Current.Groups.TryGetValue("broker-c", out var h) && !h.Addresses.ContainsKey(0),
            "broker on the crashed node left out");
        var view = nodes[0].Feed.Current;
        Assert.False(view.Groups.ContainsKey("broker-d"));
        Assert.True(nodes[0].Feed.Source.Groups.ContainsKey("broker-d"));
        Assert.Equal("127.0.0.1:10931", view.Groups["broker-c"].Addresses[1]);
        Assert.Equal("127.0.0.1:10911", view.Groups["broker-b"].MasterAddress);
        Assert.Equal(version, view.Version);
        Assert.Equal("127.0.0.1:10921", nodes[0].Feed.Source.Groups["broker-c"].MasterAddress);
    }

    [Fact]
    public async Task FewerThanThreeMembersUp_IsWarnedAtStart_AndWhenMembershipDropsBelowThree()
    {
        var nodes = await _cluster.StartAsync(1);
        var alone = new ListLogger();
        nodes[0].System.ActorOf(RouteReplicaActor.Props(new RouteTableFeed(RouteTable.Empty), nodes[0].ControlPlane.Registry, alone));
        await ClusterNodes.WaitUntilAsync(() => Warnings(alone) == 1, "warning at start");

        await _cluster.AddAsync();
        var leaving = await _cluster.AddAsync();
        await ClusterNodes.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(nodes[0].System).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 3, "three Up");
        var watcher = new ListLogger();
        nodes[0].System.ActorOf(RouteReplicaActor.Props(new RouteTableFeed(RouteTable.Empty), nodes[0].ControlPlane.Registry, watcher));

        await CoordinatedShutdown.Get(leaving.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(ClusterNodes.Deadline);

        await ClusterNodes.WaitUntilAsync(() => Warnings(watcher) == 1, "warning when membership drops below three");
        await ClusterNodes.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(nodes[0].System).State.Members.All(m => m.Address.ToString() != leaving.Address), "left node removed");
        // Started with three Up, it warned only when the third left.
        Assert.Contains("The cluster has 2 member(s) Up", Assert.Single(watcher.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Message);
        Assert.Contains("The cluster has 1 member(s) Up", alone.Lines.First(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Message);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private static int Warnings(ListLogger log) => log.Lines.Count(l =>
        l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("automatic failover needs at least three nodes", StringComparison.Ordinal));

    private static UpsertTopic Topic(string name) => new("broker-a", new TopicConfig(name, 8, 8, Perm.ReadWrite));

    private static JoinBrokerGroup Join(string group, long id, string nodeName, ClusterNodes.Node node) =>
        new("C1", group, id, nodeName, node.Address, "127.0.0.1:10911", "127.0.0.1:10912", 0, 0, ActorRefs.Nobody);
}
