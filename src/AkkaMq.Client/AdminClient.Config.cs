using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Client;

/// <summary>A server's config as properties text decoded: entries in the order the server sent them.</summary>
public sealed class ConfigProperties
{
    public ConfigProperties(IReadOnlyList<KeyValuePair<string, string>> entries, string? version)
    {
        Entries = entries;
        Version = version;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; }

    /// <summary>The config's data version as JSON (<c>{"counter":n,"timestamp":ms}</c>); brokers send it, name servers do not.</summary>
    public string? Version { get; }

    /// <summary>The value of <paramref name="key"/>, or null when the server did not list it.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var (k, v) in Entries)
            {
                if (k == key)
                {
                    return v;
                }
            }

            return null;
        }
    }
}

/// <summary>Broker and name-server config (25, 26, 318, 319) and store maintenance on demand (306, 329), as mqadmin uses them.</summary>
public sealed partial class AdminClient
{
    /// <summary>GET_BROKER_CONFIG (26) from one broker.</summary>
    public async Task<ConfigProperties> GetBrokerConfigAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetBrokerConfig), cancellationToken).ConfigureAwait(false);
        string? version = CommandHeader.TryDecode<GetBrokerConfigResponseHeader>(response, out var header, out _) ? header.Version : null;
        return new ConfigProperties(DecodeProperties(response, brokerAddress), version);
    }

    /// <summary>
    /// UPDATE_BROKER_CONFIG (25) to one broker. The broker applies every key or none: a key it
    /// cannot change at run time, an unknown key or a bad value raises <see cref="MQBrokerException"/>
    /// whose remark names the keys.
    /// </summary>
    public async Task UpdateBrokerConfigAsync(string brokerAddress, IEnumerable<KeyValuePair<string, string>> properties, CancellationToken cancellationToken = default)
    {
        var body = PropertiesText.Encode(properties);
        if (body.Length == 0)
        {
            return;
        }

        await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.UpdateBrokerConfig, null, body), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The brokers of <paramref name="clusterName"/> from the cluster info, master (id 0) first in
    /// each group, then its slaves: what mqadmin getBrokerConfig -c prints, one block per address.
    /// </summary>
    public async Task<IReadOnlyList<(string Master, IReadOnlyList<string> Slaves)>> GetClusterBrokersAsync(string clusterName, CancellationToken cancellationToken = default)
    {
        var cluster = await GetClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        if (!cluster.ClusterAddrTable.TryGetValue(clusterName, out var brokerNames))
        {
            throw new MQClientException("Cluster " + clusterName + " not found in the name server");
        }

        var groups = new List<(string, IReadOnlyList<string>)>();
        foreach (var name in brokerNames.Order(StringComparer.Ordinal))
        {
            if (cluster.BrokerAddrTable.TryGetValue(name, out var broker) && broker.BrokerAddrs.TryGetValue(0, out var master))
            {
                var slaves = broker.BrokerAddrs.Where(a => a.Key != 0).OrderBy(a => a.Key).Select(a => a.Value).ToList();
                groups.Add((master, slaves));
            }
        }

        return groups;
    }

    /// <summary>The masters of <paramref name="clusterName"/> (106), for commands that act on each (updateBrokerConfig -c, exportMetadata -c).</summary>
    public Task<List<string>> GetClusterMastersAsync(string clusterName, CancellationToken cancellationToken = default) =>
        MastersOfClusterAsync(clusterName, cancellationToken);

    /// <summary>GET_NAMESRV_CONFIG (319) from each of <paramref name="nameServers"/> (all configured ones when null or empty).</summary>
    public async Task<IReadOnlyList<(string NameServer, ConfigProperties Config)>> GetNameServerConfigAsync(
        IReadOnlyList<string>? nameServers = null, CancellationToken cancellationToken = default)
    {
        var result = new List<(string, ConfigProperties)>();
        foreach (var address in NameServersOrDefault(nameServers))
        {
            var response = await InvokeBrokerAsync(address, RemotingCommand.CreateRequest(RequestCode.GetNamesrvConfig), cancellationToken).ConfigureAwait(false);
            result.Add((address, new ConfigProperties(DecodeProperties(response, address), null)));
        }

        return result;
    }

    /// <summary>
    /// UPDATE_NAMESRV_CONFIG (318) to each of <paramref name="nameServers"/> (all configured ones
    /// when null or empty). Every name server is asked; then the last refusal is raised.
    /// </summary>
    public async Task UpdateNameServerConfigAsync(IEnumerable<KeyValuePair<string, string>> properties, IReadOnlyList<string>? nameServers = null, CancellationToken cancellationToken = default)
    {
        var body = PropertiesText.Encode(properties);
        if (body.Length == 0)
        {
            return;
        }

        MQBrokerException? refused = null;
        foreach (var address in NameServersOrDefault(nameServers))
        {
            try
            {
                await InvokeBrokerAsync(address, RemotingCommand.CreateRequest(RequestCode.UpdateNamesrvConfig, null, body), cancellationToken).ConfigureAwait(false);
            }
            catch (MQBrokerException e)
            {
                refused = e;
            }
        }

        if (refused is not null)
        {
            throw refused;
        }
    }

    /// <summary>CLEAN_EXPIRED_CONSUMEQUEUE (306) on one broker; true once it has cleaned.</summary>
    public async Task<bool> CleanExpiredConsumeQueueAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.CleanExpiredConsumeQueue), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>306 on every broker of <paramref name="clusterName"/>, or of every cluster when null; false when there was no broker to ask.</summary>
    public Task<bool> CleanExpiredConsumeQueueInClusterAsync(string? clusterName, CancellationToken cancellationToken = default) =>
        OnEveryBrokerAsync(clusterName, CleanExpiredConsumeQueueAsync, cancellationToken);

    /// <summary>DELETE_EXPIRED_COMMITLOG (329) on one broker: retention runs now; true once it has.</summary>
    public async Task<bool> DeleteExpiredCommitLogAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.DeleteExpiredCommitLog), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>329 on every broker of <paramref name="clusterName"/>, or of every cluster when null; false when there was no broker to ask.</summary>
    public Task<bool> DeleteExpiredCommitLogInClusterAsync(string? clusterName, CancellationToken cancellationToken = default) =>
        OnEveryBrokerAsync(clusterName, DeleteExpiredCommitLogAsync, cancellationToken);

    private async Task<bool> OnEveryBrokerAsync(string? clusterName, Func<string, CancellationToken, Task<bool>> call, CancellationToken cancellationToken)
    {
        var cluster = await GetClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        bool any = false;
        foreach (var (name, brokerNames) in cluster.ClusterAddrTable)
        {
            if (!string.IsNullOrEmpty(clusterName) && name != clusterName)
            {
                continue;
            }

            foreach (var brokerName in brokerNames)
            {
                if (!cluster.BrokerAddrTable.TryGetValue(brokerName, out var broker))
                {
                    continue;
                }

                foreach (var address in broker.BrokerAddrs.Values)
                {
                    any = await call(address, cancellationToken).ConfigureAwait(false) || any;
                }
            }
        }

        return any;
    }

    private IReadOnlyList<string> NameServersOrDefault(IReadOnlyList<string>? nameServers) =>
        nameServers is { Count: > 0 } ? nameServers : _instance.Options.NameServerList;

    private static List<KeyValuePair<string, string>> DecodeProperties(RemotingCommand response, string address)
    {
        if (!PropertiesText.TryParse(response.Body.Span, out var entries, out var error))
        {
            throw new MQClientException("config from " + address + " is not properties text: " + error);
        }

        return entries;
    }
}
