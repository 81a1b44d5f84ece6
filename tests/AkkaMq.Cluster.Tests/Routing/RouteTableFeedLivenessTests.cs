using AkkaMq.Cluster.Routing;

namespace AkkaMq.Cluster.Tests.Routing;

/// <summary>The feed leaves out brokers on unavailable nodes without touching the registry's versions.</summary>
public sealed class RouteTableFeedLivenessTests
{
    private const string NodeB = "akka.tcp://C1@127.0.0.1:2553";
    private const string NodeC = "akka.tcp://C1@127.0.0.1:2554";

    private static readonly RouteTable Table = Apply(
        RouteTable.Empty,
        new BrokerMemberRegistered("C1", "broker-b", 0, "10.0.0.2:10911", NodeB),
        new BrokerMemberRegistered("C1", "broker-c", 0, "10.0.0.3:10911", NodeC),
        new BrokerMemberRegistered("C1", "broker-d", 0, "10.0.0.4:10911", NodeC),
        new BrokerMemberRegistered("C1", "broker-d", 1, "10.0.0.5:10911"),
        new TopicUpserted("broker-b", new TopicConfig("Shared", 4, 4, Perm.ReadWrite)),
        new TopicUpserted("broker-c", new TopicConfig("Shared", 4, 4, Perm.ReadWrite)),
        new TopicUpserted("broker-c", new TopicConfig("OnlyC", 4, 4, Perm.ReadWrite)));

    [Fact]
    public void UnavailableNode_ItsMembersGroupsAndTheirQueuesAreLeftOut_VersionKept()
    {
        var feed = new RouteTableFeed(RouteTable.Empty);
        feed.Publish(Table);

        feed.SetUnavailableNodes([NodeC]);

        var view = feed.Current;
        Assert.Equal(Table.Version, view.Version);
        Assert.False(view.Groups.ContainsKey("broker-c"));
        Assert.Equal(["broker-b", "broker-d"], view.Groups.Keys);
        Assert.Equal([1L], view.Groups["broker-d"].Addresses.Keys);
        Assert.Equal(["broker-b"], view.Topics["Shared"].Keys);
        Assert.False(view.Topics.ContainsKey("OnlyC"));
        Assert.Same(Table, feed.Source);
    }

    [Fact]
    public void NewTablesStayFiltered_AndANodeComingBackIsListedAgain()
    {
        var feed = new RouteTableFeed(RouteTable.Empty);
        var seen = new List<RouteTable>();
        using var subscription = feed.Subscribe(seen.Add);
        feed.Publish(Table);
        feed.SetUnavailableNodes([NodeC]);

        var next = Table.WithKv("ns", "k", "v");
        feed.Publish(next);
        Assert.Equal(next.Version, feed.Current.Version);
        Assert.False(feed.Current.Groups.ContainsKey("broker-c"));
        Assert.Equal("v", feed.Current.FindKv("ns", "k"));

        feed.SetUnavailableNodes([]);
        Assert.Same(next, feed.Current);
        Assert.Equal(4, seen.Count);

        // An older table never replaces a newer one, whatever the filter did.
        feed.Publish(Table);
        Assert.Same(next, feed.Current);
    }

    [Fact]
    public void UnavailableNodeWithoutMembers_LeavesTheTableAsItIs_AndNotifiesNobody()
    {
        var feed = new RouteTableFeed(Table);
        var notified = 0;
        using var subscription = feed.Subscribe(_ => notified++);

        feed.SetUnavailableNodes(["akka.tcp://C1@127.0.0.1:9999"]);

        Assert.Same(Table, feed.Current);
        Assert.Equal(0, notified);
    }

    private static RouteTable Apply(RouteTable table, params IRouteRegistryEvent[] events) =>
        events.Aggregate(table, RouteRegistryEvents.Apply);
}
