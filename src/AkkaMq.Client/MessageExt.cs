using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace AkkaMq.Client;

/// <summary>
/// A stored message as decoded from a pull, view or query body (wire doc 4.1).
/// <para>
/// A pull returns up to 32 of these at a time, and most consumers read the body and a property
/// or two, so the decoder fills the fixed fields and the body and leaves the rest in the record
/// bytes: the property map, the two hosts and the message id are built on first use.
/// </para>
/// </summary>
public sealed class MessageExt : Message
{
    private ReadOnlyMemory<byte> _storedProperties;
    private ReadOnlyMemory<byte> _storedBornHost;
    private ReadOnlyMemory<byte> _storedStoreHost;
    private IPEndPoint? _bornHost;
    private IPEndPoint? _storeHost;
    private string? _msgId;
    private (long Min, long Max)? _queueOffsets;

    public MessageExt(string topic, byte[] body)
        : base(topic, body, waitStoreMsgOk: false)
    {
    }

    /// <summary>A decoded record: the property string and the hosts (address then 4-byte port) stay as stored until read.</summary>
    internal MessageExt(string topic, byte[] body, ReadOnlyMemory<byte> properties, ReadOnlyMemory<byte> bornHost, ReadOnlyMemory<byte> storeHost)
        : base(topic, body, waitStoreMsgOk: false)
    {
        _storedProperties = properties;
        _storedBornHost = bornHost;
        _storedStoreHost = storeHost;
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

    public IPEndPoint BornHost
    {
        get => _bornHost ??= ReadHost(_storedBornHost.Span);
        set => _bornHost = value;
    }

    public long StoreTimestamp { get; set; }

    public IPEndPoint StoreHost
    {
        get => _storeHost ??= ReadHost(_storedStoreHost.Span);
        set
        {
            _storeHost = value;
            _msgId = null;
        }
    }

    public int ReconsumeTimes { get; set; }

    public long PreparedTransactionOffset { get; set; }

    /// <summary>The offset message id: store host + commit-log offset in hex (wire doc 4.3).</summary>
    public string MsgId
    {
        get => _msgId ??= MessageId.Create(StoreHost, CommitLogOffset);
        set => _msgId = value;
    }

    /// <summary>Same as <see cref="MsgId"/>; Java calls it offsetMsgId.</summary>
    public string OffsetMsgId => MsgId;

    public override string ToString() =>
        "MessageExt [topic=" + Topic + ", queueId=" + QueueId + ", queueOffset=" + QueueOffset + ", msgId=" + MsgId
        + ", reconsumeTimes=" + ReconsumeTimes + ", body=" + Body.Length + "B]";

    /// <summary>
    /// Sets <c>MIN_OFFSET</c> / <c>MAX_OFFSET</c> (the queue's range at pull time, as Java
    /// consumers do) without building the property map for them.
    /// </summary>
    internal void SetQueueOffsets(long min, long max)
    {
        if (PropertiesLoaded)
        {
            SetProperty(MessageProperty.MinOffset, min.ToString(CultureInfo.InvariantCulture));
            SetProperty(MessageProperty.MaxOffset, max.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            _queueOffsets = (min, max);
        }
    }

    private protected override Dictionary<string, string> LoadProperties()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        // Nothing is cleared here: two readers may build the map at once (see Message), and
        // both must build the same one.
        if (!_storedProperties.IsEmpty)
        {
            MessageProperties.DecodeInto(Encoding.UTF8.GetString(_storedProperties.Span), map);
        }

        if (_queueOffsets is var (min, max))
        {
            map[MessageProperty.MinOffset] = min.ToString(CultureInfo.InvariantCulture);
            map[MessageProperty.MaxOffset] = max.ToString(CultureInfo.InvariantCulture);
        }

        return map;
    }

    /// <summary>A stored host: 4 or 16 address bytes, then the port as a big-endian int (checked by the decoder).</summary>
    private static IPEndPoint ReadHost(ReadOnlySpan<byte> stored) =>
        stored.Length < 8
            ? new IPEndPoint(IPAddress.Any, 0)
            : new IPEndPoint(new IPAddress(stored[..^4]), BinaryPrimitives.ReadInt32BigEndian(stored[^4..]));
}
