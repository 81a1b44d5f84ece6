using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.NameServer;

/// <summary>Route requests (105, 106, 206, 216, 224), answered from the route table replica of this node.</summary>
internal sealed class RouteProcessor(RouteTableFeed routes, IActorRef registry)
{
    /// <summary>The namesrv KV namespace mqadmin updateTopic -o writes order-topic layouts to.</summary>
    public const string OrderTopicNamespace = "ORDER_TOPIC_CONFIG";

    // Encoded route bodies of the current table: every client asks for each of its topics every
    // 30 s, while the table changes rarely. Replaced wholesale when the table changes.
    private RouteBodyCache _cache = new(RouteTable.Empty);

    /// <summary>The route table this processor reads, for processors that share the gateway's wiring.</summary>
    public RouteTableFeed Routes => routes;

    /// <summary>The route registry changes go to.</summary>
    public IActorRef Registry => registry;

    public RemotingCommand GetRouteInfoByTopic(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetRouteInfoRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var body = RouteBody(header.Topic);
        if (body is null)
        {
            return request.CreateResponse(ResponseCode.TopicNotExist, "No topic route info in name server for the topic: " + header.Topic);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body;
        return response;
    }

    public RemotingCommand GetBrokerClusterInfo(RemotingCommand request)
    {
        var table = routes.Current;
        var info = new ClusterInfo();
        foreach (var group in table.Groups.Values)
        {
            info.BrokerAddrTable[group.GroupName] = ToBrokerData(group);
            if (!info.ClusterAddrTable.TryGetValue(group.ClusterName, out var names))
            {
                info.ClusterAddrTable[group.ClusterName] = names = [];
            }

            names.Add(group.GroupName);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = info.Encode(quoteBrokerIds: true);
        return response;
    }

    public RemotingCommand GetAllTopicList(RemotingCommand request)
    {
        var body = new TopicListBody();
        foreach (var topic in routes.Current.Topics.Keys)
        {
            body.TopicList.Add(topic);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    public RemotingCommand GetTopicsByCluster(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetTopicsByClusterRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var table = routes.Current;
        var body = new TopicListBody();
        foreach (var (topic, perGroup) in table.Topics)
        {
            foreach (var groupName in perGroup.Keys)
            {
                if (table.Groups.TryGetValue(groupName, out var group) && group.ClusterName == header.Cluster)
                {
                    body.TopicList.Add(topic);
                    break;
                }
            }
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    public async ValueTask<RemotingCommand?> DeleteTopicAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<DeleteTopicRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        // Deleting a topic the table does not hold is a success, as in RocketMQ.
        if (routes.Current.Topics.ContainsKey(header.Topic))
        {
            var result = await RouteRegistryRequests.ChangeAsync(registry, new DeleteTopic(header.Topic), ct).ConfigureAwait(false);
            if (!result.IsAccepted)
            {
                return request.CreateResponse(ResponseCode.SystemError, result.Rejection);
            }
        }

        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>The encoded route (quoted broker ids, the form every 4.x client reads), or null when no group serves the topic.</summary>
    private byte[]? RouteBody(string topic)
    {
        var table = routes.Current;
        var cache = Volatile.Read(ref _cache);
        if (!ReferenceEquals(cache.Table, table))
        {
            cache = new RouteBodyCache(table);
            Volatile.Write(ref _cache, cache);
        }

        if (cache.Bodies.TryGetValue(topic, out var body))
        {
            return body;
        }

        body = BuildRoute(table, topic)?.Encode(quoteBrokerIds: true);
        if (body is not null)
        {
            cache.Bodies.TryAdd(topic, body);
        }

        return body;
    }

    /// <summary>The route of <paramref name="topic"/>, or null when no broker group serves it.</summary>
    internal static TopicRouteData? BuildRoute(RouteTable table, string topic)
    {
        if (!table.TryGetTopic(topic, out var perGroup) || perGroup.IsEmpty)
        {
            return null;
        }

        var route = new TopicRouteData { OrderTopicConf = table.FindKv(OrderTopicNamespace, topic) };
        foreach (var (groupName, config) in perGroup)
        {
            if (!table.Groups.TryGetValue(groupName, out var group))
            {
                continue;
            }

            route.QueueDatas.Add(new QueueData
            {
                BrokerName = groupName,
                ReadQueueNums = config.ReadQueueNums,
                WriteQueueNums = config.WriteQueueNums,
                Perm = config.Perm,
                TopicSysFlag = config.TopicSysFlag,
            });
            route.BrokerDatas.Add(ToBrokerData(group));
        }

        return route.QueueDatas.Count == 0 ? null : route;
    }

    private static BrokerData ToBrokerData(BrokerGroup group)
    {
        var data = new BrokerData { Cluster = group.ClusterName, BrokerName = group.GroupName };
        foreach (var (id, address) in group.Addresses)
        {
            data.BrokerAddrs[id] = address;
        }

        return data;
    }
}

/// <summary>Encoded routes of one route table version; concurrent because handlers fill it from any connection.</summary>
internal sealed class RouteBodyCache(RouteTable table)
{
    public RouteTable Table { get; } = table;

    public System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Bodies { get; } = new(StringComparer.Ordinal);
}
