namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>VIEW_BROKER_STATS_DATA (315) request: a stats name (e.g. <c>TOPIC_PUT_NUMS</c>) and a key in RocketMQ's form (e.g. <c>topic@group</c>).</summary>
public sealed class ViewBrokerStatsDataRequestHeader : ICommandHeader<ViewBrokerStatsDataRequestHeader>
{
    public string StatsName { get; set; } = string.Empty;

    public string StatsKey { get; set; } = string.Empty;

    public static HeaderTable<ViewBrokerStatsDataRequestHeader> Table { get; } = new HeaderTable<ViewBrokerStatsDataRequestHeader>()
        .String("statsName", static h => h.StatsName, static (h, v) => h.StatsName = v, required: true)
        .String("statsKey", static h => h.StatsKey, static (h, v) => h.StatsKey = v, required: true);
}

/// <summary>GET_BROKER_CONSUME_STATS (317) request; <c>isOrder</c> limits the answer to ordered topics.</summary>
public sealed class GetConsumeStatsInBrokerHeader : ICommandHeader<GetConsumeStatsInBrokerHeader>
{
    public bool IsOrder { get; set; }

    public static HeaderTable<GetConsumeStatsInBrokerHeader> Table { get; } = new HeaderTable<GetConsumeStatsInBrokerHeader>()
        .Boolean("isOrder", static h => h.IsOrder, static (h, v) => h.IsOrder = v, required: true);
}

/// <summary>
/// QUERY_CONSUME_QUEUE (321) request: <see cref="Count"/> consume-queue entries of a queue from
/// logical index <see cref="Index"/>; with a consumer group the answer also carries its subscription.
/// </summary>
public sealed class QueryConsumeQueueRequestHeader : ICommandHeader<QueryConsumeQueueRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public long Index { get; set; }

    public int Count { get; set; }

    public string? ConsumerGroup { get; set; }

    public static HeaderTable<QueryConsumeQueueRequestHeader> Table { get; } = new HeaderTable<QueryConsumeQueueRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v)
        .Int64("index", static h => h.Index, static (h, v) => h.Index = v)
        .Int32("count", static h => h.Count, static (h, v) => h.Count = v)
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v);
}

/// <summary>QUERY_CONSUME_TIME_SPAN (303) request.</summary>
public sealed class QueryConsumeTimeSpanRequestHeader : ICommandHeader<QueryConsumeTimeSpanRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public string Group { get; set; } = string.Empty;

    public static HeaderTable<QueryConsumeTimeSpanRequestHeader> Table { get; } = new HeaderTable<QueryConsumeTimeSpanRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .String("group", static h => h.Group, static (h, v) => h.Group = v, required: true);
}
