using System.CommandLine;
using AkkaMq.Client;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>
/// <c>getBrokerConfig</c>, <c>updateBrokerConfig</c>, <c>getNamesrvConfig</c>,
/// <c>updateNamesrvConfig</c>, <c>cleanExpiredCQ</c> and <c>deleteExpiredCommitLog</c>, with
/// mqadmin's flags and output.
/// </summary>
internal static class ConfigCommands
{
    public static Command GetBrokerConfig()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var command = new Command("getBrokerConfig", "Print a broker's config (-b) or the config of every broker of a cluster (-c).") { ns, broker, cluster };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            if (session.Parse.GetValue(broker) is { } address)
            {
                await PrintBrokerConfigAsync(session.Output, admin, $"============{address.Trim()}============", address.Trim(), ct).ConfigureAwait(false);
                return;
            }

            var clusterName = RequiredCluster(session, cluster);
            foreach (var (master, slaves) in await admin.GetClusterBrokersAsync(clusterName, ct).ConfigureAwait(false))
            {
                await PrintBrokerConfigAsync(session.Output, admin, $"============Master: {master}============", master, ct).ConfigureAwait(false);
                foreach (var slave in slaves)
                {
                    await PrintBrokerConfigAsync(session.Output, admin, $"============My Master: {master}=====Slave: {slave}============", slave, ct).ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    public static Command UpdateBrokerConfig()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var key = Key();
        var value = Value();
        var command = new Command("updateBrokerConfig", "Change a broker config key at run time, on one broker (-b) or every master of a cluster (-c).")
        {
            ns, broker, cluster, key, value,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var property = new KeyValuePair<string, string>(session.Parse.GetValue(key)!.Trim(), session.Parse.GetValue(value)!.Trim());
            if (session.Parse.GetValue(broker) is { } address)
            {
                await admin.UpdateBrokerConfigAsync(address.Trim(), [property], ct).ConfigureAwait(false);
                await session.Output.WriteLineAsync($"update broker config success, {address.Trim()}").ConfigureAwait(false);
                return;
            }

            var clusterName = RequiredCluster(session, cluster);
            string? failed = null;
            foreach (var master in await admin.GetClusterMastersAsync(clusterName, ct).ConfigureAwait(false))
            {
                // As mqadmin: one refusing master does not stop the others.
                try
                {
                    await admin.UpdateBrokerConfigAsync(master, [property], ct).ConfigureAwait(false);
                    await session.Output.WriteLineAsync($"update broker config success, {master}").ConfigureAwait(false);
                }
                catch (MQBrokerException e)
                {
                    failed = e.Message;
                    await session.Parse.InvocationConfiguration.Error.WriteLineAsync($"update broker config failed, {master}: {e.Message}").ConfigureAwait(false);
                }
            }

            if (failed is not null)
            {
                throw new AdminCommandException("not every master took the change; last refusal: " + failed);
            }
        });
        return command;
    }

    public static Command GetNamesrvConfig()
    {
        var ns = AdminOptions.NameServer();
        var command = new Command("getNamesrvConfig", "Print the config of each name server given with -n.") { ns };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            foreach (var (address, config) in await admin.GetNameServerConfigAsync(null, ct).ConfigureAwait(false))
            {
                await session.Output.WriteLineAsync($"============{address}============").ConfigureAwait(false);
                await PrintEntriesAsync(session.Output, config).ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command UpdateNamesrvConfig()
    {
        var ns = AdminOptions.NameServer();
        var key = Key();
        var value = Value();
        var command = new Command("updateNamesrvConfig", "Change a name-server config key at run time on each name server given with -n.") { ns, key, value };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var k = session.Parse.GetValue(key)!.Trim();
            var v = session.Parse.GetValue(value)!.Trim();
            await admin.UpdateNameServerConfigAsync([new(k, v)], null, ct).ConfigureAwait(false);
            var servers = "[" + string.Join(", ", session.Options.NameServerList) + "]";
            await session.Output.WriteLineAsync($"update name server config success!{servers}\n{k} : {v}").ConfigureAwait(false);
        });
        return command;
    }

    public static Command CleanExpiredCQ() => OnBrokers(
        "cleanExpiredCQ",
        "Clean expired ConsumeQueue on broker: remove the queues of deleted topics, trim the rest below the commit log.",
        static (admin, address, ct) => admin.CleanExpiredConsumeQueueAsync(address, ct),
        static (admin, cluster, ct) => admin.CleanExpiredConsumeQueueInClusterAsync(cluster, ct));

    public static Command DeleteExpiredCommitLog() => OnBrokers(
        "deleteExpiredCommitLog",
        "Delete expired CommitLog files now (those older than the broker's fileReservedTime).",
        static (admin, address, ct) => admin.DeleteExpiredCommitLogAsync(address, ct),
        static (admin, cluster, ct) => admin.DeleteExpiredCommitLogInClusterAsync(cluster, ct));

    /// <summary>
    /// A store-maintenance command of mqadmin's shape: on the broker given with -b, else on every
    /// broker of the cluster given with -c, else of every cluster; prints <c>success</c> or <c>false</c>.
    /// </summary>
    private static Command OnBrokers(
        string name,
        string description,
        Func<AdminClient, string, CancellationToken, Task<bool>> onBroker,
        Func<AdminClient, string?, CancellationToken, Task<bool>> onCluster)
    {
        var ns = AdminOptions.NameServer();
        var broker = new Option<string>("-b", "--brokerAddr") { Description = "Broker address." };
        var cluster = new Option<string>("-c", "--cluster") { Description = "Cluster name; every broker of every cluster when neither -b nor -c is given." };
        var command = new Command(name, description) { ns, broker, cluster };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            bool done = session.Parse.GetValue(broker) is { } address
                ? await onBroker(admin, address.Trim(), ct).ConfigureAwait(false)
                : await onCluster(admin, session.Parse.GetValue(cluster)?.Trim(), ct).ConfigureAwait(false);
            await session.Output.WriteLineAsync(done ? "success" : "false").ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The cluster of -c, which a command given no broker address (-b) needs.</summary>
    private static string RequiredCluster(AdminSession session, Option<string> cluster) =>
        session.Parse.GetValue(cluster)?.Trim() ?? throw new AdminCommandException("give a broker address (-b) or a cluster name (-c)");

    private static Option<string> Key() => new("-k", "--key") { Description = "Config key (RocketMQ's property name).", Required = true };

    private static Option<string> Value() => new("-v", "--value") { Description = "Config value.", Required = true };

    private static async Task PrintBrokerConfigAsync(TextWriter output, AdminClient admin, string title, string address, CancellationToken ct)
    {
        await output.WriteLineAsync(title).ConfigureAwait(false);
        var config = await admin.GetBrokerConfigAsync(address, ct).ConfigureAwait(false);
        if (config.Entries.Count == 0)
        {
            await output.WriteLineAsync($"Broker[{address}] has no config property!").ConfigureAwait(false);
            return;
        }

        await PrintEntriesAsync(output, config).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
    }

    /// <summary>mqadmin's line: the key left-aligned in 50 columns, then <c>=  value</c>.</summary>
    private static async Task PrintEntriesAsync(TextWriter output, ConfigProperties config)
    {
        foreach (var (key, value) in config.Entries)
        {
            await output.WriteLineAsync($"{key,-50}=  {value}").ConfigureAwait(false);
        }
    }
}
