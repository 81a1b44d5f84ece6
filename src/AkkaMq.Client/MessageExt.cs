using System.Net;

namespace AkkaMq.Client;

/// <summary>A stored message as decoded from a pull, view or query body (wire doc 4.1).</summary>
public sealed class MessageExt : Message
{
    public MessageExt(string topic, byte[] body)
        : base(topic, body, waitStoreMsgOk: false)
    {
    }

    /// <summary>Broker name of the queue it was pulled from (set by consumers, not on the wire).</summary>
    public string? BrokerName { get; set; }

    public int QueueId { get; set; }

    /// <summary>TOTALSIZE of the stored record.</summary>
    public int StoreSize { get; set; }

    public int BodyCrc { get; set; }

    /// <summary>Logical index in the consume queue.</summary>
    public long QueueOffset { get; set; }

    /// <summary>Commit-log byte offset of the record.</summary>
    public long CommitLogOffset { get; set; }

    public int SysFlag { get; set; }

    public long BornTimestamp { get; set; }

    public required IPEndPoint BornHost { get; set; }

    public long StoreTimestamp { get; set; }

    public required IPEndPoint StoreHost { get; set; }

    public int ReconsumeTimes { get; set; }

    public long PreparedTransactionOffset { get; set; }

    /// <summary>The offset message id: store host + commit-log offset in hex (wire doc 4.3).</summary>
    public string MsgId { get; set; } = string.Empty;

    /// <summary>Same as <see cref="MsgId"/>; Java calls it offsetMsgId.</summary>
    public string OffsetMsgId => MsgId;

    public override string ToString() =>
        "MessageExt [topic=" + Topic + ", queueId=" + QueueId + ", queueOffset=" + QueueOffset + ", msgId=" + MsgId
        + ", reconsumeTimes=" + ReconsumeTimes + ", body=" + Body.Length + "B]";
}
