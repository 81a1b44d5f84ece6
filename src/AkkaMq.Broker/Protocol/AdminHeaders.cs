using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Broker.Protocol;

/// <summary>QUERY_TOPIC_CONSUME_BY_WHO (300) request.</summary>
public sealed class QueryTopicConsumeByWhoRequestHeader : ICommandHeader<QueryTopicConsumeByWhoRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public static HeaderTable<QueryTopicConsumeByWhoRequestHeader> Table { get; } = new HeaderTable<QueryTopicConsumeByWhoRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true);
}
