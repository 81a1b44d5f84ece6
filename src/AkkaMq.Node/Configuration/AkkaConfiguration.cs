using System.Globalization;
using System.Text;
using AkkaMq.Hocon;
using Microsoft.Extensions.Logging;
using AkkaConfig = Akka.Configuration.Config;
using AkkaConfigurationFactory = Akka.Configuration.ConfigurationFactory;

namespace AkkaMq.Node.Configuration;

/// <summary>
/// The Akka.NET configuration of a node: the resolved <c>akka</c> subtree of its effective
/// configuration (AkkaMq's parser read and resolved it), with what AkkaMq derives from its own
/// keys on top — cluster roles from <c>akkamq.roles</c>, the log level from
/// <c>AKKAMQ_LOG_LEVEL</c>, shutdown phase timeouts from <c>akkamq.shutdown.phase-timeout</c>,
/// and seed nodes from <c>AKKAMQ_SEED_NODES</c> when it is set.
/// </summary>
public static class AkkaConfiguration
{
    public const string RootPath = "akka";

    public static AkkaConfig Build(Config effective, NodeSettings settings, LogLevel level, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(settings);
        environment ??= Environment.GetEnvironmentVariable;
        var akka = effective.HasPath(RootPath) ? effective.GetConfig(RootPath).ToJson() : "{}";
        var derived = new StringBuilder();
        derived.Append("akka.cluster.roles = [");
        derived.AppendJoin(", ", settings.Roles.Select(r => Quote(r.ToString().ToLowerInvariant())));
        derived.Append("]\n");
        derived.Append("akka.loglevel = ").Append(AkkaLevel(level)).Append('\n');
        // Akka prints to stdout only before the node's logger starts and after it stops.
        derived.Append("akka.stdout-loglevel = ").Append(AkkaLevel(level > LogLevel.Warning ? level : LogLevel.Warning)).Append('\n');
        derived.Append("akka.coordinated-shutdown.default-phase-timeout = ")
            .Append(((long)settings.Shutdown.PhaseTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms\n");
        if (SeedNodesFromEnvironment(environment) is { } seeds)
        {
            derived.Append("akka.cluster.seed-nodes = [").AppendJoin(", ", seeds.Select(Quote)).Append("]\n");
        }

        return AkkaConfigurationFactory.ParseString(derived.ToString())
            .WithFallback(AkkaConfigurationFactory.ParseString("{\"akka\": " + akka + "}"));
    }

    /// <summary>The seed nodes Akka will use; empty means the node forms a cluster of its own.</summary>
    public static IReadOnlyList<string> SeedNodes(AkkaConfig akka) =>
        [.. akka.GetStringList("akka.cluster.seed-nodes", []) ?? []];

    private static string[]? SeedNodesFromEnvironment(Func<string, string?> environment)
    {
        var value = environment("AKKAMQ_SEED_NODES");
        return string.IsNullOrWhiteSpace(value)
            ? null
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Akka's level for the node's level: Akka has no trace or critical, and OFF for none.</summary>
    public static string AkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error or LogLevel.Critical => "ERROR",
        _ => "OFF",
    };

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
