namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>GET_TOPIC_STATS_INFO (202) request.</summary>
public sealed class GetTopicStatsInfoRequestHeader : ICommandHeader<GetTopicStatsInfoRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public static HeaderTable<GetTopicStatsInfoRequestHeader> Table { get; } = new HeaderTable<GetTopicStatsInfoRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true);
}

/// <summary>GET_CONSUME_STATS (208) request; without a topic the broker reports every topic the group has offsets for.</summary>
public sealed class GetConsumeStatsRequestHeader : ICommandHeader<GetConsumeStatsRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public string? Topic { get; set; }

    public static HeaderTable<GetConsumeStatsRequestHeader> Table { get; } = new HeaderTable<GetConsumeStatsRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true)
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v);
}

/// <summary>GET_CONSUMER_CONNECTION_LIST (203) request.</summary>
public sealed class GetConsumerConnectionListRequestHeader : ICommandHeader<GetConsumerConnectionListRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public static HeaderTable<GetConsumerConnectionListRequestHeader> Table { get; } = new HeaderTable<GetConsumerConnectionListRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true);
}

/// <summary>GET_PRODUCER_CONNECTION_LIST (204) request.</summary>
public sealed class GetProducerConnectionListRequestHeader : ICommandHeader<GetProducerConnectionListRequestHeader>
{
    public string ProducerGroup { get; set; } = string.Empty;

    public static HeaderTable<GetProducerConnectionListRequestHeader> Table { get; } = new HeaderTable<GetProducerConnectionListRequestHeader>()
        .String("producerGroup", static h => h.ProducerGroup, static (h, v) => h.ProducerGroup = v, required: true);
}

/// <summary>
/// QUERY_MESSAGE (12) request (wire doc 2.4). A unique-key query also carries the extField
/// <see cref="UniqueKeyQueryField"/> = <c>true</c>, and the broker then caps maxNum at 32.
/// </summary>
public sealed class QueryMessageRequestHeader : ICommandHeader<QueryMessageRequestHeader>
{
    public const string UniqueKeyQueryField = "_UNIQUE_KEY_QUERY";

    public string Topic { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public int MaxNum { get; set; }

    public long BeginTimestamp { get; set; }

    public long EndTimestamp { get; set; }

    public static HeaderTable<QueryMessageRequestHeader> Table { get; } = new HeaderTable<QueryMessageRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .String("key", static h => h.Key, static (h, v) => h.Key = v, required: true)
        .Int32("maxNum", static h => h.MaxNum, static (h, v) => h.MaxNum = v, required: true)
        .Int64("beginTimestamp", static h => h.BeginTimestamp, static (h, v) => h.BeginTimestamp = v, required: true)
        .Int64("endTimestamp", static h => h.EndTimestamp, static (h, v) => h.EndTimestamp = v, required: true);
}

/// <summary>QUERY_MESSAGE (12) response; the body holds the matching records.</summary>
public sealed class QueryMessageResponseHeader : ICommandHeader<QueryMessageResponseHeader>
{
    public long IndexLastUpdateTimestamp { get; set; }

    public long IndexLastUpdatePhyoffset { get; set; }

    public static HeaderTable<QueryMessageResponseHeader> Table { get; } = new HeaderTable<QueryMessageResponseHeader>()
        .Int64("indexLastUpdateTimestamp", static h => h.IndexLastUpdateTimestamp, static (h, v) => h.IndexLastUpdateTimestamp = v, required: true)
        .Int64("indexLastUpdatePhyoffset", static h => h.IndexLastUpdatePhyoffset, static (h, v) => h.IndexLastUpdatePhyoffset = v, required: true);
}
