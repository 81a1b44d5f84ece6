using System.CommandLine;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>haStatus</c> (RocketMQ 5): a broker's replication, by address (-b) or for every master of a cluster (-c).</summary>
internal static class HaStatusCommand
{
    public static Command HaStatus()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var command = new Command("haStatus", "Fetch ha runtime status data (-b: one broker, -c: every master of a cluster).") { ns, broker, cluster };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            if (session.Parse.GetValue(broker) is { } address)
            {
                await PrintAsync(session.Output, address.Trim(), await admin.GetBrokerHaStatusAsync(address.Trim(), ct).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            var clusterName = session.Parse.GetValue(cluster)?.Trim() ?? throw new AdminCommandException("give a broker address (-b) or a cluster name (-c)");
            foreach (var (master, _) in await admin.GetClusterBrokersAsync(clusterName, ct).ConfigureAwait(false))
            {
                await PrintAsync(session.Output, master, await admin.GetBrokerHaStatusAsync(master, ct).ConfigureAwait(false)).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>RocketMQ 5's HAStatusSubCommand.printStatus layout.</summary>
    internal static async Task PrintAsync(TextWriter output, string brokerAddress, HaRuntimeInfoBody info)
    {
        var c = CultureInfo.InvariantCulture;
        if (info.Master)
        {
            await output.WriteAsync(string.Format(c, "\n#MasterAddr\t{0}\n#MasterCommitLogMaxOffset\t{1}\n#SlaveNum\t{2}\n#InSyncSlaveNum\t{3}\n",
                brokerAddress, info.MasterCommitLogMaxOffset, info.HaConnectionInfo.Count, info.InSyncSlaveNums)).ConfigureAwait(false);
            await output.WriteAsync(string.Format(c, "{0,-32}  {1,-16} {2,16} {3,16} {4,16} {5,16}\n",
                "#SlaveAddr", "#SlaveAckOffset", "#Diff", "#TransferSpeed(KB/s)", "#Status", "#TransferFromWhere")).ConfigureAwait(false);
            foreach (var s in info.HaConnectionInfo)
            {
                await output.WriteAsync(string.Format(c, "{0,-32}  {1,-16} {2,16} {3,16:F2} {4,16} {5,16}\n",
                    s.Addr, s.SlaveAckOffset, s.Diff, s.TransferredByteInSecond / 1024.0, s.InSync ? "OK" : "Fall Behind", s.TransferFromWhere)).ConfigureAwait(false);
            }

            return;
        }

        var h = info.HaClientRuntimeInfo;
        await output.WriteAsync(string.Format(c, "\n#MasterAddr\t{0}\n", h.MasterAddr ?? "null")).ConfigureAwait(false);
        await output.WriteAsync(string.Format(c, "#CommitLogMaxOffset\t{0}\n", h.MaxOffset)).ConfigureAwait(false);
        await output.WriteAsync(string.Format(c, "#TransferSpeed(KB/s)\t{0:F2}\n", h.TransferredByteInSecond / 1024.0)).ConfigureAwait(false);
        await output.WriteAsync(string.Format(c, "#LastReadTime\t{0}\n", HumanTime(h.LastReadTimestamp))).ConfigureAwait(false);
        await output.WriteAsync(string.Format(c, "#LastWriteTime\t{0}\n", HumanTime(h.LastWriteTimestamp))).ConfigureAwait(false);
        await output.WriteAsync(string.Format(c, "#MasterFlushOffset\t{0}\n", h.MasterFlushOffset)).ConfigureAwait(false);
    }

    /// <summary>RocketMQ's UtilAll.timeMillisToHumanString2: local time, <c>yyyy-MM-dd HH:mm:ss,SSS</c>.</summary>
    private static string HumanTime(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture);
}
