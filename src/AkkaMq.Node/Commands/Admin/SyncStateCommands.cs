using System.CommandLine;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>
/// RocketMQ 5's <c>getSyncStateSet</c> and <c>electMaster</c>: a broker group's in-sync set and a manual
/// switch-over, asked of the Controller through any AkkaMq nameserver (-a).
/// </summary>
internal static class SyncStateCommands
{
    /// <summary><c>getSyncStateSet -a (-b brokerName | -c clusterName) [-i seconds]</c>; with -c the groups come from the name servers (-n).</summary>
    public static Command GetSyncStateSet()
    {
        var ns = AdminOptions.NameServer();
        var address = ControllerAddress();
        var cluster = AdminOptions.Cluster();
        var brokerName = new Option<string>("-b", "--brokerName") { Description = "Broker group (broker name) to fetch." };
        var interval = new Option<int?>("-i", "--interval") { Description = "Seconds between fetches; repeats until stopped." };
        var command = new Command("getSyncStateSet", "Fetch syncStateSet for target brokers.") { ns, address, cluster, brokerName, interval };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string controller = session.Parse.GetValue(address)!.Trim().Split(';')[0];
            string? name = session.Parse.GetValue(brokerName)?.Trim();
            string? clusterName = session.Parse.GetValue(cluster)?.Trim();
            if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(clusterName))
            {
                throw new AdminCommandException("give a broker name (-b) or a cluster name (-c)");
            }

            int? every = session.Parse.GetValue(interval);
            while (true)
            {
                IReadOnlyList<string> names = !string.IsNullOrEmpty(name) ? [name] : await GroupsOfClusterAsync(admin, clusterName!, ct).ConfigureAwait(false);
                var answer = await admin.GetSyncStateSetAsync(controller, names, ct).ConfigureAwait(false);
                await PrintAsync(session.Output, answer.Info).ConfigureAwait(false);
                if (answer.Remark is { } remark)
                {
                    await session.Parse.InvocationConfiguration.Error.WriteLineAsync("akkamq admin getSyncStateSet: " + remark).ConfigureAwait(false);
                }

                if (every is not { } seconds)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(seconds > 0 ? seconds : 3), ct).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary><c>electMaster -a -c -bn brokerName [-b brokerId]</c>: RocketMQ 5's flags; without -b the Controller picks the best in-sync member.</summary>
    public static Command ElectMaster()
    {
        var ns = AdminOptions.NameServer();
        var address = ControllerAddress();
        var cluster = AdminOptions.Cluster(required: true);
        var brokerId = new Option<long?>("-b", "--brokerId") { Description = "The id of the broker which requires to become master (default: the controller picks the best in-sync member)." };
        var brokerName = new Option<string>("-bn", "--brokerName") { Description = "The broker name of the replicas that require to be manipulated.", Required = true };
        var command = new Command("electMaster", "Re-elect the specified broker as master.") { ns, address, cluster, brokerId, brokerName };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string controller = session.Parse.GetValue(address)!.Trim().Split(';')[0];
            string clusterName = session.Parse.GetValue(cluster)!.Trim();
            string name = session.Parse.GetValue(brokerName)!.Trim();
            var result = await admin.ElectMasterAsync(controller, clusterName, name, session.Parse.GetValue(brokerId), ct).ConfigureAwait(false);
            await PrintAsync(session.Output, clusterName, name, result).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>RocketMQ 5's GetSyncStateSetSubCommand layout, groups by name; a group without a master adds <c>#NoMasterReason</c>.</summary>
    internal static async Task PrintAsync(TextWriter output, BrokerReplicasInfoBody info)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var (name, group) in info.ReplicasInfoTable.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            await output.WriteAsync(string.Format(c, "\n#brokerName\t{0}\n#MasterBrokerId\t{1}\n#MasterAddr\t{2}\n#MasterEpoch\t{3}\n#SyncStateSetEpoch\t{4}\n#SyncStateSetNums\t{5}\n",
                name, group.MasterBrokerId?.ToString(c) ?? "null", group.MasterAddress ?? "null", group.MasterEpoch, group.SyncStateSetEpoch, group.InSyncReplicas.Count)).ConfigureAwait(false);
            if (group.NoMasterReason is { } reason)
            {
                await output.WriteAsync($"#NoMasterReason\t{reason}\n").ConfigureAwait(false);
            }

            foreach (var member in group.InSyncReplicas)
            {
                await output.WriteAsync($"\nInSyncReplica:\t{member}\n").ConfigureAwait(false);
            }

            foreach (var member in group.NotInSyncReplicas)
            {
                await output.WriteAsync($"\nNotInSyncReplica:\t{member}\n").ConfigureAwait(false);
            }
        }
    }

    /// <summary>RocketMQ 5's ReElectMasterSubCommand layout: the new master, its epochs, then every member.</summary>
    internal static async Task PrintAsync(TextWriter output, string clusterName, string brokerName, ElectMasterResult result)
    {
        var c = CultureInfo.InvariantCulture;
        await output.WriteAsync(string.Format(c, "\n#ClusterName\t{0}\n#BrokerName\t{1}\n#BrokerMasterAddr\t{2}\n#MasterEpoch\t{3}\n#SyncStateSetEpoch\t{4}\n",
            clusterName, brokerName, result.MasterAddress ?? "null", result.MasterEpoch?.ToString(c) ?? "null", result.SyncStateSetEpoch?.ToString(c) ?? "null")).ConfigureAwait(false);
        if (result.MemberGroup is { } group)
        {
            foreach (var (id, brokerAddress) in group.BrokerAddrs.OrderBy(e => e.Key))
            {
                await output.WriteAsync(string.Format(c, "\t#Broker\t{0}\t{1}\n", id, brokerAddress)).ConfigureAwait(false);
            }
        }
    }

    private static Option<string> ControllerAddress() =>
        new("-a", "--controllerAddress") { Description = "The address of controller (any nameserver of the cluster).", Required = true };

    /// <summary>The broker groups of <paramref name="clusterName"/> as the name servers (-n) know them (RocketMQ's CommandUtil.fetchBrokerNameByClusterName).</summary>
    private static async Task<IReadOnlyList<string>> GroupsOfClusterAsync(AdminClient admin, string clusterName, CancellationToken ct)
    {
        var info = await admin.GetClusterInfoAsync(ct).ConfigureAwait(false);
        if (!info.ClusterAddrTable.TryGetValue(clusterName, out var groups) || groups.Count == 0)
        {
            throw new AdminCommandException($"cluster {clusterName} has no brokers");
        }

        return [.. groups.Order(StringComparer.Ordinal)];
    }
}
