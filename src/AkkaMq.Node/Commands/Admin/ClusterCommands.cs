using System.CommandLine;
using AkkaMq.Client;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>clusterList</c> and <c>brokerStatus</c>.</summary>
internal static class ClusterCommands
{
    public static Command ClusterList()
    {
        var ns = AdminOptions.NameServer();
        var cluster = AdminOptions.Cluster();
        var command = new Command("clusterList", "List the clusters, their broker groups and members.") { ns, cluster };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var only = session.Parse.GetValue(cluster);
            var info = await admin.GetClusterInfoAsync(ct).ConfigureAwait(false);
            var table = new TextTable("Cluster Name", "Broker Name", "BID", "Addr", "Version", "InTPS", "OutTPS", "Role");
            foreach (var (clusterName, brokerNames) in info.ClusterAddrTable.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                if (only is not null && only != clusterName)
                {
                    continue;
                }

                foreach (var brokerName in brokerNames.Order(StringComparer.Ordinal))
                {
                    if (!info.BrokerAddrTable.TryGetValue(brokerName, out var broker))
                    {
                        continue;
                    }

                    foreach (var (id, address) in broker.BrokerAddrs)
                    {
                        var runtime = await TryRuntimeInfoAsync(admin, address, ct).ConfigureAwait(false);
                        table.Add(clusterName, brokerName, id, address,
                            Value(runtime, "brokerVersionDesc"), FirstNumber(runtime, "putTps"), FirstNumber(runtime, "getTransferedTps"), Value(runtime, "brokerRole"));
                    }
                }
            }

            if (only is not null && table.Count == 0)
            {
                throw new AdminCommandException($"cluster {only} not found");
            }

            table.WriteTo(session.Output);
        });
        return command;
    }

    public static Command BrokerStatus()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress(required: true);
        var command = new Command("brokerStatus", "Print a broker's runtime statistics.") { ns, broker };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var info = await admin.GetBrokerRuntimeInfoAsync(session.Parse.GetValue(broker)!, ct).ConfigureAwait(false);
            var width = info.Table.Keys.Max(k => k.Length);
            foreach (var (key, value) in info.Table.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                await session.Output.WriteLineAsync($"{key.PadRight(width)} : {value}").ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task<IReadOnlyDictionary<string, string>?> TryRuntimeInfoAsync(AdminClient admin, string address, CancellationToken ct)
    {
        try
        {
            return (await admin.GetBrokerRuntimeInfoAsync(address, ct).ConfigureAwait(false)).Table;
        }
        catch (Exception e) when (e is MQBrokerException or RemotingTimeoutException or RemotingConnectionException)
        {
            // One unreachable member leaves its row without statistics; the rest still print.
            return null;
        }
    }

    private static string Value(IReadOnlyDictionary<string, string>? table, string key) =>
        table is null ? "unreachable" : table.TryGetValue(key, out var v) ? v : "-";

    private static string FirstNumber(IReadOnlyDictionary<string, string>? table, string key)
    {
        var value = Value(table, key);
        var space = value.IndexOf(' ');
        return space < 0 ? value : value[..space];
    }
}
