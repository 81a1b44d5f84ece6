using System.CommandLine;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>
/// <c>getBrokerEpoch</c> (RocketMQ 5): the epoch table of every member of a broker group (-b, by
/// broker name) or of every group of a cluster (-c), each epoch with the offsets it covers; -i
/// repeats every N seconds until stopped.
/// </summary>
internal static class BrokerEpochCommand
{
    public static Command GetBrokerEpoch()
    {
        var ns = AdminOptions.NameServer();
        var cluster = AdminOptions.Cluster();
        var brokerName = new Option<string>("-b", "--brokerName") { Description = "Broker group (broker name) to fetch." };
        var interval = new Option<int?>("-i", "--interval") { Description = "Seconds between fetches; repeats until stopped." };
        var command = new Command("getBrokerEpoch", "Fetch broker epoch entries.") { ns, cluster, brokerName, interval };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string? name = session.Parse.GetValue(brokerName)?.Trim();
            string? clusterName = session.Parse.GetValue(cluster)?.Trim();
            if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(clusterName))
            {
                throw new AdminCommandException("give a broker name (-b) or a cluster name (-c)");
            }

            int? every = session.Parse.GetValue(interval);
            while (true)
            {
                foreach (string address in await MemberAddressesAsync(admin, name, clusterName, ct).ConfigureAwait(false))
                {
                    await PrintAsync(session.Output, address, await admin.GetBrokerEpochCacheAsync(address, ct).ConfigureAwait(false)).ConfigureAwait(false);
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

    /// <summary>Every member address (master and followers) of the named group, or of every group of the cluster.</summary>
    private static async Task<IReadOnlyList<string>> MemberAddressesAsync(AdminClient admin, string? brokerName, string? clusterName, CancellationToken ct)
    {
        var info = await admin.GetClusterInfoAsync(ct).ConfigureAwait(false);
        IEnumerable<string> names;
        if (!string.IsNullOrEmpty(brokerName))
        {
            names = [brokerName];
        }
        else if (info.ClusterAddrTable.TryGetValue(clusterName!, out var groups))
        {
            names = groups;
        }
        else
        {
            throw new AdminCommandException($"cluster {clusterName} has no brokers");
        }

        var addresses = new List<string>();
        foreach (string name in names)
        {
            if (!info.BrokerAddrTable.TryGetValue(name, out var data))
            {
                throw new AdminCommandException($"broker {name} is not in the cluster's routes");
            }

            addresses.AddRange(data.BrokerAddrs.Values);
        }

        return addresses;
    }

    /// <summary>RocketMQ 5's GetBrokerEpochSubCommand.printData layout; the open epoch is printed ending at the log's end.</summary>
    internal static async Task PrintAsync(TextWriter output, string brokerAddress, EpochEntryCacheBody cache)
    {
        var c = CultureInfo.InvariantCulture;
        await output.WriteAsync(string.Format(c, "\n#clusterName\t{0}\n#brokerName\t{1}\n#brokerAddr\t{2}\n#brokerId\t{3}",
            cache.ClusterName, cache.BrokerName, brokerAddress, cache.BrokerId)).ConfigureAwait(false);
        for (int i = 0; i < cache.EpochList.Count; i++)
        {
            var epoch = i == cache.EpochList.Count - 1 ? cache.EpochList[i] with { EndOffset = cache.MaxOffset } : cache.EpochList[i];
            await output.WriteAsync("\n#Epoch: " + epoch).ConfigureAwait(false);
        }

        await output.WriteAsync("\n").ConfigureAwait(false);
    }
}
