using Akka.Actor;
using Akka.Configuration;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class RouteRegistryPersistenceTests : RegistryTestKit
{
    [Fact]
    public async Task Changes_SurviveARestart_AndAreRepublishedToTheFeed()
    {
        var (registry, _) = StartRecovered();
        Accepted(registry, new UpsertTopic("broker-a", new TopicConfig("Orders", 8, 8, Perm.ReadWrite)));
        Accepted(registry, new PutKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:8"));
        var before = Accepted(registry, new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "127.0.0.1:10911"));
        StopRegistry(registry);
        Assert.Equal(["TU1", "KP1", "BM2"], Column(JournalFile, "SELECT manifest FROM journal ORDER BY sequence_number"));
        Assert.Equal(["4711"], Column(JournalFile, "SELECT DISTINCT identifier FROM journal"));

        var restarted = StartSecondSystem();
        try
        {
            var feed = new RouteTableFeed(RouteTable.Empty);
            using var _ = feed.Subscribe(t => TestActor.Tell(t));
            restarted.ActorOf(RouteRegistryActor.Props(feed, NullLogger.Instance));

            var recovered = ExpectMsg<RouteTable>(Patience);

            Assert.Equal(before.Version, recovered.Version);
            Assert.Equal(8, recovered.FindTopic("Orders", "broker-a")!.WriteQueueNums);
            Assert.Equal("broker-a:8", recovered.FindKv("ORDER_TOPIC_CONFIG", "Orders"));
            Assert.Equal("127.0.0.1:10911", recovered.Groups["broker-a"].MasterAddress);
        }
        finally
        {
            await restarted.Terminate();
        }
    }

    [Fact]
    public void RecoveredRegistry_GoesOnFromTheRecoveredVersion()
    {
        var (registry, _) = StartRecovered();
        Accepted(registry, new PutKv("ns", "a", "1"));
        StopRegistry(registry);

        var (again, _) = StartRegistry();
        var table = Accepted(again, new PutKv("ns", "b", "2"));

        Assert.Equal(2, table.Version);
        Assert.Equal("1", table.FindKv("ns", "a"));
        Assert.Equal(2, JournalRows);
    }

    [Fact]
    public async Task Snapshot_AfterEveryNEvents_ReplacesOlderSnapshotsAndEvents_AndRecoveryStartsFromIt()
    {
        var (registry, _) = StartRecovered(WithSnapshotEvery(3));
        for (var i = 0; i < 7; i++)
        {
            Accepted(registry, new PutKv("ns", "k" + i, "v" + i));
        }

        // Snapshots at events 3 and 6; the second replaces the first, and events up to 6 are gone.
        AwaitAssert(() =>
        {
            Assert.Equal(["6"], Column(SnapshotFile, "SELECT sequence_number FROM snapshot"));
            Assert.Equal(["7"], Column(JournalFile, "SELECT sequence_number FROM journal WHERE deleted = 0"));
        }, Patience);
        Assert.Equal(["RS1"], Column(SnapshotFile, "SELECT manifest FROM snapshot"));
        StopRegistry(registry);

        var restarted = StartSecondSystem();
        try
        {
            var feed = new RouteTableFeed(RouteTable.Empty);
            using var _ = feed.Subscribe(t => TestActor.Tell(t));
            restarted.ActorOf(RouteRegistryActor.Props(feed, NullLogger.Instance, WithSnapshotEvery(3)));

            var recovered = ExpectMsg<RouteTable>(Patience);

            Assert.Equal(7, recovered.Version);
            Assert.Equal(7, recovered.Kv["ns"].Count);
            Assert.Equal("v6", recovered.FindKv("ns", "k6"));
        }
        finally
        {
            await restarted.Terminate();
        }
    }

    [Fact]
    public void RejectedAndNoOpChanges_WriteNoRows()
    {
        var (registry, _) = StartRecovered(WithSnapshotEvery(1));
        Accepted(registry, new PutKv("ns", "k", "v"));
        AwaitAssert(() => Assert.Equal(1, SnapshotRows), Patience);

        Change(registry, new DeleteTopic("Nope"));
        Change(registry, new UpsertTopic("broker-a", new TopicConfig("bad topic", 1, 1, Perm.ReadWrite)));
        Accepted(registry, new PutKv("ns", "k", "v"));
        Accepted(registry, new DeleteKv("ns", "absent"));

        Assert.Equal(["1"], Column(JournalFile, "SELECT MAX(sequence_number) FROM journal"));
        Assert.Equal(["1"], Column(SnapshotFile, "SELECT sequence_number FROM snapshot"));
    }

    [Fact]
    public async Task JournalWriteFailure_FailsTheAsker_LeavesTheTable_AndStopsTheRegistry()
    {
        var log = new ListLogger();
        var system = ActorSystem.Create("failing", FailingJournal.ConfigFor("fail").WithFallback(ControlStatePersistence.Serialization));
        try
        {
            var (registry, feed) = StartRegistry(log: log, system: system);

            var e = await Assert.ThrowsAsync<RouteChangeNotStoredException>(() =>
                RouteRegistryRequests.ChangeAsync(registry, new PutKv("ns", "k", "v"), CancellationToken.None));

            Assert.Contains("database unreachable", e.Message);
            Assert.Equal(0, feed.Current.Version);
            ExpectTerminated(registry, Patience);
            Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("not written to the journal"));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task JournalRejection_FailsTheAsker_AndTheRegistryGoesOn()
    {
        var system = ActorSystem.Create("rejecting", FailingJournal.ConfigFor("reject").WithFallback(ControlStatePersistence.Serialization));
        try
        {
            var (registry, feed) = StartRegistry(system: system);

            await Assert.ThrowsAsync<RouteChangeNotStoredException>(() =>
                RouteRegistryRequests.ChangeAsync(registry, new PutKv("ns", "k", "v"), CancellationToken.None));

            Assert.Equal(0, feed.Current.Version);
            Assert.Equal(RouteChangeResult.Rejected("topic Nope does not exist"),
                await RouteRegistryRequests.ChangeAsync(registry, new DeleteTopic("Nope"), CancellationToken.None));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void Sqlite_KeepsJournalAndSnapshotsInSeparateFiles_AndTakesAnyPathLiterally()
    {
        var directory = Path.Combine(ControlDirectory, "odd \"dir\" \\ name;x=1");

        var config = ControlStatePersistence.Sqlite(directory);

        var journal = new SqliteConnectionStringBuilder(config.GetString("akka.persistence.journal.sql.connection-string"));
        var snapshots = new SqliteConnectionStringBuilder(config.GetString("akka.persistence.snapshot-store.sql.connection-string"));
        Assert.Equal(Path.Combine(directory, "journal.db"), journal.DataSource);
        Assert.Equal(Path.Combine(directory, "snapshots.db"), snapshots.DataSource);
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("SQLite.MS", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.True(config.GetBoolean("akka.persistence.journal.sql.auto-initialize"));
        Assert.True(config.GetBoolean("akka.persistence.snapshot-store.sql.auto-initialize"));
        Assert.True(Directory.Exists(directory));
    }

    private static List<string> Column(string file, string sql)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var db = new SqliteConnection(connection);
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
