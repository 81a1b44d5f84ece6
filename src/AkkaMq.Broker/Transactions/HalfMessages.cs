using System.Globalization;
using System.Text;
using AkkaMq.Cluster.Routing;
using AkkaMq.Store;

namespace AkkaMq.Broker.Transactions;

/// <summary>
/// The records of a transaction (wire doc 6.7), defined once: the half as parked in
/// <c>RMQ_SYS_TRANS_HALF_TOPIC</c> queue 0, the real message written on commit, the op record
/// that marks a half as ended, and the re-appended copy that counts a check.
/// </summary>
internal static class HalfMessages
{
    /// <summary>Tag of every op record ("delete" in RocketMQ).</summary>
    public const string OpTag = "d";

    /// <summary>Whether a send's properties ask for a half message.</summary>
    public static bool IsHalf(string? properties) =>
        string.Equals(MessageProperties.Get(properties, MessageProperty.TransactionPrepared), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The half as stored: half topic queue 0, the real topic and queue in REAL_*, transaction
    /// bits cleared (so it enters the half queue), PGROUP filled from the send header when absent.
    /// </summary>
    public static MessageToStore ToHalf(MessageToStore message, string producerGroup)
    {
        string props = message.Properties;
        if (MessageProperties.Get(props, MessageProperty.ProducerGroup) is null)
        {
            props = MessageProperties.Set(props, MessageProperty.ProducerGroup, producerGroup);
        }

        props = MessageProperties.Set(props, MessageProperty.RealTopic, message.Topic);
        props = MessageProperties.Set(props, MessageProperty.RealQueueId, message.QueueId.ToString(CultureInfo.InvariantCulture));
        return message with
        {
            Topic = TopicNames.TransactionHalf,
            QueueId = 0,
            Properties = props,
            SysFlag = message.SysFlag & ~MessageRecordLayout.SysFlagTransactionMask,
        };
    }

    /// <summary>The real topic and queue of a half, or false when its REAL_* properties are missing or bad.</summary>
    public static bool TryGetReal(StoredMessage half, out string topic, out int queueId)
    {
        topic = MessageProperties.Get(half.Properties, MessageProperty.RealTopic) ?? string.Empty;
        return int.TryParse(MessageProperties.Get(half.Properties, MessageProperty.RealQueueId), NumberStyles.None, CultureInfo.InvariantCulture, out queueId)
            && topic.Length > 0;
    }

    /// <summary>The transaction's identity: the original half's queue offset.</summary>
    public static long OriginOf(StoredMessage half) =>
        long.TryParse(MessageProperties.Get(half.Properties, MessageProperty.TransactionPreparedQueueOffset), NumberStyles.None, CultureInfo.InvariantCulture, out long origin)
            ? origin
            : half.QueueOffset;

    public static int ChecksOf(StoredMessage half) =>
        int.TryParse(MessageProperties.Get(half.Properties, MessageProperty.TransactionCheckTimes), NumberStyles.None, CultureInfo.InvariantCulture, out int checks) ? checks : 0;

    /// <summary>The committed message: real topic/queue, commit bits, REAL_* removed; body, born time/host, keys and ids kept.</summary>
    public static MessageToStore ToReal(StoredMessage half, string topic, int queueId, IPv4Endpoint storeHost)
    {
        string props = MessageProperties.Remove(MessageProperties.Remove(half.Properties, MessageProperty.RealTopic), MessageProperty.RealQueueId);
        return new MessageToStore(
            topic, queueId, half.Flag, half.Body, props, half.BornTimestamp, half.BornHost, storeHost,
            (half.SysFlag & ~MessageRecordLayout.SysFlagTransactionMask) | MessageRecordLayout.SysFlagTransactionCommit, half.ReconsumeTimes, half.CommitLogOffset);
    }

    /// <summary>A copy of the half appended to the half queue to count one more check.</summary>
    public static MessageToStore CheckCopy(StoredMessage half, long origin, int checks, IPv4Endpoint storeHost)
    {
        string props = MessageProperties.Set(half.Properties, MessageProperty.TransactionCheckTimes, checks.ToString(CultureInfo.InvariantCulture));
        props = MessageProperties.Set(props, MessageProperty.TransactionPreparedQueueOffset, origin.ToString(CultureInfo.InvariantCulture));
        return new MessageToStore(
            TopicNames.TransactionHalf, 0, half.Flag, half.Body, props, half.BornTimestamp, half.BornHost, storeHost,
            half.SysFlag & ~MessageRecordLayout.SysFlagTransactionMask, half.ReconsumeTimes);
    }

    /// <summary>A half checked too often, kept in <c>TRANS_CHECK_MAX_TIME_TOPIC</c> queue 0 for an operator.</summary>
    public static MessageToStore Discarded(StoredMessage half, IPv4Endpoint storeHost) =>
        new(TopicNames.TransactionCheckMaxTime, 0, half.Flag, half.Body, half.Properties, half.BornTimestamp, half.BornHost, storeHost,
            half.SysFlag & ~MessageRecordLayout.SysFlagTransactionMask, half.ReconsumeTimes);

    /// <summary>The op record that ends the transaction whose original half sits at <paramref name="origin"/>.</summary>
    public static MessageToStore OpRecord(long origin, IPv4Endpoint storeHost, long now) =>
        new(TopicNames.TransactionOp, 0, 0, Encoding.ASCII.GetBytes(origin.ToString(CultureInfo.InvariantCulture)),
            "TAGS\u0001" + OpTag, now, storeHost, storeHost);

    /// <summary>The half offset an op record ends, or false when its body is not a decimal offset.</summary>
    public static bool TryReadOp(StoredMessage op, out long origin) =>
        long.TryParse(Encoding.ASCII.GetString(op.Body), NumberStyles.None, CultureInfo.InvariantCulture, out origin);

    /// <summary>
    /// The body of CHECK_TRANSACTION_STATE: the half's record as stored but under its real topic
    /// and queue, so the producer's listener sees the message it sent.
    /// </summary>
    public static byte[] CheckBody(StoredMessage half, string topic, int queueId)
    {
        var message = new MessageToStore(
            topic, queueId, half.Flag, half.Body, half.Properties, half.BornTimestamp, half.BornHost, half.StoreHost,
            half.SysFlag, half.ReconsumeTimes, half.PreparedTransactionOffset);
        int topicBytes = Encoding.UTF8.GetByteCount(topic);
        int propsBytes = Encoding.UTF8.GetByteCount(half.Properties);
        var body = new byte[MessageRecordLayout.CalcSize(half.Body.Length, topicBytes, propsBytes)];
        MessageRecordLayout.Encode(body, message, topicBytes, propsBytes, half.CommitLogOffset, half.QueueOffset, half.StoreTimestamp);
        return body;
    }
}
