namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>PULL_MESSAGE (11) request header (wire doc 2.3).</summary>
public sealed class PullMessageRequestHeader : ICommandHeader<PullMessageRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public string Topic { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public long QueueOffset { get; set; }

    public int MaxMsgNums { get; set; }

    /// <summary>PullSysFlag: 0x1 commit offset, 0x2 suspend, 0x4 subscription, 0x8 class filter, 0x10 lite.</summary>
    public int SysFlag { get; set; }

    public long CommitOffset { get; set; }

    public long SuspendTimeoutMillis { get; set; }

    public string? Subscription { get; set; }

    public long SubVersion { get; set; }

    public string? ExpressionType { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<PullMessageRequestHeader> Table { get; } = new HeaderTable<PullMessageRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true)
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .Int64("queueOffset", static h => h.QueueOffset, static (h, v) => h.QueueOffset = v, required: true)
        .Int32("maxMsgNums", static h => h.MaxMsgNums, static (h, v) => h.MaxMsgNums = v, required: true)
        .Int32("sysFlag", static h => h.SysFlag, static (h, v) => h.SysFlag = v, required: true)
        .Int64("commitOffset", static h => h.CommitOffset, static (h, v) => h.CommitOffset = v, required: true)
        .Int64("suspendTimeoutMillis", static h => h.SuspendTimeoutMillis, static (h, v) => h.SuspendTimeoutMillis = v, required: true)
        .String("subscription", static h => h.Subscription, static (h, v) => h.Subscription = v)
        .Int64("subVersion", static h => h.SubVersion, static (h, v) => h.SubVersion = v, required: true)
        .String("expressionType", static h => h.ExpressionType, static (h, v) => h.ExpressionType = v)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>PULL_MESSAGE response header: all four fields go out on every pull response, whatever the code.</summary>
public sealed class PullMessageResponseHeader : ICommandHeader<PullMessageResponseHeader>
{
    public long SuggestWhichBrokerId { get; set; }

    public long NextBeginOffset { get; set; }

    public long MinOffset { get; set; }

    public long MaxOffset { get; set; }

    public static HeaderTable<PullMessageResponseHeader> Table { get; } = new HeaderTable<PullMessageResponseHeader>()
        .Int64("suggestWhichBrokerId", static h => h.SuggestWhichBrokerId, static (h, v) => h.SuggestWhichBrokerId = v, required: true)
        .Int64("nextBeginOffset", static h => h.NextBeginOffset, static (h, v) => h.NextBeginOffset = v, required: true)
        .Int64("minOffset", static h => h.MinOffset, static (h, v) => h.MinOffset = v, required: true)
        .Int64("maxOffset", static h => h.MaxOffset, static (h, v) => h.MaxOffset = v, required: true);
}
