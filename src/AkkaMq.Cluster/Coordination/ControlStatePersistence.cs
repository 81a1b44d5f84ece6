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
          serialization-bindings {
            "{{typeof(IRouteRegistryPersisted).FullName}}, {{typeof(IRouteRegistryPersisted).Assembly.GetName().Name}}" = akkamq-route-registry
          }
          serialization-identifiers {
            "{{typeof(RouteRegistrySerializer).FullName}}, {{typeof(RouteRegistrySerializer).Assembly.GetName().Name}}" = {{RouteRegistrySerializer.SerializerId}}
          }
        }
        """);

    /// <summary>
    /// Journal and snapshot store in two SQLite files under <paramref name="controlDirectory"/>
    /// (<see cref="JournalFileName"/>, <see cref="SnapshotFileName"/>), tables created on first start.
    /// For nodes on one host: SQLite allows a single writing process per file. The directory is created.
    /// </summary>
    public static Config Sqlite(string controlDirectory)
    {
        var directory = Path.GetFullPath(controlDirectory);
        Directory.CreateDirectory(directory);
        var journal = ConnectionString(Path.Combine(directory, JournalFileName));
        var snapshots = ConnectionString(Path.Combine(directory, SnapshotFileName));
        // parallelism = 1: SQLite serialises writers anyway; more connections only wait on its lock.
        var sql = ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  provider-name = "SQLite.MS"
                  connection-string = {{Quote(journal)}}
                  auto-initialize = on
                  parallelism = 1
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  provider-name = "SQLite.MS"
                  connection-string = {{Quote(snapshots)}}
                  auto-initialize = on
                }
              }
            }
            """);
        return sql.WithFallback(Serialization).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    private static string ConnectionString(string file) => new SqliteConnectionStringBuilder { DataSource = file }.ToString();

    /// <summary>A HOCON quoted string, so any path is taken literally.</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
