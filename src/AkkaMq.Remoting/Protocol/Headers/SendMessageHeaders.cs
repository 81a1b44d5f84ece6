namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>
/// SEND_MESSAGE (10) header; SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) carry the same
/// fields under one-letter keys a..n (wire doc 2.2). Use <see cref="KeyStyleFor"/> to pick.
/// </summary>
public sealed class SendMessageRequestHeader : ICommandHeader<SendMessageRequestHeader>
{
    public string ProducerGroup { get; set; } = string.Empty;

    public string Topic { get; set; } = string.Empty;

    /// <summary>Template topic for auto-create, normally <c>TBW102</c>.</summary>
    public string DefaultTopic { get; set; } = string.Empty;

    public int DefaultTopicQueueNums { get; set; }

    /// <summary>Target queue; negative means the broker picks.</summary>
    public int QueueId { get; set; }

    public int SysFlag { get; set; }

    public long BornTimestamp { get; set; }

    public int Flag { get; set; }

    public string? Properties { get; set; }

    public int? ReconsumeTimes { get; set; }

    public bool? UnitMode { get; set; }

    public int? MaxReconsumeTimes { get; set; }

    /// <summary>
    /// The body is a batch (wire doc 4.4). The broker decides on this flag whatever the request
    /// code: Java sends batches as 320, the C++ client as 310 with <c>m</c> = <c>"1"</c> (2.2.0)
    /// or <c>"true"</c>. Decoded by <see cref="ParseBatchFlag"/>.
    /// </summary>
    public bool? Batch { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<SendMessageRequestHeader> Table { get; } = new HeaderTable<SendMessageRequestHeader>()
        .String("producerGroup", static h => h.ProducerGroup, static (h, v) => h.ProducerGroup = v, required: true, shortKey: "a")
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true, shortKey: "b")
        .String("defaultTopic", static h => h.DefaultTopic, static (h, v) => h.DefaultTopic = v, required: true, shortKey: "c")
        .Int32("defaultTopicQueueNums", static h => h.DefaultTopicQueueNums, static (h, v) => h.DefaultTopicQueueNums = v, required: true, shortKey: "d")
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true, shortKey: "e")
        .Int32("sysFlag", static h => h.SysFlag, static (h, v) => h.SysFlag = v, required: true, shortKey: "f")
        .Int64("bornTimestamp", static h => h.BornTimestamp, static (h, v) => h.BornTimestamp = v, required: true, shortKey: "g")
        .Int32("flag", static h => h.Flag, static (h, v) => h.Flag = v, required: true, shortKey: "h")
        .String("properties", static h => h.Properties, static (h, v) => h.Properties = v, shortKey: "i")
        .Int32("reconsumeTimes", static h => h.ReconsumeTimes, static (h, v) => h.ReconsumeTimes = v, shortKey: "j")
        .Boolean("unitMode", static h => h.UnitMode, static (h, v) => h.UnitMode = v, shortKey: "k")
        .Int32("maxReconsumeTimes", static h => h.MaxReconsumeTimes, static (h, v) => h.MaxReconsumeTimes = v, shortKey: "l")
        .String("batch", static h => FormatBatchFlag(h.Batch), static (h, v) => h.Batch = ParseBatchFlag(v), shortKey: "m")
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v, shortKey: "n");

    /// <summary>310 and 320 use the one-letter keys; 10 uses the field names.</summary>
    public static HeaderKeyStyle KeyStyleFor(int requestCode) =>
        requestCode is (int)RequestCode.SendMessageV2 or (int)RequestCode.SendBatchMessage
            ? HeaderKeyStyle.Short
            : HeaderKeyStyle.Full;

    /// <summary>
    /// The batch flag as clients spell it: <c>true</c> in any case (Java, JSON <c>true</c>) or
    /// <c>1</c> (C++ client 2.2.0). RocketMQ's broker parses with Boolean.parseBoolean and so
    /// stores a "1" batch as one message; "1" is read as true here so those batches arrive as
    /// their items. Anything else is false.
    /// </summary>
    public static bool ParseBatchFlag(string? text) =>
        text is not null && (text == "1" || string.Equals(text, "true", StringComparison.OrdinalIgnoreCase));

    private static string? FormatBatchFlag(bool? batch) => batch switch
    {
        true => "true",
        false => "false",
        null => null,
    };

    /// <summary>Decodes a send request of code 10, 310 or 320 in the key style its code implies.</summary>
    public static bool TryDecode(RemotingCommand request, out SendMessageRequestHeader header, out string? error) =>
        CommandHeader.TryDecode(request, out header, out error, KeyStyleFor(request.Code));
}

/// <summary>
/// Send response header. <c>MSG_REGION</c> and <c>TRACE_ON</c> are always sent: the Java client
/// reads them without a null check.
/// </summary>
public sealed class SendMessageResponseHeader : ICommandHeader<SendMessageResponseHeader>
{
    public string MsgId { get; set; } = string.Empty;

    public int QueueId { get; set; }

    public long QueueOffset { get; set; }

    public string? TransactionId { get; set; }

    public string MsgRegion { get; set; } = "DefaultRegion";

    public string TraceOn { get; set; } = "true";

    public static HeaderTable<SendMessageResponseHeader> Table { get; } = new HeaderTable<SendMessageResponseHeader>()
        .String("msgId", static h => h.MsgId, static (h, v) => h.MsgId = v, required: true)
        .Int32("queueId", static h => h.QueueId, static (h, v) => h.QueueId = v, required: true)
        .Int64("queueOffset", static h => h.QueueOffset, static (h, v) => h.QueueOffset = v, required: true)
        .String("transactionId", static h => h.TransactionId, static (h, v) => h.TransactionId = v)
        .String("MSG_REGION", static h => h.MsgRegion, static (h, v) => h.MsgRegion = v)
        .String("TRACE_ON", static h => h.TraceOn, static (h, v) => h.TraceOn = v);
}

/// <summary>CONSUMER_SEND_MSG_BACK (36): hand a failed message back for retry or DLQ.</summary>
public sealed class ConsumerSendMsgBackRequestHeader : ICommandHeader<ConsumerSendMsgBackRequestHeader>
{
    /// <summary>Commit-log offset of the message.</summary>
    public long Offset { get; set; }

    public string Group { get; set; } = string.Empty;

    public int DelayLevel { get; set; }

    public string? OriginMsgId { get; set; }

    public string? OriginTopic { get; set; }

    public bool UnitMode { get; set; }

    public int? MaxReconsumeTimes { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<ConsumerSendMsgBackRequestHeader> Table { get; } = new HeaderTable<ConsumerSendMsgBackRequestHeader>()
        .Int64("offset", static h => h.Offset, static (h, v) => h.Offset = v, required: true)
        .String("group", static h => h.Group, static (h, v) => h.Group = v, required: true)
        .Int32("delayLevel", static h => h.DelayLevel, static (h, v) => h.DelayLevel = v, required: true)
        .String("originMsgId", static h => h.OriginMsgId, static (h, v) => h.OriginMsgId = v)
        .String("originTopic", static h => h.OriginTopic, static (h, v) => h.OriginTopic = v)
        .Boolean("unitMode", static h => h.UnitMode, static (h, v) => h.UnitMode = v)
        .Int32("maxReconsumeTimes", static h => h.MaxReconsumeTimes, static (h, v) => h.MaxReconsumeTimes = v)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}
