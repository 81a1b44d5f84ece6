namespace AkkaMq.Codec;

/// <summary>
/// Names of the message properties with a meaning to clients or brokers (wire doc 4.6; Java's
/// MessageConst), defined once for the client, the broker and the store.
/// </summary>
public static class MessageProperty
{
    /// <summary>Between a property's name and its value in the property string (<c>name U+0001 value U+0002 …</c>, wire doc 4.2).</summary>
    public const char NameValueSeparator = '\u0001';

    /// <summary>Between two properties in the property string.</summary>
    public const char PropertySeparator = '\u0002';

    public const string Tags = "TAGS";
    public const string Keys = "KEYS";

    /// <summary>Set by producers; the broker drops it before storing.</summary>
    public const string WaitStoreMsgOk = "WAIT";

    /// <summary>Delay level 1–18; the broker parks the message in <c>SCHEDULE_TOPIC_XXXX</c> until it is due.</summary>
    public const string DelayTimeLevel = "DELAY";

    public const string UniqueClientMessageIdKey = "UNIQ_KEY";
    public const string TransactionPrepared = "TRAN_MSG";
    public const string ProducerGroup = "PGROUP";
    public const string RetryTopic = "RETRY_TOPIC";

    /// <summary>On a parked (delayed or half) message: the topic it is to be delivered to.</summary>
    public const string RealTopic = "REAL_TOPIC";

    /// <summary>On a parked (delayed or half) message: the queue it is to be delivered to.</summary>
    public const string RealQueueId = "REAL_QID";

    public const string OriginMessageId = "ORIGIN_MESSAGE_ID";
    public const string ReconsumeTime = "RECONSUME_TIME";
    public const string MaxReconsumeTimes = "MAX_RECONSUME_TIMES";
    public const string MinOffset = "MIN_OFFSET";
    public const string MaxOffset = "MAX_OFFSET";
    public const string ConsumeStartTime = "CONSUME_START_TIME";
    public const string MsgRegion = "MSG_REGION";
    public const string TraceSwitch = "TRACE_ON";

    /// <summary>The cluster that stored the message; the broker adds it unless present.</summary>
    public const string Cluster = "CLUSTER";

    /// <summary>On a re-appended half: how often the producer has been asked for the transaction's state.</summary>
    public const string TransactionCheckTimes = "TRANSACTION_CHECK_TIMES";

    /// <summary>On a half: seconds before the first check (the producer's checkImmunityTimeInSeconds).</summary>
    public const string CheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";

    /// <summary>On a re-appended half: the half-queue offset of the original half, the transaction's identity.</summary>
    public const string TransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";

    /// <summary><see cref="Tags"/> in UTF-8, for readers of stored property bytes.</summary>
    public static ReadOnlySpan<byte> TagsUtf8 => "TAGS"u8;

    /// <summary><see cref="Keys"/> in UTF-8.</summary>
    public static ReadOnlySpan<byte> KeysUtf8 => "KEYS"u8;

    /// <summary><see cref="UniqueClientMessageIdKey"/> in UTF-8.</summary>
    public static ReadOnlySpan<byte> UniqueClientMessageIdKeyUtf8 => "UNIQ_KEY"u8;
}
