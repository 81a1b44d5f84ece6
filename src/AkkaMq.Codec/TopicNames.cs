namespace AkkaMq.Codec;

/// <summary>RocketMQ's topic rules, the retry and dead-letter topics of a group, and the system topics a broker keeps for itself.</summary>
public static class TopicNames
{
    public const int MaxLength = 127;
    /// <summary>Template for topics created on first send.</summary>
    public const string AutoCreateTemplate = "TBW102";
    public const string RetryPrefix = "%RETRY%";
    public const string DeadLetterPrefix = "%DLQ%";
    public const string Schedule = "SCHEDULE_TOPIC_XXXX";
    public const string TransactionHalf = "RMQ_SYS_TRANS_HALF_TOPIC";
    public const string TransactionOp = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
    public const string TransactionCheckMaxTime = "TRANS_CHECK_MAX_TIME_TOPIC";
    public const string SelfTest = "SELF_TEST_TOPIC";
    public const string OffsetMovedEvent = "OFFSET_MOVED_EVENT";

    /// <summary>Topics clients may not send to (RocketMQ answers NO_PERMISSION).</summary>
    public static bool IsNotSendable(string topic) =>
        topic is Schedule or TransactionHalf or TransactionOp or TransactionCheckMaxTime or SelfTest or OffsetMovedEvent;

    public static string RetryTopic(string consumerGroup) => RetryPrefix + consumerGroup;

    public static string DeadLetterTopic(string consumerGroup) => DeadLetterPrefix + consumerGroup;

    /// <summary>
    /// Checks a topic name as RocketMQ's TopicValidator does, in its order: not blank, only
    /// <c>%|a-zA-Z0-9_-</c>, at most 127 characters. Returns null when valid, else RocketMQ's remark.
    /// </summary>
    public static string? Validate(string? topic)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            return "The specified topic is blank.";
        }

        foreach (var c in topic)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '%' or '|' or '_' or '-'))
            {
                return "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
            }
        }

        return topic.Length > MaxLength ? "The specified topic is longer than topic max length." : null;
    }
}
