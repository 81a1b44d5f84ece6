using System.Globalization;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// The remark of a REQUEST_CODE_NOT_SUPPORTED answer: RocketMQ's own text
/// (<c>" request type N not supported"</c>, leading space included, so anything matching it keeps
/// working) followed by the code's name and, for every 4.9.8 code AkkaMq does not serve, what to do
/// instead. RocketMQ's clients and mqadmin read the code (3), never the remark; mqadmin prints both.
/// </summary>
public static class UnsupportedRequestRemarks
{
    private const string Acl =
        "ACL is not implemented; AccessKey and Signature fields are ignored, so restrict who can reach the node's ports (bind address, firewall)";

    private const string ExternalBroker =
        "AkkaMq brokers register through the cluster's route registry; external RocketMQ brokers cannot join";

    private const string Replication =
        "AkkaMq replicas follow their master through AkkaMq's own replication; RocketMQ slaves cannot attach";

    private const string FilterServer =
        "filter servers and class filters are not supported; subscribe with a tag or SQL92 expression";

    private const string UnitTopics = "unit (multi-unit) topics are not supported; use topicList";

    private const string ToClient = "the broker sends this request to clients; it does not serve it";

    private const string RequestReply =
        "request-reply messaging is not implemented; reply with an ordinary send to a reply topic the requester consumes";

    private static readonly Dictionary<int, string> Instead = new()
    {
        [13] = "use GET_MAX_OFFSET (30) and GET_MIN_OFFSET (31) per queue, or topicStatus",
        [22] = "use GET_ALL_TOPIC_CONFIG (21) on the broker or topicList on the name server",
        [23] = "use GET_ALL_TOPIC_CONFIG (21) on the broker or topicList on the name server",
        [27] = "RocketMQ 4.9.8 does not serve it either; run retention now with deleteExpiredCommitLog (DELETE_EXPIRED_COMMITLOG, 329)",
        [39] = ToClient,
        [40] = ToClient,
        [43] = Replication,
        [45] = Replication,
        [50] = Acl,
        [51] = Acl,
        [52] = Acl,
        [53] = Acl,
        [103] = ExternalBroker,
        [104] = ExternalBroker,
        [209] = "RocketMQ 4.9.8 does not serve it either; stop the consumer, or take read permission away with updateTopicPerm",
        [210] = "RocketMQ 4.9.8 does not serve it either; start the consumer again, or give read permission back with updateTopicPerm",
        [211] = "use resetOffsetByTime (INVOKE_BROKER_TO_RESET_OFFSET, 222)",
        [212] = "use resetOffsetByTime (INVOKE_BROKER_TO_RESET_OFFSET, 222)",
        [213] = "the consumer's thread pool is set in the client (consumeThreadMin/consumeThreadMax)",
        [214] = "use consumerProgress, or QUERY_TOPIC_CONSUME_BY_WHO (300) with the message's topic",
        [301] = FilterServer,
        [302] = FilterServer,
        [304] = "the name server does not list system topics; ask a broker (GET_SYSTEM_TOPIC_LIST_FROM_BROKER, 305) or use topicList",
        [308] = "correction offsets are not served; use consumerProgress to see each group's offsets",
        [311] = UnitTopics,
        [312] = UnitTopics,
        [313] = UnitTopics,
        [316] = "topics live in the cluster's route registry, not per broker; remove an unused topic with deleteTopic",
        [322] = ExternalBroker,
        [323] = "half messages are checked on the broker's own schedule; a single check cannot be resumed by request",
        [324] = RequestReply,
        [325] = RequestReply,
        [326] = ToClient,
    };

    /// <summary>What AkkaMq does instead of the request, or null for a code without a remark.</summary>
    public static string? InsteadOf(int code) => Instead.TryGetValue(code, out var text) ? text : null;

    /// <summary>
    /// The full remark, e.g. <c>" request type 103 not supported (REGISTER_BROKER): AkkaMq brokers register
    /// through …"</c>; for a code 4.9.8 does not define, RocketMQ's text alone.
    /// </summary>
    public static string For(int code)
    {
        var text = " request type " + code.ToString(CultureInfo.InvariantCulture) + " not supported";
        var name = RequestCodeNames.Of(code);
        if (name == RequestCodeNames.Unknown)
        {
            return text;
        }

        text += " (" + name + ")";
        return InsteadOf(code) is { } instead ? text + ": " + instead : text;
    }
}
