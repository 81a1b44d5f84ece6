using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Topic settings sent by UPDATE_AND_CREATE_TOPIC (17); defaults are mqadmin updateTopic's.</summary>
public sealed record TopicConfigOptions(string TopicName)
{
    public int ReadQueueNums { get; init; } = 8;

    public int WriteQueueNums { get; init; } = 8;

    /// <summary>Perm bits: 6 = read + write.</summary>
    public int Perm { get; init; } = 6;

    /// <summary><c>SINGLE_TAG</c> or <c>MULTI_TAG</c>.</summary>
    public string TopicFilterType { get; init; } = "SINGLE_TAG";

    public int TopicSysFlag { get; init; }

    public bool Order { get; init; }
}

/// <summary>
/// What the admin tool needs (Java DefaultMQAdminExt, wire doc 2.7): cluster, route and topic
/// lists from the name server; topic create/delete, stats, connections, runtime info and
/// message lookup from brokers. Every error answer raises <see cref="MQBrokerException"/>.
/// </summary>
public sealed partial class AdminClient : IAsyncDisposable
{
    private readonly ClientInstance _instance;
    private int _disposed;

    public AdminClient(ClientOptions options)
    {
        _instance = ClientInstance.Acquire(options);
    }

    public ClientInstance Instance => _instance;

    /// <summary>GET_BROKER_CLUSTER_INFO (106).</summary>
    public async Task<ClusterInfo> GetClusterInfoAsync(CancellationToken cancellationToken = default)
    {
        var response = await InvokeNameServerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerClusterInfo), cancellationToken).ConfigureAwait(false);
        return ClusterInfo.Decode(response.Body.Span);
    }

    /// <summary>GET_ROUTEINFO_BY_TOPIC (105); TOPIC_NOT_EXIST raises <see cref="MQBrokerException"/> with code 17.</summary>
    public async Task<TopicRouteData> GetTopicRouteAsync(string topic, CancellationToken cancellationToken = default)
    {
        var route = await _instance.FetchTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        return route ?? throw new MQBrokerException((int)ResponseCode.TopicNotExist, "No topic route info in name server for the topic: " + topic);
    }

    /// <summary>GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206).</summary>
    public async Task<TopicListBody> GetTopicListAsync(CancellationToken cancellationToken = default)
    {
        var response = await InvokeNameServerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllTopicListFromNameserver), cancellationToken).ConfigureAwait(false);
        return TopicListBody.Decode(response.Body.Span);
    }

    /// <summary>GET_TOPICS_BY_CLUSTER (224) from the name server.</summary>
    public async Task<TopicListBody> GetTopicsByClusterAsync(string clusterName, CancellationToken cancellationToken = default)
    {
        var header = new GetTopicsByClusterRequestHeader { Cluster = clusterName };
        var response = await InvokeNameServerAsync(CommandHeader.CreateRequest(RequestCode.GetTopicsByCluster, header), cancellationToken).ConfigureAwait(false);
        return TopicListBody.Decode(response.Body.Span);
    }

    /// <summary>105, then QUERY_TOPIC_CONSUME_BY_WHO (300) to each broker of the topic; the groups merged.</summary>
    public async Task<GroupListBody> QueryTopicConsumeByWhoAsync(string topic, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var header = new QueryTopicConsumeByWhoRequestHeader { Topic = topic };
        var merged = new GroupListBody();
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.QueryTopicConsumeByWho, header), cancellationToken).ConfigureAwait(false);
            foreach (var group in GroupListBody.Decode(response.Body.Span).GroupList)
            {
                if (!merged.GroupList.Contains(group))
                {
                    merged.GroupList.Add(group);
                }
            }
        }

        return merged;
    }

    /// <summary>UPDATE_AND_CREATE_TOPIC (17) to one broker.</summary>
    public async Task CreateOrUpdateTopicAsync(string brokerAddress, TopicConfigOptions topic, CancellationToken cancellationToken = default)
    {
        TopicValidator.Validate(topic.TopicName);
        var header = new CreateTopicRequestHeader
        {
            Topic = topic.TopicName,
            DefaultTopic = TopicNames.AutoCreateTemplate,
            ReadQueueNums = topic.ReadQueueNums,
            WriteQueueNums = topic.WriteQueueNums,
            Perm = topic.Perm,
            TopicFilterType = topic.TopicFilterType,
            TopicSysFlag = topic.TopicSysFlag,
            Order = topic.Order,
        };
        await InvokeBrokerAsync(brokerAddress, CommandHeader.CreateRequest(RequestCode.UpdateAndCreateTopic, header), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>106, then 17 to every master of the cluster; returns the masters written to.</summary>
    public async Task<IReadOnlyList<string>> CreateOrUpdateTopicInClusterAsync(string clusterName, TopicConfigOptions topic, CancellationToken cancellationToken = default)
    {
        var masters = await MastersOfClusterAsync(clusterName, cancellationToken).ConfigureAwait(false);
        foreach (var address in masters)
        {
            await CreateOrUpdateTopicAsync(address, topic, cancellationToken).ConfigureAwait(false);
        }

        return masters;
    }

    /// <summary>DELETE_TOPIC_IN_BROKER (215) to every master of the cluster, then DELETE_TOPIC_IN_NAMESRV (216) to every name server.</summary>
    public async Task DeleteTopicAsync(string topic, string clusterName, CancellationToken cancellationToken = default)
    {
        var header = new DeleteTopicRequestHeader { Topic = topic };
        foreach (var address in await MastersOfClusterAsync(clusterName, cancellationToken).ConfigureAwait(false))
        {
            await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.DeleteTopicInBroker, header), cancellationToken).ConfigureAwait(false);
        }

        foreach (var nameServer in _instance.Options.NameServerList)
        {
            await InvokeBrokerAsync(nameServer, CommandHeader.CreateRequest(RequestCode.DeleteTopicInNamesrv, header), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>105, then GET_TOPIC_STATS_INFO (202) to one address per broker (master preferred), merged.</summary>
    public async Task<TopicStatsTableBody> GetTopicStatsAsync(string topic, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var merged = new TopicStatsTableBody();
        var header = new GetTopicStatsInfoRequestHeader { Topic = topic };
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetTopicStatsInfo, header), cancellationToken).ConfigureAwait(false);
            foreach (var (queue, offsets) in TopicStatsTableBody.Decode(response.Body.Span).OffsetTable)
            {
                merged.OffsetTable[queue] = offsets;
            }
        }

        return merged;
    }

    /// <summary>
    /// 105 for <c>%RETRY%group</c>, then GET_CONSUME_STATS (208) to each broker's master, merged. A group
    /// without a retry topic (one that only pulls and commits) is asked of the brokers of
    /// <paramref name="topic"/>, or of every broker in the cluster info when no topic is given.
    /// </summary>
    public async Task<ConsumeStatsBody> GetConsumeStatsAsync(string consumerGroup, string? topic = null, CancellationToken cancellationToken = default)
    {
        var addresses = await ConsumeStatsAddressesAsync(consumerGroup, topic, cancellationToken).ConfigureAwait(false);
        var merged = new ConsumeStatsBody();
        var header = new GetConsumeStatsRequestHeader { ConsumerGroup = consumerGroup, Topic = topic };
        foreach (var address in addresses)
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetConsumeStats, header), cancellationToken).ConfigureAwait(false);
            var stats = ConsumeStatsBody.Decode(response.Body.Span);
            merged.ConsumeTps += stats.ConsumeTps;
            foreach (var (queue, offsets) in stats.OffsetTable)
            {
                merged.OffsetTable[queue] = offsets;
            }
        }

        if (merged.OffsetTable.Count == 0)
        {
            throw new MQClientException("Not found the consumer group consume stats, because return offset table is empty, maybe the consumer not consume any message");
        }

        return merged;
    }

    /// <summary>105 for <c>%RETRY%group</c>, then GET_CONSUMER_CONNECTION_LIST (203) to one broker; 206 when the group is offline.</summary>
    public async Task<ConsumerConnectionBody> GetConsumerConnectionListAsync(string consumerGroup, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(TopicNames.RetryTopic(consumerGroup), cancellationToken).ConfigureAwait(false);
        var header = new GetConsumerConnectionListRequestHeader { ConsumerGroup = consumerGroup };
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetConsumerConnectionList, header), cancellationToken).ConfigureAwait(false);
            return ConsumerConnectionBody.Decode(response.Body.Span);
        }

        throw new MQClientException("No broker serves the retry topic of " + consumerGroup);
    }

    /// <summary>105 for the topic, then GET_PRODUCER_CONNECTION_LIST (204) to each master, connections merged.</summary>
    public async Task<ProducerConnectionBody> GetProducerConnectionListAsync(string producerGroup, string topic, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var header = new GetProducerConnectionListRequestHeader { ProducerGroup = producerGroup };
        var merged = new ProducerConnectionBody();
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetProducerConnectionList, header), cancellationToken).ConfigureAwait(false);
            merged.ConnectionSet.AddRange(ProducerConnectionBody.Decode(response.Body.Span).ConnectionSet);
        }

        return merged;
    }

    /// <summary>
    /// GET_CONSUMER_RUNNING_INFO (307) for one client of a group, through the master of the
    /// group's retry topic; the broker relays it to the client's connection.
    /// </summary>
    public async Task<ConsumerRunningInfoBody> GetConsumerRunningInfoAsync(string consumerGroup, string clientId, bool jstack = false, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(TopicNames.RetryTopic(consumerGroup), cancellationToken).ConfigureAwait(false);
        var header = new GetConsumerRunningInfoRequestHeader { ConsumerGroup = consumerGroup, ClientId = clientId, JstackEnable = jstack };
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetConsumerRunningInfo, header), cancellationToken).ConfigureAwait(false);
            return ConsumerRunningInfoBody.Decode(response.Body.Span);
        }

        throw new MQClientException("No broker serves the retry topic of " + consumerGroup);
    }

    /// <summary>GET_BROKER_RUNTIME_INFO (28).</summary>
    public async Task<KvTableBody> GetBrokerRuntimeInfoAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetBrokerRuntimeInfo), cancellationToken).ConfigureAwait(false);
        return KvTableBody.Decode(response.Body.Span);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _instance.ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task<List<string>> ConsumeStatsAddressesAsync(string consumerGroup, string? topic, CancellationToken cancellationToken)
    {
        try
        {
            return PreferredAddresses(await GetTopicRouteAsync(TopicNames.RetryTopic(consumerGroup), cancellationToken).ConfigureAwait(false));
        }
        catch (MQBrokerException e) when (e.ResponseCode == (int)ResponseCode.TopicNotExist)
        {
            if (topic is not null)
            {
                return PreferredAddresses(await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false));
            }
        }

        var cluster = await GetClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        var addresses = new List<string>();
        foreach (var broker in cluster.BrokerAddrTable.Values)
        {
            if (broker.BrokerAddrs.TryGetValue(0, out var master))
            {
                addresses.Add(master);
            }
        }

        return addresses;
    }

    /// <summary>Per broker group: the master, else the first address.</summary>
    private static List<string> PreferredAddresses(TopicRouteData route)
    {
        var addresses = new List<string>();
        foreach (var broker in route.BrokerDatas)
        {
            if (broker.BrokerAddrs.TryGetValue(0, out var master))
            {
                addresses.Add(master);
            }
            else
            {
                foreach (var address in broker.BrokerAddrs.Values)
                {
                    addresses.Add(address);
                    break;
                }
            }
        }

        return addresses;
    }

    /// <summary>Each broker group's master of the cluster, in broker-name order; a cluster the name server does not know is an error.</summary>
    private async Task<List<string>> MastersOfClusterAsync(string clusterName, CancellationToken cancellationToken)
    {
        var masters = new List<string>();
        foreach (var (master, _) in await GetClusterBrokersAsync(clusterName, cancellationToken).ConfigureAwait(false))
        {
            masters.Add(master);
        }

        return masters;
    }

    private async Task<RemotingCommand> InvokeNameServerAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        var response = await _instance.InvokeNameServerAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Code != (int)ResponseCode.Success)
        {
            throw new MQBrokerException(response.Code, response.Remark);
        }

        return response;
    }

    private async Task<RemotingCommand> InvokeBrokerAsync(string address, RemotingCommand request, CancellationToken cancellationToken)
    {
        RemotingCommand response;
        try
        {
            response = await _instance.Remoting.InvokeAsync(address, request, _instance.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClientInstance.IsNetworkError(ex))
        {
            throw new MQClientException("connect to " + address + " failed", ex);
        }

        if (response.Code != (int)ResponseCode.Success)
        {
            throw new MQBrokerException(response.Code, response.Remark, address);
        }

        return response;
    }
}
