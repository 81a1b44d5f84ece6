using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>One broker's topic permission before and after updateTopicPerm.</summary>
public sealed record TopicPermChange(string BrokerAddress, int OldPerm, int NewPerm);

/// <summary>
/// The rest of mqadmin's everyday operations: broker write permission on the name servers (205, 327),
/// a topic's permission, the clusters serving a topic, subscription group configs, and order configs.
/// </summary>
public sealed partial class AdminClient
{
    /// <summary>The name servers this client was given, in order.</summary>
    public IReadOnlyList<string> NameServerAddresses => _instance.Options.NameServerList;

    /// <summary>
    /// WIPE_WRITE_PERM_OF_BROKER (205) to one name server: every topic of broker group
    /// <paramref name="brokerName"/> loses its write permission. Returns the number of topics the group serves.
    /// </summary>
    public async Task<int> WipeWritePermOfBrokerAsync(string nameServer, string brokerName, CancellationToken cancellationToken = default)
    {
        var request = CommandHeader.CreateRequest(RequestCode.WipeWritePermOfBroker, new BrokerWritePermRequestHeader { BrokerName = brokerName });
        var response = await InvokeBrokerAsync(nameServer, request, cancellationToken).ConfigureAwait(false);
        return CommandHeader.Decode<WipeWritePermResponseHeader>(response).WipeTopicCount;
    }

    /// <summary>
    /// ADD_WRITE_PERM_OF_BROKER (327) to one name server: every topic of broker group
    /// <paramref name="brokerName"/> becomes readable and writable. Returns the number of topics the group serves.
    /// </summary>
    public async Task<int> AddWritePermOfBrokerAsync(string nameServer, string brokerName, CancellationToken cancellationToken = default)
    {
        var request = CommandHeader.CreateRequest(RequestCode.AddWritePermOfBroker, new BrokerWritePermRequestHeader { BrokerName = brokerName });
        var response = await InvokeBrokerAsync(nameServer, request, cancellationToken).ConfigureAwait(false);
        return CommandHeader.Decode<AddWritePermResponseHeader>(response).AddTopicCount;
    }

    /// <summary>
    /// mqadmin updateTopicPerm: 105 for the topic, then UPDATE_AND_CREATE_TOPIC (17) with the topic's queue
    /// counts and the new <paramref name="perm"/>, to the master at <paramref name="brokerAddress"/> or to every
    /// master of <paramref name="clusterName"/>. A master that does not serve the topic raises
    /// <see cref="MQClientException"/> with mqadmin's message; with <paramref name="brokerAddress"/>, a perm equal
    /// to the broker's current one changes nothing and comes back with <see cref="TopicPermChange.OldPerm"/> equal
    /// to <see cref="TopicPermChange.NewPerm"/>.
    /// </summary>
    public async Task<IReadOnlyList<TopicPermChange>> UpdateTopicPermAsync(
        string topic, int perm, string? brokerAddress, string? clusterName, CancellationToken cancellationToken = default)
    {
        if (perm is not (2 or 4 or 6))
        {
            throw new MQClientException($"perm must be 2 (write), 4 (read) or 6 (read and write), got {perm}");
        }

        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var first = route.QueueDatas[0];
        var config = new TopicConfigOptions(topic)
        {
            ReadQueueNums = first.ReadQueueNums,
            WriteQueueNums = first.WriteQueueNums,
            TopicSysFlag = first.TopicSysFlag,
            Perm = perm,
            Order = route.OrderTopicConf is not null,
        };
        if (brokerAddress is not null)
        {
            var brokerName = route.BrokerDatas.FirstOrDefault(b => b.BrokerAddrs.TryGetValue(0, out var master) && master == brokerAddress)?.BrokerName
                ?? throw new MQClientException("updateTopicPerm error broker not exit or broker is not master!.");
            var old = route.QueueDatas.First(q => q.BrokerName == brokerName).Perm;
            if (old == perm)
            {
                return [new TopicPermChange(brokerAddress, old, perm)];
            }

            await CreateOrUpdateTopicAsync(brokerAddress, config, cancellationToken).ConfigureAwait(false);
            return [new TopicPermChange(brokerAddress, old, perm)];
        }

        if (clusterName is null)
        {
            throw new MQClientException("give a broker address (-b) or a cluster name (-c)");
        }

        var changes = new List<TopicPermChange>();
        foreach (var address in await MastersOfClusterAsync(clusterName, cancellationToken).ConfigureAwait(false))
        {
            await CreateOrUpdateTopicAsync(address, config, cancellationToken).ConfigureAwait(false);
            changes.Add(new TopicPermChange(address, first.Perm, perm));
        }

        return changes;
    }

    /// <summary>105 and 106: the clusters of the broker groups that serve <paramref name="topic"/>.</summary>
    public async Task<IReadOnlySet<string>> GetTopicClusterListAsync(string topic, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var cluster = await GetClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        var clusters = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var broker in route.BrokerDatas)
        {
            foreach (var (clusterName, brokerNames) in cluster.ClusterAddrTable)
            {
                if (brokerNames.Contains(broker.BrokerName))
                {
                    clusters.Add(clusterName);
                }
            }
        }

        return clusters;
    }

    /// <summary>GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) from one broker.</summary>
    public async Task<IReadOnlyDictionary<string, SubscriptionGroupConfig>> GetAllSubscriptionGroupConfigAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetAllSubscriptionGroupConfig), cancellationToken).ConfigureAwait(false);
        return SubscriptionGroupConfig.DecodeTable(response.Body.Span);
    }

    /// <summary>
    /// mqadmin getConsumerConfig: 106, then 201 to each broker group (master preferred); the groups that
    /// declare <paramref name="groupName"/>, as (cluster, broker name, config).
    /// </summary>
    public async Task<IReadOnlyList<(string Cluster, string BrokerName, SubscriptionGroupConfig Config)>> GetConsumerConfigAsync(
        string groupName, CancellationToken cancellationToken = default)
    {
        var cluster = await GetClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<(string, string, SubscriptionGroupConfig)>();
        foreach (var (brokerName, broker) in cluster.BrokerAddrTable.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var address = broker.BrokerAddrs.TryGetValue(0, out var master) ? master : broker.BrokerAddrs.Values.FirstOrDefault();
            if (address is null)
            {
                continue;
            }

            var groups = await GetAllSubscriptionGroupConfigAsync(address, cancellationToken).ConfigureAwait(false);
            if (groups.TryGetValue(groupName, out var config))
            {
                var clusterName = cluster.ClusterAddrTable.FirstOrDefault(c => c.Value.Contains(brokerName)).Key ?? string.Empty;
                found.Add((clusterName, brokerName, config));
            }
        }

        return found;
    }

    /// <summary>PUT_KV_CONFIG (100) of an ordered topic's layout (<c>brokerName:queueNums;…</c>) to every name server.</summary>
    public Task PutOrderConfAsync(string topic, string orderConf, CancellationToken cancellationToken = default) =>
        PutKvConfigAsync(OrderTopicConfigNamespace, topic, orderConf, cancellationToken);

    /// <summary>GET_KV_CONFIG (101) of an ordered topic's layout; null when none is set.</summary>
    public Task<string?> GetOrderConfAsync(string topic, CancellationToken cancellationToken = default) =>
        GetKvConfigAsync(OrderTopicConfigNamespace, topic, cancellationToken);

    /// <summary>DELETE_KV_CONFIG (102) of an ordered topic's layout on every name server.</summary>
    public Task DeleteOrderConfAsync(string topic, CancellationToken cancellationToken = default) =>
        DeleteKvConfigAsync(OrderTopicConfigNamespace, topic, cancellationToken);

    /// <summary>
    /// mqadmin allocateMQ: the topic's subscribe queues shared among <paramref name="clientIds"/> as a
    /// consumer group's rebalance does by default (averagely), keyed by client in the order given.
    /// </summary>
    public async Task<IReadOnlyList<(string ClientId, IReadOnlyList<MessageQueue> Queues)>> AllocateMessageQueuesAsync(
        string topic, IReadOnlyList<string> clientIds, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var queues = TopicRoutes.SubscribeQueues(topic, route);
        var result = new List<(string, IReadOnlyList<MessageQueue>)>();
        foreach (var clientId in clientIds)
        {
            result.Add((clientId, AllocateMessageQueueAveragely.Allocate(clientId, queues, clientIds)));
        }

        return result;
    }

    /// <summary>GET_ALL_PRODUCER_INFO (328) from one broker: its producer groups with their live clients.</summary>
    public async Task<ProducerTableBody> GetAllProducerInfoAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetAllProducerInfo), cancellationToken).ConfigureAwait(false);
        return ProducerTableBody.Decode(response.Body.Span);
    }
}
