using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class RouteRegistryActorTests : RegistryTestKit
{
    private static readonly TopicConfig Orders = new("Orders", 4, 4, Perm.ReadWrite);

    [Fact]
    public void UpsertTopic_RepliesNewTable_AndPublishesItFirst()
    {
        var (registry, feed) = StartRecovered();
        using var _ = feed.Subscribe(t => TestActor.Tell(t.Version));

        registry.Tell(new UpsertTopic("broker-a", Orders), TestActor);

        // The feed hears of the new version before the asker gets its answer.
        Assert.Equal(1L, ExpectMsg<long>(Patience));
        var result = ExpectMsg<RouteChangeResult>(Patience);
        Assert.True(result.IsAccepted);
        Assert.Null(result.Rejection);
        Assert.Equal(4, result.Table!.FindTopic("Orders", "broker-a")!.ReadQueueNums);
        Assert.Same(result.Table, feed.Current);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData("bad topic", 4, "illegal characters")]
    [InlineData("", 4, "blank")]
    [InlineData("Orders", 0, "queue counts must be 1..1024")]
    [InlineData("Orders", 1025, "queue counts must be 1..1024")]
    public void UpsertTopic_BreakingARule_IsRejectedAsAValue_AndStoresNothing(string topic, int queues, string reason)
    {
        var (registry, feed) = StartRecovered();
        var before = feed.Current;

        var result = Change(registry, new UpsertTopic("broker-a", new TopicConfig(topic, queues, queues, Perm.ReadWrite)));

        Assert.False(result.IsAccepted);
        Assert.Null(result.Table);
        Assert.Contains(reason, result.Rejection);
        Assert.Same(before, feed.Current);
        Assert.Equal(0, JournalRows);
    }

    [Fact]
    public void BrokerRegisteringUnderANewId_LeavesItsOldId()
    {
        var (registry, _) = StartRecovered();
        Change(registry, new RegisterBrokerMember("c", "broker-a", 0, "10.0.0.1:10911"));
        Change(registry, new RegisterBrokerMember("c", "broker-a", 1, "10.0.0.2:10911"));

        // The follower is promoted: it registers as 0 and the old master, demoted, as 1.
        var promoted = Change(registry, new RegisterBrokerMember("c", "broker-a", 0, "10.0.0.2:10911"));
        Assert.Equal(new Dictionary<long, string> { [0] = "10.0.0.2:10911" }, promoted.Table!.Groups["broker-a"].Addresses);
        var demoted = Change(registry, new RegisterBrokerMember("c", "broker-a", 1, "10.0.0.1:10911"));
        Assert.Equal(new Dictionary<long, string> { [0] = "10.0.0.2:10911", [1] = "10.0.0.1:10911" }, demoted.Table!.Groups["broker-a"].Addresses);

        // Registering again as it is stores nothing more.
        long rows = JournalRows;
        Change(registry, new RegisterBrokerMember("c", "broker-a", 1, "10.0.0.1:10911"));
        Assert.Equal(rows, JournalRows);
    }

    [Fact]
    public void DeleteTopic_OfUnknownTopic_IsRejected_AndStoresNothing()
    {
        var (registry, _) = StartRecovered();

        var result = Change(registry, new DeleteTopic("Nope"));

        Assert.Equal("topic Nope does not exist", result.Rejection);
        Assert.Equal(0, JournalRows);
    }

    [Fact]
    public void DeleteTopic_RemovesItFromEveryGroup()
    {
        var (registry, _) = StartRecovered();
        Accepted(registry, new UpsertTopic("broker-a", Orders));
        Accepted(registry, new UpsertTopic("broker-b", Orders));

        var table = Accepted(registry, new DeleteTopic("Orders"));

        Assert.False(table.TryGetTopic("Orders", out _));
        Assert.Equal(3, table.Version);
    }

    [Fact]
    public void RegisterBrokerMember_SameAddressTwice_DoesNotChangeVersion_NorStoreAnything()
    {
        var (registry, _) = StartRecovered();

        var first = Accepted(registry, new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "127.0.0.1:10911"));
        var second = Accepted(registry, new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "127.0.0.1:10911"));

        Assert.Equal(first.Version, second.Version);
        Assert.Equal("127.0.0.1:10911", second.Groups["broker-a"].MasterAddress);
        Assert.Equal(1, JournalRows);
    }

    [Fact]
    public void RegisterBrokerMember_AddsMembersToTheGroup()
    {
        var (registry, _) = StartRecovered();

        Accepted(registry, new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "127.0.0.1:10911"));
        var table = Accepted(registry, new RegisterBrokerMember("DefaultCluster", "broker-a", 1, "127.0.0.2:10911"));

        Assert.Equal(["127.0.0.1:10911", "127.0.0.2:10911"], table.Groups["broker-a"].Addresses.Values);
    }

    [Fact]
    public void ChangesThatAlterNothing_StoreNothing_AndKeepTheVersion()
    {
        var (registry, feed) = StartRecovered();
        Accepted(registry, new UpsertTopic("broker-a", Orders));
        Accepted(registry, new PutKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:4"));
        using var _ = feed.Subscribe(t => TestActor.Tell(t.Version));

        Assert.Equal(2, Accepted(registry, new UpsertTopic("broker-a", Orders)).Version);
        Assert.Equal(2, Accepted(registry, new PutKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:4")).Version);
        Assert.Equal(2, Accepted(registry, new DeleteKv("ORDER_TOPIC_CONFIG", "absent")).Version);
        Assert.Equal(2, Accepted(registry, new DeleteKv("absent", "absent")).Version);

        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, JournalRows);
    }

    [Fact]
    public void Kv_PutAndDelete()
    {
        var (registry, _) = StartRecovered();

        Assert.Equal("v", Accepted(registry, new PutKv("ns", "k", "v")).FindKv("ns", "k"));
        Assert.Equal("w", Accepted(registry, new PutKv("ns", "k", "w")).FindKv("ns", "k"));
        var table = Accepted(registry, new DeleteKv("ns", "k"));

        Assert.Null(table.FindKv("ns", "k"));
        Assert.Equal(3, table.Version);
    }

    [Fact]
    public async Task ChangeAsync_ReturnsAcceptedAndRejectedResults()
    {
        var (registry, _) = StartRecovered();

        var accepted = await RouteRegistryRequests.ChangeAsync(registry, new UpsertTopic("broker-a", Orders), CancellationToken.None);
        var rejected = await RouteRegistryRequests.ChangeAsync(registry, new DeleteTopic("Nope"), CancellationToken.None);

        Assert.True(accepted.IsAccepted);
        Assert.Equal(Orders, accepted.Table!.FindTopic("Orders", "broker-a"));
        Assert.Equal(RouteChangeResult.Rejected("topic Nope does not exist"), rejected);
    }

    [Fact]
    public async Task WaitUntilStarted_ReturnsTheRecoveredTable()
    {
        var (registry, _) = StartRegistry();
        Accepted(registry, new PutKv("ns", "k", "v"));
        StopRegistry(registry);

        var (again, _) = StartRegistry();
        var table = await RouteRegistryRequests.WaitUntilStartedAsync(again, Patience, CancellationToken.None);

        Assert.Equal("v", table.FindKv("ns", "k"));
    }

    [Fact]
    public void Props_RefusesSnapshotIntervalBelowOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RouteRegistryActor.Props(new RouteTableFeed(RouteTable.Empty), NullLogger.Instance, WithSnapshotEvery(0)));
    }
}
