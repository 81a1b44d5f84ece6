namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>QUERY_CONSUMER_OFFSET (14) request.</summary>
public sealed class QueryConsumerOffsetRequestHeader : ICommandHeader<QueryConsumerOffsetRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<QueryConsumerOffsetRequestHeader> Table { get; } = new HeaderTable<QueryConsumerOffsetRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true)
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>QUERY_CONSUMER_OFFSET (14) response: the committed offset.</summary>
public sealed class QueryConsumerOffsetResponseHeader : ICommandHeader<QueryConsumerOffsetResponseHeader>
{
    public long Offset { get; set; }

    public static HeaderTable<QueryConsumerOffsetResponseHeader> Table { get; } = new HeaderTable<QueryConsumerOffsetResponseHeader>()
        .Int64("offset", static h => h.Offset, static (h, v) => h.Offset = v, required: true);
}

/// <summary>UPDATE_CONSUMER_OFFSET (15) request; Java sends it one-way, ali-ons without the one-way bit.</summary>
public sealed class UpdateConsumerOffsetRequestHeader : ICommandHeader<UpdateConsumerOffsetRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public long CommitOffset { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<UpdateConsumerOffsetRequestHeader> Table { get; } = new HeaderTable<UpdateConsumerOffsetRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true)
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .Int64("commitOffset", static h => h.CommitOffset, static (h, v) => h.CommitOffset = v, required: true)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>GET_MAX_OFFSET (30) request.</summary>
public sealed class GetMaxOffsetRequestHeader : ICommandHeader<GetMaxOffsetRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<GetMaxOffsetRequestHeader> Table { get; } = new HeaderTable<GetMaxOffsetRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>GET_MAX_OFFSET (30) response: the next index to write.</summary>
public sealed class GetMaxOffsetResponseHeader : ICommandHeader<GetMaxOffsetResponseHeader>
{
    public long Offset { get; set; }

    public static HeaderTable<GetMaxOffsetResponseHeader> Table { get; } = new HeaderTable<GetMaxOffsetResponseHeader>()
        .Int64("offset", static h => h.Offset, static (h, v) => h.Offset = v, required: true);
}

/// <summary>GET_MIN_OFFSET (31) request.</summary>
public sealed class GetMinOffsetRequestHeader : ICommandHeader<GetMinOffsetRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<GetMinOffsetRequestHeader> Table { get; } = new HeaderTable<GetMinOffsetRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>GET_MIN_OFFSET (31) response.</summary>
public sealed class GetMinOffsetResponseHeader : ICommandHeader<GetMinOffsetResponseHeader>
{
    public long Offset { get; set; }

    public static HeaderTable<GetMinOffsetResponseHeader> Table { get; } = new HeaderTable<GetMinOffsetResponseHeader>()
        .Int64("offset", static h => h.Offset, static (h, v) => h.Offset = v, required: true);
}

/// <summary>SEARCH_OFFSET_BY_TIMESTAMP (29) request; timestamp in ms.</summary>
public sealed class SearchOffsetRequestHeader : ICommandHeader<SearchOffsetRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public long Timestamp { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<SearchOffsetRequestHeader> Table { get; } = new HeaderTable<SearchOffsetRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .Int64("timestamp", static h => h.Timestamp, static (h, v) => h.Timestamp = v, required: true)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>SEARCH_OFFSET_BY_TIMESTAMP (29) response.</summary>
public sealed class SearchOffsetResponseHeader : ICommandHeader<SearchOffsetResponseHeader>
{
    public long Offset { get; set; }

    public static HeaderTable<SearchOffsetResponseHeader> Table { get; } = new HeaderTable<SearchOffsetResponseHeader>()
        .Int64("offset", static h => h.Offset, static (h, v) => h.Offset = v, required: true);
}

/// <summary>GET_EARLIEST_MSG_STORETIME (32) request.</summary>
public sealed class GetEarliestMsgStoretimeRequestHeader : ICommandHeader<GetEarliestMsgStoretimeRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<GetEarliestMsgStoretimeRequestHeader> Table { get; } = new HeaderTable<GetEarliestMsgStoretimeRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>GET_EARLIEST_MSG_STORETIME (32) response: store time in ms.</summary>
public sealed class GetEarliestMsgStoretimeResponseHeader : ICommandHeader<GetEarliestMsgStoretimeResponseHeader>
{
    public long Timestamp { get; set; }

    public static HeaderTable<GetEarliestMsgStoretimeResponseHeader> Table { get; } = new HeaderTable<GetEarliestMsgStoretimeResponseHeader>()
        .Int64("timestamp", static h => h.Timestamp, static (h, v) => h.Timestamp = v, required: true);
}

/// <summary>VIEW_MESSAGE_BY_ID (33) request: commit-log physical offset.</summary>
public sealed class ViewMessageRequestHeader : ICommandHeader<ViewMessageRequestHeader>
{
    public long Offset { get; set; }

    public static HeaderTable<ViewMessageRequestHeader> Table { get; } = new HeaderTable<ViewMessageRequestHeader>()
        .Int64("offset", static h => h.Offset, static (h, v) => h.Offset = v, required: true);
}
