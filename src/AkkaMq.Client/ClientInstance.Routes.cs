using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Name-server access and the route cache. The maps are replaced per topic, never mutated in place.</summary>
public sealed partial class ClientInstance
{
    private readonly ConcurrentDictionary<string, TopicRouteData> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BrokerData> _brokers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TopicPublishInfo> _publishInfo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<MessageQueue>> _subscribeInfo = new(StringComparer.Ordinal);
    private int _nameServerIndex;

    /// <summary>
    /// Sends a request to the first name server that answers, starting with the last good one.
    /// Throws <see cref="MQClientException"/> "connect to X failed" when none does.
    /// </summary>
    public async Task<RemotingCommand> InvokeNameServerAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        var servers = Options.NameServerList;
        if (servers.Count == 0)
        {
            throw new MQClientException("No name server address, please set it.");
        }

        Exception? last = null;
        int start = Volatile.Read(ref _nameServerIndex);
        for (int i = 0; i < servers.Count; i++)
        {
            int index = (start + i) % servers.Count;
            try
            {
                var response = await Remoting.InvokeAsync(servers[index], request, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _nameServerIndex, index);
                return response;
            }
            catch (Exception ex) when (IsNetworkError(ex))
            {
                Log.NameServerFailed(Logger, servers[index], ex.Message);
                last = ex;
            }
        }

        throw new MQClientException("connect to " + servers[(start + servers.Count - 1) % servers.Count] + " failed", last!);
    }

    /// <summary>GET_ROUTEINFO_BY_TOPIC (105); null when the name server says TOPIC_NOT_EXIST.</summary>
    public async Task<TopicRouteData?> FetchTopicRouteAsync(string topic, CancellationToken cancellationToken)
    {
        var header = new GetRouteInfoRequestHeader { Topic = topic };
        var request = CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, header);
        var response = await InvokeNameServerAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Code switch
        {
            (int)ResponseCode.Success => TopicRouteData.Decode(response.Body.Span),
            (int)ResponseCode.TopicNotExist => null,
            _ => throw new MQClientException(response.Code, response.Remark),
        };
    }

    /// <summary>Fetches and caches the route of a topic; false when the topic does not exist (the old route is kept).</summary>
    public async Task<bool> UpdateTopicRouteAsync(string topic, CancellationToken cancellationToken)
    {
        var route = await FetchTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            return false;
        }

        StoreRoute(topic, route);
        return true;
    }

    /// <summary>
    /// The publish queues of a topic. Without a route, falls back to the route of
    /// <c>TBW102</c> with min(<paramref name="defaultQueueNums"/>, readQueueNums) queues per broker,
    /// so the broker auto-creates the topic on the first send.
    /// </summary>
    internal async Task<TopicPublishInfo> GetPublishInfoAsync(string topic, int defaultQueueNums, CancellationToken cancellationToken)
    {
        if (_publishInfo.TryGetValue(topic, out var info) && info.Queues.Count > 0)
        {
            return info;
        }

        if (await UpdateTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false)
            && _publishInfo.TryGetValue(topic, out info) && info.Queues.Count > 0)
        {
            return info;
        }

        var template = await FetchTopicRouteAsync(TopicNames.AutoCreateTemplate, cancellationToken).ConfigureAwait(false);
        if (template is not null)
        {
            foreach (var queueData in template.QueueDatas)
            {
                int queues = Math.Min(defaultQueueNums, queueData.ReadQueueNums);
                queueData.ReadQueueNums = queues;
                queueData.WriteQueueNums = queues;
            }

            StoreRoute(topic, template);
            if (_publishInfo.TryGetValue(topic, out info) && info.Queues.Count > 0)
            {
                return info;
            }
        }

        throw new MQClientException("No route info of this topic: " + topic);
    }

    /// <summary>The subscribe queues of a topic, sorted; fetched when not cached.</summary>
    internal async Task<List<MessageQueue>> GetSubscribeQueuesAsync(string topic, CancellationToken cancellationToken)
    {
        if (_subscribeInfo.TryGetValue(topic, out var queues))
        {
            return queues;
        }

        if (await UpdateTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false) && _subscribeInfo.TryGetValue(topic, out queues))
        {
            return queues;
        }

        throw new MQClientException("No route info of this topic: " + topic);
    }

    /// <summary>The cached route of a topic, if any.</summary>
    public bool TryGetRoute(string topic, out TopicRouteData route) => _routes.TryGetValue(topic, out route!);

    /// <summary>The master (id 0) address of a broker name.</summary>
    public string? FindMasterAddress(string brokerName) =>
        _brokers.TryGetValue(brokerName, out var broker) && broker.BrokerAddrs.TryGetValue(0, out var address) ? address : null;

    /// <summary>
    /// The address of <paramref name="brokerId"/> in a broker group (wire doc 7.4): that id, else
    /// id+1 when a slave was asked for, else any address. IsMaster tells whether it is id 0.
    /// </summary>
    internal (string Address, bool IsMaster)? FindBrokerAddress(string brokerName, long brokerId)
    {
        if (!_brokers.TryGetValue(brokerName, out var broker) || broker.BrokerAddrs.Count == 0)
        {
            return null;
        }

        if (broker.BrokerAddrs.TryGetValue(brokerId, out var address))
        {
            return (address, brokerId == 0);
        }

        if (brokerId != 0 && broker.BrokerAddrs.TryGetValue(brokerId + 1, out address))
        {
            return (address, false);
        }

        foreach (var entry in broker.BrokerAddrs)
        {
            return (entry.Value, entry.Key == 0);
        }

        return null;
    }

    /// <summary>One broker address serving the topic (master preferred), as used for GET_CONSUMER_LIST_BY_GROUP.</summary>
    internal string? FindBrokerAddressByTopic(string topic)
    {
        if (!_routes.TryGetValue(topic, out var route))
        {
            return null;
        }

        foreach (var broker in route.BrokerDatas)
        {
            if (FindBrokerAddress(broker.BrokerName, 0) is { } found)
            {
                return found.Address;
            }
        }

        return null;
    }

    private IEnumerable<string> BrokerAddresses(bool mastersOnly)
    {
        foreach (var broker in _brokers.Values)
        {
            foreach (var entry in broker.BrokerAddrs)
            {
                if (!mastersOnly || entry.Key == 0)
                {
                    yield return entry.Value;
                }
            }
        }
    }

    private void StoreRoute(string topic, TopicRouteData route)
    {
        _routes[topic] = route;
        foreach (var broker in route.BrokerDatas)
        {
            _brokers[broker.BrokerName] = broker;
        }

        _publishInfo[topic] = new TopicPublishInfo(TopicRoutes.PublishQueues(topic, route));
        _subscribeInfo[topic] = TopicRoutes.SubscribeQueues(topic, route);
    }

    private async Task RefreshRoutesAsync(CancellationToken cancellationToken)
    {
        var topics = new HashSet<string>(_routes.Keys, StringComparer.Ordinal);
        foreach (var consumer in _consumers.Values)
        {
            topics.UnionWith(consumer.SubscribedTopics);
        }

        foreach (var topic in topics)
        {
            try
            {
                await UpdateTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQClientException or System.Text.Json.JsonException)
            {
                Log.RouteRefreshFailed(Logger, topic, ex.Message);
            }
        }

        ForgetBrokersWithoutRoutes();
    }

    /// <summary>Stops heartbeating brokers no cached route mentions any more (they left the cluster).</summary>
    private void ForgetBrokersWithoutRoutes()
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in _routes.Values)
        {
            foreach (var broker in route.BrokerDatas)
            {
                live.Add(broker.BrokerName);
            }
        }

        foreach (var name in _brokers.Keys)
        {
            if (!live.Contains(name))
            {
                _brokers.TryRemove(name, out _);
            }
        }
    }
}
