using System.Buffers.Binary;

namespace AkkaMq.Codec;

/// <summary>
/// The fields of one stored record, as <see cref="MessageRecordLayout.TryRead"/> found them: the
/// fixed fields as values, the hosts, body, topic and properties as places in the record (a host
/// is its address bytes, 4 or 16, followed by the int port).
/// </summary>
public readonly record struct StoredRecordFields(
    int TotalSize,
    int BodyCrc,
    int QueueId,
    int Flag,
    long QueueOffset,
    long PhysicalOffset,
    int SysFlag,
    long BornTimestamp,
    Range BornHost,
    long StoreTimestamp,
    Range StoreHost,
    int ReconsumeTimes,
    long PreparedTransactionOffset,
    Range Body,
    Range Topic,
    Range Properties);

public static partial class MessageRecordLayout
{
    /// <summary>Extra address bytes of an IPv6 host (16 instead of 4).</summary>
    private const int IPv6Extra = 12;

    /// <summary>
    /// Reads the record at the start of <paramref name="buffer"/>, with every length checked;
    /// false when the buffer does not hold it whole (TOTALSIZE below <see cref="FixedSize"/> or
    /// past the buffer, a field running past TOTALSIZE, a negative length, a host port outside
    /// 0–65535). The magic and the CRC are not checked here (4.x clients do not check them); the
    /// store's <see cref="Check"/> does.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out StoredRecordFields fields)
    {
        fields = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        int totalSize = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (totalSize < FixedSize || totalSize > buffer.Length)
        {
            return false;
        }

        // Up to the born host every field sits where the IPv4 layout says (FixedSize covers it);
        // after it, an IPv6 born or store host moves the rest by 12 bytes each.
        ReadOnlySpan<byte> r = buffer.Slice(0, totalSize);
        int sysFlag = BinaryPrimitives.ReadInt32BigEndian(r.Slice(SysFlagOffset));
        int bornHostLength = 8 + ((sysFlag & SysFlagBornHostV6) != 0 ? IPv6Extra : 0);
        int storeHostLength = 8 + ((sysFlag & SysFlagStoreHostV6) != 0 ? IPv6Extra : 0);
        int storeTimestampAt = BornHostOffset + bornHostLength;
        int storeHostAt = storeTimestampAt + 8;
        int reconsumeTimesAt = storeHostAt + storeHostLength;
        int bodyLengthAt = reconsumeTimesAt + 4 + 8;
        int bodyAt = bodyLengthAt + 4;

        // Room for the body, TOPICLEN and PROPERTIESLEN, then for the topic and PROPERTIESLEN, then for the properties.
        int bodyLength = bodyAt + 3 <= totalSize ? BinaryPrimitives.ReadInt32BigEndian(r.Slice(bodyLengthAt)) : -1;
        if (bodyLength < 0 || bodyLength > totalSize - bodyAt - 3)
        {
            return false;
        }

        int topicAt = bodyAt + bodyLength + 1;
        int topicLength = (sbyte)r[topicAt - 1];
        if (topicLength < 0 || topicLength > totalSize - topicAt - 2)
        {
            return false;
        }

        int propertiesAt = topicAt + topicLength + 2;
        int propertiesLength = BinaryPrimitives.ReadInt16BigEndian(r.Slice(propertiesAt - 2));
        if (propertiesLength < 0 || propertiesLength > totalSize - propertiesAt
            || !IsPort(r.Slice(storeTimestampAt - 4)) || !IsPort(r.Slice(reconsumeTimesAt - 4)))
        {
            return false;
        }

        fields = new StoredRecordFields(
            totalSize,
            BinaryPrimitives.ReadInt32BigEndian(r.Slice(BodyCrcOffset)),
            BinaryPrimitives.ReadInt32BigEndian(r.Slice(QueueIdOffset)),
            BinaryPrimitives.ReadInt32BigEndian(r.Slice(FlagOffset)),
            BinaryPrimitives.ReadInt64BigEndian(r.Slice(QueueOffsetOffset)),
            BinaryPrimitives.ReadInt64BigEndian(r.Slice(PhysicalOffsetOffset)),
            sysFlag,
            BinaryPrimitives.ReadInt64BigEndian(r.Slice(BornTimestampOffset)),
            new Range(BornHostOffset, storeTimestampAt),
            BinaryPrimitives.ReadInt64BigEndian(r.Slice(storeTimestampAt)),
            new Range(storeHostAt, reconsumeTimesAt),
            BinaryPrimitives.ReadInt32BigEndian(r.Slice(reconsumeTimesAt)),
            BinaryPrimitives.ReadInt64BigEndian(r.Slice(reconsumeTimesAt + 4)),
            new Range(bodyAt, bodyAt + bodyLength),
            new Range(topicAt, topicAt + topicLength),
            new Range(propertiesAt, propertiesAt + propertiesLength));
        return true;
    }

    private static bool IsPort(ReadOnlySpan<byte> port) => BinaryPrimitives.ReadInt32BigEndian(port) is >= 0 and <= 65535;
}
