using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Support;

/// <summary>
/// A TestKit whose actor system persists to SQLite files in a directory of its own, deleted after
/// the test; with helpers to start registries, send changes and count rows in those files.
/// </summary>
public abstract class RegistryTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected RegistryTestKit()
        : this(Path.Combine(Path.GetTempPath(), "akkamq-registry-" + Guid.NewGuid().ToString("N")[..12]))
    {
    }

    private RegistryTestKit(string directory)
        : base(ControlStatePersistence.Sqlite(directory))
    {
        ControlDirectory = directory;
    }

    protected static TimeSpan Patience { get; } = TimeSpan.FromSeconds(10);

    protected string ControlDirectory { get; }

    protected string JournalFile => Path.Combine(ControlDirectory, ControlStatePersistence.JournalFileName);

    protected string SnapshotFile => Path.Combine(ControlDirectory, ControlStatePersistence.SnapshotFileName);

    /// <summary>Rows of the registry's events the journal still holds (not marked deleted).</summary>
    protected long JournalRows => Count(JournalFile, "SELECT COUNT(*) FROM journal WHERE persistence_id = 'route-registry' AND deleted = 0");

    protected long SnapshotRows => Count(SnapshotFile, "SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'route-registry'");

    protected static RouteRegistryOptions WithSnapshotEvery(int events) => new() { SnapshotInterval = events };

    /// <summary>Starts a registry in <paramref name="system"/> (default: the test's) and watches it.</summary>
    protected (IActorRef Registry, RouteTableFeed Feed) StartRegistry(
        RouteRegistryOptions? options = null, ILogger? log = null, ActorSystem? system = null)
    {
        var feed = new RouteTableFeed(RouteTable.Empty);
        var registry = (system ?? Sys).ActorOf(RouteRegistryActor.Props(feed, log ?? NullLogger.Instance, options));
        Watch(registry);
        return (registry, feed);
    }

    /// <summary>Starts a registry and waits until it has recovered.</summary>
    protected (IActorRef Registry, RouteTableFeed Feed) StartRecovered(RouteRegistryOptions? options = null, ILogger? log = null)
    {
        var started = StartRegistry(options, log);
        started.Registry.Tell(GetRouteTable.Instance, TestActor);
        ExpectMsg<RouteTable>(Patience);
        return started;
    }

    protected RouteChangeResult Change(IActorRef registry, object change)
    {
        registry.Tell(change, TestActor);
        return ExpectMsg<RouteChangeResult>(Patience);
    }

    protected RouteTable Accepted(IActorRef registry, object change)
    {
        var result = Change(registry, change);
        Assert.True(result.IsAccepted, result.Rejection);
        return result.Table!;
    }

    protected void StopRegistry(IActorRef registry)
    {
        Sys.Stop(registry);
        ExpectTerminated(registry, Patience);
    }

    /// <summary>A second actor system over the same files, as after a process restart.</summary>
    protected ActorSystem StartSecondSystem() =>
        ActorSystem.Create("restarted", ControlStatePersistence.Sqlite(ControlDirectory));

    protected override void AfterAll()
    {
        base.AfterAll();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(ControlDirectory))
        {
            Directory.Delete(ControlDirectory, recursive: true);
        }
    }

    private static long Count(string file, string sql)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var db = new SqliteConnection(connection);
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
