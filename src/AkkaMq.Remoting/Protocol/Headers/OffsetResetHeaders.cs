namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>
/// INVOKE_BROKER_TO_RESET_OFFSET (222) from the admin, and RESET_CONSUMER_CLIENT_OFFSET (220)
/// from the broker to each consumer. Timestamp −1 means "the queue's max offset" (skip what is
/// accumulated). The force flag travels as <c>isForce</c>, the Java field name.
/// </summary>
public sealed class ResetOffsetRequestHeader : ICommandHeader<ResetOffsetRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public string Group { get; set; } = string.Empty;

    public long Timestamp { get; set; }

    public bool IsForce { get; set; }

    public static HeaderTable<ResetOffsetRequestHeader> Table { get; } = new HeaderTable<ResetOffsetRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .String("group", static h => h.Group, static (h, v) => h.Group = v, required: true)
        .Int64("timestamp", static h => h.Timestamp, static (h, v) => h.Timestamp = v, required: true)
        .Boolean("isForce", static h => h.IsForce, static (h, v) => h.IsForce = v, required: true);
}

/// <summary>
/// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) from the admin, and GET_CONSUMER_STATUS_FROM_CLIENT
/// (221) from the broker to each consumer. <c>clientAddr</c> holds a client id (Java's name for it).
/// </summary>
public sealed class GetConsumerStatusRequestHeader : ICommandHeader<GetConsumerStatusRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public string Group { get; set; } = string.Empty;

    public string? ClientAddr { get; set; }

    public static HeaderTable<GetConsumerStatusRequestHeader> Table { get; } = new HeaderTable<GetConsumerStatusRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .String("group", static h => h.Group, static (h, v) => h.Group = v, required: true)
        .String("clientAddr", static h => h.ClientAddr, static (h, v) => h.ClientAddr = v);
}

/// <summary>CLONE_GROUP_OFFSET (314): copy <c>srcGroup</c>'s committed offsets to <c>destGroup</c>; no topic means every topic of the source.</summary>
public sealed class CloneGroupOffsetRequestHeader : ICommandHeader<CloneGroupOffsetRequestHeader>
{
    public string SrcGroup { get; set; } = string.Empty;

    public string DestGroup { get; set; } = string.Empty;

    public string? Topic { get; set; }

    public bool Offline { get; set; }

    public static HeaderTable<CloneGroupOffsetRequestHeader> Table { get; } = new HeaderTable<CloneGroupOffsetRequestHeader>()
        .String("srcGroup", static h => h.SrcGroup, static (h, v) => h.SrcGroup = v, required: true)
        .String("destGroup", static h => h.DestGroup, static (h, v) => h.DestGroup = v, required: true)
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v)
        .Boolean("offline", static h => h.Offline, static (h, v) => h.Offline = v);
}
