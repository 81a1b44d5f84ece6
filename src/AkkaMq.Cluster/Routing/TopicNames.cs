namespace AkkaMq.Cluster.Routing;

/// <summary>RocketMQ's topic rules and the system topics a broker keeps for itself.</summary>
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

    /// <summary>Checks a topic name: 1–127 characters of <c>%|a-zA-Z0-9_-</c>. Returns null when valid, else why not.</summary>
    public static string? Validate(string? topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            return "the topic name is empty";
        }

        if (topic.Length > MaxLength)
        {
            return $"the topic name is longer than {MaxLength} characters";
        }

        foreach (var c in topic)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '%' or '|' or '_' or '-'))
            {
                return $"the topic name '{topic}' has a character outside %|a-zA-Z0-9_-";
            }
        }

        return null;
    }
}
