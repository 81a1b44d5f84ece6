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
    /// <summary>
    /// Reads the record at the start of <paramref name="buffer"/>, field by field with every
    /// length checked; false when the buffer does not hold it whole (TOTALSIZE below
    /// <see cref="FixedSize"/> or past the buffer, a field running past TOTALSIZE, a negative
    /// length, a host port outside 0–65535). The magic and the CRC are not checked here (4.x
    /// clients do not check them); the store's <see cref="Check"/> does.
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

        var r = new Cursor(buffer.Slice(0, totalSize));
        r.Skip(MagicOffset + 4);
        int bodyCrc = r.Int32();
        int queueId = r.Int32();
        int flag = r.Int32();
        long queueOffset = r.Int64();
        long physicalOffset = r.Int64();
        int sysFlag = r.Int32();
        long bornTimestamp = r.Int64();
        Range bornHost = r.Host((sysFlag & SysFlagBornHostV6) != 0);
        long storeTimestamp = r.Int64();
        Range storeHost = r.Host((sysFlag & SysFlagStoreHostV6) != 0);
        int reconsumeTimes = r.Int32();
        long preparedTransactionOffset = r.Int64();
        Range body = r.Bytes(r.Int32());
        Range topic = r.Bytes(r.SByte());
        Range properties = r.Bytes(r.Int16());
        if (r.Failed)
        {
            return false;
        }

        fields = new StoredRecordFields(totalSize, bodyCrc, queueId, flag, queueOffset, physicalOffset, sysFlag,
            bornTimestamp, bornHost, storeTimestamp, storeHost, reconsumeTimes, preparedTransactionOffset, body, topic, properties);
        return true;
    }

    /// <summary>A bounds-checked cursor: a read past the end or a negative length sets <see cref="Failed"/> and yields zeros.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> record)
    {
        private readonly ReadOnlySpan<byte> _record = record;
        private int _position;

        public bool Failed { get; private set; }

        public void Skip(int count) => Take(count);

        public int SByte() => Take(1) is { Length: 1 } s ? (sbyte)s[0] : 0;

        public int Int16() => Take(2) is { Length: 2 } s ? BinaryPrimitives.ReadInt16BigEndian(s) : 0;

        public int Int32() => Take(4) is { Length: 4 } s ? BinaryPrimitives.ReadInt32BigEndian(s) : 0;

        public long Int64() => Take(8) is { Length: 8 } s ? BinaryPrimitives.ReadInt64BigEndian(s) : 0;

        /// <summary>The place of the next <paramref name="count"/> bytes.</summary>
        public Range Bytes(int count)
        {
            int start = _position;
            if (count < 0)
            {
                Failed = true;
            }
            else
            {
                Take(count);
            }

            return Failed ? default : new Range(start, _position);
        }

        /// <summary>A host: address (16 bytes when <paramref name="ipv6"/>, else 4) and an int port in 0–65535.</summary>
        public Range Host(bool ipv6)
        {
            int start = _position;
            Take(ipv6 ? 16 : 4);
            int port = Int32();
            if (port is < 0 or > 65535)
            {
                Failed = true;
            }

            return Failed ? default : new Range(start, _position);
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (Failed || count > _record.Length - _position)
            {
                Failed = true;
                return default;
            }

            var slice = _record.Slice(_position, count);
            _position += count;
            return slice;
        }
    }
}
