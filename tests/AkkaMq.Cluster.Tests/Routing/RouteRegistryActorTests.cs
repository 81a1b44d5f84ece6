using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class RouteRegistryActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-registry-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly TestKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _kit.DisposeAsync();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task UpsertTopic_RepliesNewTable_AndPublishesIt()
    {
        var (registry, feed) = await StartAsync("r1");
        var published = new List<long>();
        using var _ = feed.Subscribe(t => { lock (published) { published.Add(t.Version); } });

        var table = await registry.Ask<RouteTable>(new UpsertTopic("broker-a", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)), Timeout);

        Assert.Equal(4, table.FindTopic("Orders", "broker-a")!.ReadQueueNums);
        Assert.Same(table, feed.Current);
        lock (published)
        {
            Assert.Equal([table.Version], published);
        }
    }

    [Theory]
    [InlineData("bad topic", 4)]
    [InlineData("Orders", 0)]
    [InlineData("Orders", 1025)]
    public async Task UpsertTopic_RejectsBreakingRules_AndKeepsTable(string topic, int queues)
    {
        var (registry, feed) = await StartAsync("r2");
        var before = feed.Current;

        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            registry.Ask<RouteTable>(new UpsertTopic("broker-a", new TopicConfig(topic, queues, queues, Perm.ReadWrite)), Timeout));

        Assert.IsType<RouteChangeRejectedException>(e is RouteChangeRejectedException ? e : e.InnerException ?? e);
        Assert.Same(before, feed.Current);
    }

    [Fact]
    public async Task DeleteTopic_OfUnknownTopic_IsRejected()
    {
        var (registry, _) = await StartAsync("r3");

        await Assert.ThrowsAnyAsync<Exception>(() => registry.Ask<RouteTable>(new DeleteTopic("Nope"), Timeout));
    }

    [Fact]
    public async Task RegisterBrokerMember_SameAddressTwice_DoesNotChangeVersion()
    {
        var (registry, _) = await StartAsync("r4");

        var first = await registry.Ask<RouteTable>(new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "127.0.0.1:10911"), Timeout);
        var second = await registry.Ask<RouteTable>(new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "127.0.0.1:10911"), Timeout);

        Assert.Equal(first.Version, second.Version);
        Assert.Equal("127.0.0.1:10911", second.Groups["broker-a"].MasterAddress);
    }

    [Fact]
    public async Task State_SurvivesRestart_FromControlStateStore()
    {
        var (registry, _) = await StartAsync("r5");
        await registry.Ask<RouteTable>(new UpsertTopic("broker-a", new TopicConfig("Orders", 8, 8, Perm.ReadWrite)), Timeout);
        await registry.Ask<RouteTable>(new PutKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:8"), Timeout);
        _kit.Sys.Stop(registry);

        var (_, reloaded) = await StartAsync("r5-again");

        Assert.Equal(8, reloaded.Current.FindTopic("Orders", "broker-a")!.WriteQueueNums);
        Assert.Equal("broker-a:8", reloaded.Current.FindKv("ORDER_TOPIC_CONFIG", "Orders"));
    }

    private async Task<(IActorRef Registry, RouteTableFeed Feed)> StartAsync(string name)
    {
        var store = new FileControlStateStore(_dir);
        var initial = await RouteRegistryActor.LoadAsync(store, CancellationToken.None);
        var feed = new RouteTableFeed(initial);
        var registry = _kit.Sys.ActorOf(RouteRegistryActor.Props(initial, store, feed, NullLogger.Instance), name);
        return (registry, feed);
    }
}
