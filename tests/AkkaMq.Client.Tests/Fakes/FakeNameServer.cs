using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Client.Tests.Fakes;

/// <summary>Answers 105 from a route table (17 when absent) and 106 from the brokers in those routes.</summary>
internal sealed class FakeNameServer : FakeServer
{
    public ConcurrentDictionary<string, TopicRouteData> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>Publishes a topic on the given brokers with the same queue counts on each.</summary>
    public void AddTopic(string topic, int queues, int perm, params FakeBroker[] brokers)
    {
        var route = new TopicRouteData();
        foreach (var broker in brokers)
        {
            route.QueueDatas.Add(new QueueData { BrokerName = broker.Name, ReadQueueNums = queues, WriteQueueNums = queues, Perm = perm });
            route.BrokerDatas.Add(new BrokerData { Cluster = "DefaultCluster", BrokerName = broker.Name, BrokerAddrs = { [0] = broker.Address } });
        }

        Routes[topic] = route;
    }

    protected override ValueTask<RemotingCommand?> HandleCoreAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        switch (request.RequestCode)
        {
            case RequestCode.GetRouteInfoByTopic:
                var header = CommandHeader.Decode<GetRouteInfoRequestHeader>(request);
                if (!Routes.TryGetValue(header.Topic, out var route))
                {
                    return Reply(request.CreateResponse(ResponseCode.TopicNotExist, "No topic route info in name server for the topic: " + header.Topic));
                }

                var found = request.CreateResponse(ResponseCode.Success);
                found.Body = route.Encode(quoteBrokerIds: false);
                return Reply(found);
            case RequestCode.GetBrokerClusterInfo:
                var cluster = new ClusterInfo();
                cluster.ClusterAddrTable["DefaultCluster"] = [];
                foreach (var broker in Routes.Values.SelectMany(r => r.BrokerDatas))
                {
                    if (cluster.BrokerAddrTable.TryAdd(broker.BrokerName, broker))
                    {
                        cluster.ClusterAddrTable["DefaultCluster"].Add(broker.BrokerName);
                    }
                }

                var response = request.CreateResponse(ResponseCode.Success);
                response.Body = cluster.Encode();
                return Reply(response);
            default:
                return Reply(request.CreateResponse(ResponseCode.Success));
        }
    }

    private static ValueTask<RemotingCommand?> Reply(RemotingCommand response) => ValueTask.FromResult<RemotingCommand?>(response);
}
