using System.Collections.Immutable;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class RouteRegistryMigrationTests : RegistryTestKit
{
    private static readonly RouteTable Legacy = RouteTable.Empty
        .WithGroup(new BrokerGroup("DefaultCluster", "broker-a", ImmutableSortedDictionary<long, string>.Empty.Add(0, "127.0.0.1:10911")))
        .WithTopic("broker-a", new TopicConfig("Orders", 8, 8, Perm.ReadWrite))
        .WithKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:8");

    private string LegacyPath => Path.Combine(ControlDirectory, "route-table.json");

    private RouteRegistryOptions Migrating => new() { LegacyDirectory = ControlDirectory };

    [Fact]
    public void LegacyFile_IsImportedIntoAnEmptyJournal_ThenRenamed()
    {
        File.WriteAllBytes(LegacyPath, RouteTableCodec.Encode(Legacy));
        var log = new ListLogger();

        var (registry, feed) = StartRecovered(Migrating, log);

        Assert.Equal(Legacy.Version, feed.Current.Version);
        Assert.Equal(8, feed.Current.FindTopic("Orders", "broker-a")!.ReadQueueNums);
        Assert.Equal("127.0.0.1:10911", feed.Current.Groups["broker-a"].MasterAddress);
        Assert.Equal("broker-a:8", feed.Current.FindKv("ORDER_TOPIC_CONFIG", "Orders"));
        Assert.False(File.Exists(LegacyPath));
        Assert.True(File.Exists(LegacyPath + ".migrated"));
        Assert.Equal(1, JournalRows);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Information && l.Message.Contains("Imported the route table") && l.Message.Contains(LegacyPath));

        // Changes go on from the imported version.
        Assert.Equal(Legacy.Version + 1, Accepted(registry, new PutKv("ns", "k", "v")).Version);
    }

    [Fact]
    public void LegacyFile_IsNotReadOnceTheJournalHoldsData()
    {
        File.WriteAllBytes(LegacyPath, RouteTableCodec.Encode(Legacy));
        var (registry, _) = StartRecovered(Migrating);
        StopRegistry(registry);
        // A file that appears later (or an import interrupted before its rename) is left alone, even if unreadable.
        File.WriteAllText(LegacyPath, "not json");
        var log = new ListLogger();

        var (again, feed) = StartRecovered(Migrating, log);

        Assert.Equal(Legacy.Version, feed.Current.Version);
        Assert.Equal(1, JournalRows);
        Assert.True(File.Exists(LegacyPath));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains(LegacyPath));
        Assert.True(Change(again, new PutKv("ns", "k", "v")).IsAccepted);
    }

    [Fact]
    public void ImportEvent_CountsTowardsTheSnapshotInterval()
    {
        File.WriteAllBytes(LegacyPath, RouteTableCodec.Encode(Legacy));

        StartRecovered(Migrating with { SnapshotInterval = 1 });

        AwaitAssert(() => Assert.Equal(1, SnapshotRows), Patience);
    }

    [Fact]
    public void NoLegacyFile_StartsEmpty_AndWritesNothing()
    {
        var (_, feed) = StartRecovered(Migrating);

        Assert.Same(RouteTable.Empty, feed.Current);
        Assert.Equal(0, JournalRows);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":3}")]
    public async Task UnreadableLegacyFile_StopsTheRegistry_NamingTheFileAndTheWayOut(string content)
    {
        File.WriteAllText(LegacyPath, content);
        var log = new ListLogger();

        var (registry, feed) = StartRegistry(Migrating, log);

        var e = await Assert.ThrowsAsync<RouteRegistryStartException>(() =>
            RouteRegistryRequests.WaitUntilStartedAsync(registry, Patience, CancellationToken.None));
        ExpectTerminated(registry, Patience);
        var critical = Assert.Single(log.Lines, l => l.Level == LogLevel.Critical);
        Assert.Contains(LegacyPath, critical.Message);
        Assert.Contains("Move the file away to start with an empty route table, or restore it from a backup", critical.Message);
        Assert.Contains("its log says why", e.Message);
        Assert.True(File.Exists(LegacyPath));
        Assert.Equal(0, JournalRows);
        Assert.Same(RouteTable.Empty, feed.Current);
    }

    [Fact]
    public void UnreadableLegacyFile_FailsWithAStartException_ThatAkkaStopsRatherThanRestarts()
    {
        File.WriteAllText(LegacyPath, "not json");

        EventFilter.Exception<RouteRegistryStartException>(contains: LegacyPath).ExpectOne(Patience, () => StartRegistry(Migrating));

        ExpectMsg<Akka.Actor.Terminated>(Patience);
    }
}
