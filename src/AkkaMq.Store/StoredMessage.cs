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
    public string? Tags => GetProperty(MessageProperty.Tags);

    public string? Keys => GetProperty(MessageProperty.Keys);

    public string? UniqueKey => GetProperty(MessageProperty.UniqueClientMessageIdKey);

    /// <summary>The offset message id (store host + commit-log offset).</summary>
    public string MessageId => AkkaMq.Codec.MessageId.Create(StoreHost, CommitLogOffset);

    public string? GetProperty(string name)
    {
        byte[] props = Encoding.UTF8.GetBytes(Properties);
        return PropertyString.TryGetValue(props, Encoding.UTF8.GetBytes(name), out ReadOnlySpan<byte> v) ? Encoding.UTF8.GetString(v) : null;
    }

    /// <summary>Decodes one whole record (as stored or pulled) with the shared record reader; this store's records have IPv4 hosts.</summary>
    public static StoredMessage Decode(ReadOnlySpan<byte> r)
    {
        if (!MessageRecordLayout.TryRead(r, out StoredRecordFields f))
        {
            ThrowUnreadable();
        }

        return new StoredMessage(
            f.PhysicalOffset,
            f.TotalSize,
            Encoding.UTF8.GetString(r[f.Topic]),
            f.QueueId,
            f.Flag,
            f.QueueOffset,
            f.SysFlag,
            f.BornTimestamp,
            IPv4Endpoint.Read(r[f.BornHost]),
            f.StoreTimestamp,
            IPv4Endpoint.Read(r[f.StoreHost]),
            f.ReconsumeTimes,
            f.PreparedTransactionOffset,
            r[f.Body].ToArray(),
            Encoding.UTF8.GetString(r[f.Properties]));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowUnreadable() => throw new InvalidDataException("The stored record cannot be read.");
}
