using Akka.Configuration;
using Akka.Persistence.Sql;
using AkkaMq.Cluster.Routing;
using Microsoft.Data.Sqlite;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// The Akka configuration under which the control-plane actors (route registry, later the
/// controller) persist their events and snapshots: Akka.Persistence.Sql with explicit serializers.
/// The node host adds it to its actor system's configuration.
/// </summary>
public static class ControlStatePersistence
{
    /// <summary>Journal file name inside the control directory.</summary>
    public const string JournalFileName = "journal.db";

    /// <summary>Snapshot store file name; a file of its own, as SQLite locks a whole file per writer.</summary>
    public const string SnapshotFileName = "snapshots.db";

    /// <summary>The control directory of a node's store: <c>&lt;store dir&gt;/control</c>.</summary>
    public static string DirectoryFor(string storeDirectory) => Path.Combine(Path.GetFullPath(storeDirectory), "control");

    /// <summary>
    /// Binds the persisted control-state types to their serializers. Part of <see cref="Sqlite"/>; on
    /// its own for systems that persist elsewhere.
    /// </summary>
    public static Config Serialization { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.akkamq-route-registry = "{{typeof(RouteRegistrySerializer).FullName}}, {{typeof(RouteRegistrySerializer).Assembly.GetName().Name}}"
          serializers.akkamq-controller = "{{typeof(ControllerSerializer).FullName}}, {{typeof(ControllerSerializer).Assembly.GetName().Name}}"
          serialization-bindings {
            "{{typeof(IRouteRegistryPersisted).FullName}}, {{typeof(IRouteRegistryPersisted).Assembly.GetName().Name}}" = akkamq-route-registry
            "{{typeof(RouteTable).FullName}}, {{typeof(RouteTable).Assembly.GetName().Name}}" = akkamq-route-registry
            "{{typeof(RouteChangeResult).FullName}}, {{typeof(RouteChangeResult).Assembly.GetName().Name}}" = akkamq-route-registry
            "{{typeof(IControllerPersisted).FullName}}, {{typeof(IControllerPersisted).Assembly.GetName().Name}}" = akkamq-controller
          }
          serialization-identifiers {
            "{{typeof(RouteRegistrySerializer).FullName}}, {{typeof(RouteRegistrySerializer).Assembly.GetName().Name}}" = {{RouteRegistrySerializer.SerializerId}}
            "{{typeof(ControllerSerializer).FullName}}, {{typeof(ControllerSerializer).Assembly.GetName().Name}}" = {{ControllerSerializer.SerializerId}}
          }
        }
        """);

    /// <summary>
    /// Journal and snapshot store in two SQLite files under <paramref name="controlDirectory"/>
    /// (<see cref="JournalFileName"/>, <see cref="SnapshotFileName"/>), tables created on first start.
    /// Several nodes on one host may share one directory: both files are switched to SQLite's write-ahead
    /// log, where readers never block and writers of different processes take turns (a waiting writer
    /// retries until its command timeout). The directory is created.
    /// </summary>
    public static Config Sqlite(string controlDirectory)
    {
        var directory = Path.GetFullPath(controlDirectory);
        Directory.CreateDirectory(directory);
        var journal = ConnectionString(Path.Combine(directory, JournalFileName));
        var snapshots = ConnectionString(Path.Combine(directory, SnapshotFileName));
        UseWriteAheadLog(journal);
        UseWriteAheadLog(snapshots);
        // parallelism = 1: SQLite serialises writers anyway; more connections only wait on its lock.
        return SqlStores("SQLite.MS", journal, snapshots, "parallelism = 1");
    }

    /// <summary>
    /// Journal and snapshot store in a PostgreSQL database (<paramref name="connectionString"/>, an Npgsql
    /// connection string), tables created on first start; every node of a cluster uses the same database.
    /// </summary>
    public static Config PostgreSql(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("a PostgreSQL connection string is required", nameof(connectionString));
        }

        return SqlStores("PostgreSQL.15", connectionString, connectionString, string.Empty);
    }

    /// <summary>Akka.Persistence.Sql's journal and snapshot store on <paramref name="provider"/>, tables created on first start.</summary>
    private static Config SqlStores(string provider, string journal, string snapshots, string journalExtra)
    {
        var sql = ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  provider-name = {{Quote(provider)}}
                  connection-string = {{Quote(journal)}}
                  auto-initialize = on
                  {{journalExtra}}
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  provider-name = {{Quote(provider)}}
                  connection-string = {{Quote(snapshots)}}
                  auto-initialize = on
                }
              }
            }
            """);
        return sql.WithFallback(Serialization).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// The configuration for <c>akkamq.control-state</c>: <paramref name="kind"/> <c>sqlite</c> (files in
    /// <paramref name="path"/>, or <paramref name="defaultDirectory"/> when it is empty) or <c>postgresql</c>
    /// (<paramref name="connectionString"/>). Throws <see cref="ArgumentException"/> naming the key at fault.
    /// </summary>
    public static Config For(string kind, string? path, string? connectionString, string defaultDirectory)
    {
        switch (kind?.Trim().ToLowerInvariant())
        {
            case "sqlite":
                return Sqlite(string.IsNullOrWhiteSpace(path) ? defaultDirectory : path);
            case "postgresql":
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new ArgumentException("akkamq.control-state.connection-string: required when akkamq.control-state.kind = postgresql");
                }

                return PostgreSql(connectionString);
            default:
                throw new ArgumentException($"akkamq.control-state.kind: unknown kind '{kind}'; expected sqlite or postgresql");
        }
    }

    private static void UseWriteAheadLog(string connectionString)
    {
        using var db = new SqliteConnection(connectionString);
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    private static string ConnectionString(string file) => new SqliteConnectionStringBuilder { DataSource = file }.ToString();

    /// <summary>A HOCON quoted string, so any path is taken literally.</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
