using System.Globalization;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>The outcome of reading a queue for a pull, named as RocketMQ's GetMessageStatus (the remark of the response).</summary>
internal enum PullStatus
{
    Found,
    NoMessageInQueue,
    OffsetTooSmall,
    OffsetOverflowOne,
    OffsetOverflowBadly,
    NoMatchedMessage,
    OffsetFoundNull,
}

/// <summary>Why the broker refuses a request: expected outcomes, each mapped once to a code and remark in <see cref="BrokerResponses"/>.</summary>
internal enum Refusal
{
    InvalidHeader,
    InvalidBody,
    IllegalTopic,
    IllegalGroupName,
    IllegalQueue,
    TopicNotExist,
    SystemTopic,
    SendToSystemTopic,
    TopicNotWritable,
    TopicNotReadable,
    TransactionForbidden,
    BodyTooLarge,
    BatchMalformed,
    BatchToRetryTopic,
    RouteChangeRejected,
    DeadLetterUnavailable,
    NoConsumerInGroup,
    ConsumerGroupNotOnline,
    ProducerGroupNotExist,
    ClientNotOnline,
    ClientInvokeFailed,
    MessageNotFoundAtOffset,
    QueryNotFound,
    NoCommittedOffset,
    SubscriptionNotExist,
    SubscriptionGroupNotExist,
    SubscriptionGroupNotExistOnSendBack,
    SubscriptionGroupNoPermission,
    BroadcastConsumptionForbidden,
    FilterNotSupported,
    BrokerStarting,
    StatsNotExist,
    ConsumeQueueNotExist,
    TopicNotExistForQuery,
    ConfigMalformed,
    ConfigKeyUnknown,
    ConfigKeyNotLive,
    ConfigValueInvalid,
    ConfigApplyFailed,
    ResetTopicNotInBroker,
    ConsumerNotOnlineForReset,
    NoConsumerOnlineForStatus,
    RouteTableLacksBrokerGroup,
    SendQueueFull,
    SendRejectedPageCacheBusy,
    SendQueueWaitedTooLong,
    SendQueueShedPageCacheBusy,
    FollowerRefusesWrite,
    FollowerRefusesEndTransaction,
}

/// <summary>Every expected outcome of the broker's processors mapped to a RocketMQ response code and remark, in one place.</summary>
internal static class BrokerResponses
{
    /// <summary>An error response; <paramref name="detail"/> fills the remark (a name, a number or a reason).</summary>
    public static RemotingCommand Refuse(RemotingCommand request, Refusal refusal, string? detail = null)
    {
        var (code, remark) = Describe(refusal, detail ?? string.Empty);
        return request.CreateResponse(code, remark);
    }

    public static RemotingCommand Refuse(RemotingCommand request, Refusal refusal, long detail) =>
        Refuse(request, refusal, detail.ToString(CultureInfo.InvariantCulture));

    public static RemotingCommand BadHeader(RemotingCommand request, string? error) => Refuse(request, Refusal.InvalidHeader, error);

    public static RemotingCommand IllegalQueue(RemotingCommand request, int queueId, string topic, int queues) =>
        Refuse(request, Refusal.IllegalQueue, string.Create(CultureInfo.InvariantCulture, $"request queueId[{queueId}] is illegal, Topic:{topic} queueNums:{queues}"));

    private static (ResponseCode Code, string Remark) Describe(Refusal refusal, string d) => refusal switch
    {
        Refusal.InvalidHeader => (ResponseCode.SystemError, d),
        Refusal.InvalidBody => (ResponseCode.SystemError, "the request body is not valid JSON: " + d),
        Refusal.IllegalTopic => (ResponseCode.SystemError, d),
        Refusal.IllegalGroupName => (ResponseCode.SystemError, "the consumer group name '" + d + "' is illegal"),
        Refusal.IllegalQueue => (ResponseCode.SystemError, d),
        Refusal.TopicNotExist => (ResponseCode.TopicNotExist, "topic[" + d + "] not exist, apply first please!"),
        Refusal.SystemTopic => (ResponseCode.SystemError, "The topic[" + d + "] is conflict with system topic."),
        Refusal.SendToSystemTopic => (ResponseCode.NoPermission, "Sending message to topic[" + d + "] is forbidden."),
        Refusal.TopicNotWritable => (ResponseCode.NoPermission, "the topic[" + d + "] sending message is forbidden"),
        Refusal.TopicNotReadable => (ResponseCode.NoPermission, "the topic[" + d + "] pulling message is forbidden"),
        Refusal.TransactionForbidden => (ResponseCode.NoPermission, "the broker[" + d + "] sending transaction message is forbidden"),
        Refusal.BodyTooLarge => (ResponseCode.MessageIllegal, "the message is illegal, maybe msg body or properties length not matched. msg body length limit " + d + "B, msg properties length limit 32KB."),
        Refusal.BatchMalformed => (ResponseCode.MessageIllegal, "the batch message body is malformed: " + d),
        Refusal.BatchToRetryTopic => (ResponseCode.MessageIllegal, "batch request does not support retry group " + d),
        Refusal.RouteChangeRejected => (ResponseCode.SystemError, d),
        Refusal.DeadLetterUnavailable => (ResponseCode.SystemError, "the dead-letter topic of " + d + " could not be created"),
        Refusal.NoConsumerInGroup => (ResponseCode.SystemError, "no consumer for this group, " + d),
        Refusal.ConsumerGroupNotOnline => (ResponseCode.ConsumerNotOnline, "the consumer group[" + d + "] not online"),
        Refusal.ProducerGroupNotExist => (ResponseCode.SystemError, "the producer group[" + d + "] not exist"),
        Refusal.ClientNotOnline => (ResponseCode.SystemError, "The Consumer <" + d + "> not online"),
        Refusal.ClientInvokeFailed => (ResponseCode.SystemError, "invoke consumer failed: " + d),
        Refusal.MessageNotFoundAtOffset => (ResponseCode.SystemError, "can not find message by the offset, " + d),
        Refusal.QueryNotFound => (ResponseCode.QueryNotFound, "can not find message, maybe time range not correct"),
        Refusal.NoCommittedOffset => (ResponseCode.QueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"),
        Refusal.SubscriptionNotExist => (ResponseCode.SubscriptionNotExist, "the consumer's subscription not exist"),
        Refusal.SubscriptionGroupNotExist => (ResponseCode.SubscriptionGroupNotExist, "subscription group [" + d + "] does not exist"),
        Refusal.SubscriptionGroupNotExistOnSendBack => (ResponseCode.SubscriptionGroupNotExist, "subscription group not exist, " + d),
        Refusal.SubscriptionGroupNoPermission => (ResponseCode.NoPermission, "subscription group no permission, " + d),
        Refusal.BroadcastConsumptionForbidden => (ResponseCode.NoPermission, "the consumer group[" + d + "] can not consume by broadcast way"),
        Refusal.FilterNotSupported => (ResponseCode.SubscriptionParseFailed, "The broker does not support consumer to filter message by " + d),
        Refusal.BrokerStarting => (ResponseCode.SystemBusy, "[REJECTREQUEST]system busy, the broker is starting"),
        Refusal.StatsNotExist => (ResponseCode.SystemError, "The stats " + d + " not exist"),
        Refusal.ConsumeQueueNotExist => (ResponseCode.SystemError, d + " is not exist!"),
        Refusal.TopicNotExistForQuery => (ResponseCode.TopicNotExist, "topic[" + d + "] not exist"),
        Refusal.ConfigMalformed => (ResponseCode.SystemError, "string2Properties error: " + d),
        Refusal.ConfigKeyUnknown => (ResponseCode.SystemError, "unknown broker config key " + d + "; nothing was changed"),
        Refusal.ConfigKeyNotLive => (ResponseCode.NoPermission, "Can not update config " + d + "; nothing was changed"),
        Refusal.ConfigValueInvalid => (ResponseCode.SystemError, "invalid broker config value: " + d + "; nothing was changed"),
        Refusal.ConfigApplyFailed => (ResponseCode.SystemError, "broker config not changed: " + d),
        Refusal.ResetTopicNotInBroker => (ResponseCode.SystemError, "[reset-offset] reset offset failed, no topic in this broker. topic=" + d),
        Refusal.ConsumerNotOnlineForReset => (ResponseCode.ConsumerNotOnline, "Consumer not online, so can not reset offset, " + d),
        Refusal.NoConsumerOnlineForStatus => (ResponseCode.SystemError, "No Any Consumer online in the consumer group: [" + d + "]"),
        Refusal.RouteTableLacksBrokerGroup => (ResponseCode.SystemError, "the route table does not list broker group " + d + ", so which topics exist is not known; no consume queue was removed"),
        Refusal.SendQueueFull => (ResponseCode.SystemBusy, "[OVERLOAD]system busy, start flow control for a while"),
        Refusal.SendRejectedPageCacheBusy => (ResponseCode.SystemBusy, "[REJECTREQUEST]system busy, start flow control for a while"),
        Refusal.SendQueueWaitedTooLong => (ResponseCode.SystemBusy, "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: " + d),
        Refusal.SendQueueShedPageCacheBusy => (ResponseCode.SystemBusy, "[PCBUSY_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: " + d),
        Refusal.FollowerRefusesWrite => (ResponseCode.ServiceNotAvailable, "service not available now, messages are put to the slave: " + d),
        Refusal.FollowerRefusesEndTransaction => (ResponseCode.SlaveNotAvailable, "Message store is slave mode, so end transaction is forbidden: " + d),
        _ => (ResponseCode.SystemError, refusal + " " + d),
    };

    /// <summary>Send result of a store append.</summary>
    public static (ResponseCode Code, string? Remark) ForAppend(AppendStatus status) => status switch
    {
        AppendStatus.Ok => (ResponseCode.Success, null),
        AppendStatus.MessageTooLarge => (ResponseCode.MessageIllegal, "the message is illegal, maybe msg body or properties length not matched. msg body length limit 4M, msg properties length limit 32k."),
        AppendStatus.InvalidMessage => (ResponseCode.MessageIllegal, "the message is illegal"),
        AppendStatus.AboveDiskWatermark or AppendStatus.DiskFull =>
            (ResponseCode.ServiceNotAvailable, "service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc."),
        AppendStatus.StoreFailed => (ResponseCode.ServiceNotAvailable, "service not available now, the message store met a fatal disk error; send to another broker"),
        _ => (ResponseCode.ServiceNotAvailable, "service not available now, the message store is closed or read-only"),
    };

    /// <summary>
    /// The answer to a send the store could not write or make durable (<paramref name="error"/>):
    /// the message is not stored. A store that failed for good answers as it will answer every later
    /// send (SERVICE_NOT_AVAILABLE, send elsewhere); a passing write error is SYSTEM_ERROR naming it.
    /// </summary>
    public static RemotingCommand StoreError(RemotingCommand request, Exception error, MessageStore store)
    {
        var (code, remark) = store.FatalError is not null
            ? ForAppend(AppendStatus.StoreFailed)
            : (ResponseCode.SystemError, "the message store could not write this message, it is not stored: " + error.Message);
        return request.CreateResponse(code, remark);
    }

    /// <summary>True for the exceptions a store append or flush fails with (disk errors, a damaged log, a closed store).</summary>
    public static bool IsStoreError(Exception error) => error is IOException or StoreCorruptedException or InvalidOperationException;

    /// <summary>
    /// Send result of a store append, as RocketMQ's handlePutMessageResult answers it: every size
    /// problem (body over <paramref name="maxMessageSize"/>, whole record too large, properties
    /// over 32767 bytes) is MESSAGE_ILLEGAL with one remark naming both limits.
    /// </summary>
    public static (ResponseCode Code, string? Remark) ForAppend(AppendStatus status, int maxMessageSize) =>
        status == AppendStatus.MessageTooLarge
            ? Describe(Refusal.BodyTooLarge, maxMessageSize.ToString(CultureInfo.InvariantCulture))
            : ForAppend(status);

    /// <summary>Pull response code of a read outcome (master broker rules, wire doc 2.3).</summary>
    public static ResponseCode ForPull(PullStatus status, long requestedOffset) => status switch
    {
        PullStatus.Found => ResponseCode.Success,
        PullStatus.NoMessageInQueue => requestedOffset != 0 ? ResponseCode.PullOffsetMoved : ResponseCode.PullNotFound,
        PullStatus.OffsetTooSmall or PullStatus.OffsetOverflowBadly => ResponseCode.PullOffsetMoved,
        PullStatus.NoMatchedMessage => ResponseCode.PullRetryImmediately,
        _ => ResponseCode.PullNotFound,
    };

    public static string PullRemark(PullStatus status) => status switch
    {
        PullStatus.Found => "FOUND",
        PullStatus.NoMessageInQueue => "NO_MESSAGE_IN_QUEUE",
        PullStatus.OffsetTooSmall => "OFFSET_TOO_SMALL",
        PullStatus.OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
        PullStatus.OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
        PullStatus.NoMatchedMessage => "NO_MATCHED_MESSAGE",
        _ => "OFFSET_FOUND_NULL",
    };
}
