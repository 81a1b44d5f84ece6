using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker;

/// <summary>
/// GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305): the topics this broker keeps for itself, which mqadmin
/// leaves out when it exports or reports user topics (exportMetadata, exportMetrics). RocketMQ's
/// fixed set, the names RocketMQ reserves per broker (its cluster, its group, the cluster's reply
/// topic), and AkkaMq's own offsets topic.
/// </summary>
internal sealed class SystemTopicProcessor(BrokerContext context)
{
    private static readonly string[] Fixed =
    [
        TopicNames.AutoCreateTemplate, TopicNames.Schedule, "BenchmarkTest", TopicNames.TransactionHalf, "RMQ_SYS_TRACE_TOPIC",
        TopicNames.TransactionOp, TopicNames.TransactionCheckMaxTime, TopicNames.SelfTest, TopicNames.OffsetMovedEvent,
    ];

    public RemotingCommand GetSystemTopicList(RemotingCommand request)
    {
        var body = new TopicListBody();
        body.TopicList.AddRange(Fixed);
        body.TopicList.Add(context.ClusterName);
        body.TopicList.Add(context.Group);
        body.TopicList.Add(context.ClusterName + "_REPLY_TOPIC");
        body.TopicList.Add(OffsetSnapshot.Topic);
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }
}
