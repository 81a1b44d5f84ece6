using System.Text;

namespace AkkaMq.Store;

/// <summary>A stored record decoded into values (view-message-by-id, admin tools; allocates).</summary>
public sealed record StoredMessage(
    long CommitLogOffset,
    int StoredSize,
    string Topic,
    int QueueId,
    int Flag,
    long QueueOffset,
    int SysFlag,
    long BornTimestamp,
    IPv4Endpoint BornHost,
    long StoreTimestamp,
    IPv4Endpoint StoreHost,
    int ReconsumeTimes,
    long PreparedTransactionOffset,
    byte[] Body,
    string Properties)
{
    public string? Tags => GetProperty("TAGS");

    public string? Keys => GetProperty("KEYS");

    public string? UniqueKey => GetProperty("UNIQ_KEY");

    /// <summary>The offset message id (store host + commit-log offset).</summary>
    public string MessageId => AkkaMq.Store.MessageId.Create(StoreHost, CommitLogOffset);

    public string? GetProperty(string name)
    {
        byte[] props = Encoding.UTF8.GetBytes(Properties);
        return PropertyString.TryGetValue(props, Encoding.UTF8.GetBytes(name), out ReadOnlySpan<byte> v) ? Encoding.UTF8.GetString(v) : null;
    }

    /// <summary>Decodes one whole record (as stored or pulled).</summary>
    public static StoredMessage Decode(ReadOnlySpan<byte> r) => new(
        MessageRecordLayout.ReadPhysicalOffset(r),
        MessageRecordLayout.ReadTotalSize(r),
        Encoding.UTF8.GetString(MessageRecordLayout.Topic(r)),
        MessageRecordLayout.ReadQueueId(r),
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(r.Slice(MessageRecordLayout.FlagOffset)),
        MessageRecordLayout.ReadQueueOffset(r),
        MessageRecordLayout.ReadSysFlag(r),
        System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(r.Slice(MessageRecordLayout.BornTimestampOffset)),
        MessageRecordLayout.ReadBornHost(r),
        MessageRecordLayout.ReadStoreTimestamp(r),
        MessageRecordLayout.ReadStoreHost(r),
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(r.Slice(MessageRecordLayout.ReconsumeTimesOffset)),
        System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(r.Slice(MessageRecordLayout.PreparedTransactionOffsetOffset)),
        MessageRecordLayout.Body(r).ToArray(),
        Encoding.UTF8.GetString(MessageRecordLayout.Properties(r)));
}
