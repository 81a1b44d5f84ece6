using System.Buffers.Binary;
using System.Text;

namespace AkkaMq.Codec;

/// <summary>What a scan found at a position of the commit log.</summary>
public enum RecordCheck
{
    /// <summary>A whole record with the right magic, size, physical offset and body CRC.</summary>
    Valid,
    /// <summary>The blank filler at a segment's end; the next record starts in the next segment.</summary>
    Blank,
    /// <summary>Zero total size: never written.</summary>
    Empty,
    /// <summary>Anything else: torn write, garbage or damage.</summary>
    Corrupt,
}

/// <summary>
/// The stored message record, defined once for the store that writes it and the clients that read
/// it from PULL / VIEW / QUERY bodies. All integers big-endian (Java ByteBuffer order). The
/// offset constants assume IPv4 born and store hosts, the only form this store writes or accepts;
/// <see cref="TryRead"/> also reads records of other brokers with IPv6 hosts (SYSFLAG 0x10: the
/// born host is 16 address bytes + port; 0x20: the store host), whose later fields move by 12.
/// <code>
///  0  4  TOTALSIZE      whole record including this field
///  4  4  MAGICCODE      0xDAA320A7 (v1)
///  8  4  BODYCRC        CRC-32 of the body and 0x7FFFFFFF
/// 12  4  QUEUEID
/// 16  4  FLAG           user flag
/// 20  8  QUEUEOFFSET    index in the topic/queue's consume queue
/// 28  8  PHYSICALOFFSET commit-log offset of this record
/// 36  4  SYSFLAG
/// 40  8  BORNTIMESTAMP  ms
/// 48  8  BORNHOST       4 address bytes + int port
/// 56  8  STORETIMESTAMP ms
/// 64  8  STOREHOST      4 address bytes + int port
/// 72  4  RECONSUMETIMES
/// 76  8  PREPAREDTRANSACTIONOFFSET
/// 84  4  BODYLEN, then the body
///     1  TOPICLEN (signed byte, topic ≤ 127 bytes), then the UTF-8 topic
///     2  PROPERTIESLEN (short ≤ 32767), then the UTF-8 property string
/// </code>
/// A blank filler at a segment end is TOTALSIZE = bytes left in the segment, MAGIC 0xCBD43194.
/// </summary>
public static partial class MessageRecordLayout
{
    public const int TotalSizeOffset = 0;
    public const int MagicOffset = 4;
    public const int BodyCrcOffset = 8;
    public const int QueueIdOffset = 12;
    public const int FlagOffset = 16;
    public const int QueueOffsetOffset = 20;
    public const int PhysicalOffsetOffset = 28;
    public const int SysFlagOffset = 36;
    public const int BornTimestampOffset = 40;
    public const int BornHostOffset = 48;
    public const int StoreTimestampOffset = 56;
    public const int StoreHostOffset = 64;
    public const int ReconsumeTimesOffset = 72;
    public const int PreparedTransactionOffsetOffset = 76;
    public const int BodyLengthOffset = 84;
    public const int BodyOffset = 88;

    /// <summary>Size of a record with empty body, topic and properties.</summary>
    public const int FixedSize = 91;
    public const int MaxTopicLength = 127;
    public const int MaxPropertiesLength = short.MaxValue;
    public const int MessageMagic = unchecked((int)0xDAA320A7);
    public const int BlankMagic = unchecked((int)0xCBD43194);
    /// <summary>TOTALSIZE + MAGIC of the filler; a segment always keeps room for it.</summary>
    public const int BlankSize = 8;

    public const int SysFlagCompressed = 0x1;
    /// <summary>The transaction type bits; also END_TRANSACTION's <c>commitOrRollback</c> values.</summary>
    public const int SysFlagTransactionMask = 0xC;
    public const int SysFlagTransactionNot = 0x0;
    public const int SysFlagTransactionPrepared = 0x4;
    public const int SysFlagTransactionCommit = 0x8;
    public const int SysFlagTransactionRollback = 0xC;
    public const int SysFlagBornHostV6 = 0x10;
    public const int SysFlagStoreHostV6 = 0x20;

    /// <summary>With <see cref="SysFlagCompressed"/>: the body's compression (0 = zlib, as before 4.9.4; 1 LZ4, 2 ZSTD, 3 zlib).</summary>
    public const int SysFlagCompressionTypeMask = 0x700;
    public const int SysFlagCompressionZlib = 0x300;

    public static int CalcSize(int bodyLength, int topicLength, int propertiesLength) =>
        FixedSize + bodyLength + topicLength + propertiesLength;

    /// <summary>
    /// Writes a whole record into <paramref name="dest"/> (exactly the record's size).
    /// <paramref name="topicBytes"/>/<paramref name="propertiesBytes"/> are the UTF-8 byte counts.
    /// </summary>
    public static void Encode(Span<byte> dest, in MessageToStore m, int topicBytes, int propertiesBytes,
        long physicalOffset, long queueOffset, long storeTimestamp)
    {
        ReadOnlySpan<byte> body = m.Body.Span;
        BinaryPrimitives.WriteInt32BigEndian(dest, dest.Length);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(MagicOffset), MessageMagic);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(BodyCrcOffset), Crc32.BodyCrc(body));
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(QueueIdOffset), m.QueueId);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(FlagOffset), m.Flag);
        BinaryPrimitives.WriteInt64BigEndian(dest.Slice(QueueOffsetOffset), queueOffset);
        BinaryPrimitives.WriteInt64BigEndian(dest.Slice(PhysicalOffsetOffset), physicalOffset);
        // Hosts are always written in IPv4 form, so the IPv6 bits must be clear.
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(SysFlagOffset), m.SysFlag & ~(SysFlagBornHostV6 | SysFlagStoreHostV6));
        BinaryPrimitives.WriteInt64BigEndian(dest.Slice(BornTimestampOffset), m.BornTimestamp);
        m.BornHost.Write(dest.Slice(BornHostOffset));
        BinaryPrimitives.WriteInt64BigEndian(dest.Slice(StoreTimestampOffset), storeTimestamp);
        m.StoreHost.Write(dest.Slice(StoreHostOffset));
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(ReconsumeTimesOffset), m.ReconsumeTimes);
        BinaryPrimitives.WriteInt64BigEndian(dest.Slice(PreparedTransactionOffsetOffset), m.PreparedTransactionOffset);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(BodyLengthOffset), body.Length);
        body.CopyTo(dest.Slice(BodyOffset));
        int p = BodyOffset + body.Length;
        dest[p] = (byte)topicBytes;
        Encoding.UTF8.GetBytes(m.Topic, dest.Slice(p + 1, topicBytes));
        p += 1 + topicBytes;
        BinaryPrimitives.WriteInt16BigEndian(dest.Slice(p), (short)propertiesBytes);
        Encoding.UTF8.GetBytes(m.Properties ?? "", dest.Slice(p + 2, propertiesBytes));
    }

    /// <summary>Writes the 8-byte filler header saying the filler runs <paramref name="totalSize"/> bytes, to the segment's end.</summary>
    public static void WriteBlankHeader(Span<byte> dest, int totalSize)
    {
        BinaryPrimitives.WriteInt32BigEndian(dest, totalSize);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(MagicOffset), BlankMagic);
    }

    /// <summary>
    /// Checks the record at the start of <paramref name="data"/> (which runs to the segment's end)
    /// that should sit at commit-log offset <paramref name="expectedOffset"/>: magic, total size
    /// against the field lengths, physical offset and body CRC.
    /// </summary>
    public static RecordCheck Check(ReadOnlySpan<byte> data, long expectedOffset, int maxSize, out int size)
    {
        size = 0;
        if (data.Length < BlankSize)
        {
            return data.IndexOfAnyExcept((byte)0) < 0 ? RecordCheck.Empty : RecordCheck.Corrupt;
        }
        size = BinaryPrimitives.ReadInt32BigEndian(data);
        int magic = BinaryPrimitives.ReadInt32BigEndian(data.Slice(MagicOffset));
        if (size == 0 && magic == 0)
        {
            return RecordCheck.Empty;
        }
        if (magic == BlankMagic)
        {
            return size == data.Length ? RecordCheck.Blank : RecordCheck.Corrupt;
        }
        if (magic != MessageMagic || size < FixedSize || size > data.Length || size > maxSize)
        {
            return RecordCheck.Corrupt;
        }
        return CheckFields(data.Slice(0, size), expectedOffset) ? RecordCheck.Valid : RecordCheck.Corrupt;
    }

    /// <summary>What this store accepts beyond <see cref="TryRead"/>: its own offset, IPv4 hosts, a topic, no slack at the end, the body CRC.</summary>
    private static bool CheckFields(ReadOnlySpan<byte> r, long expectedOffset)
    {
        if (!TryRead(r, out StoredRecordFields f)
            || f.PhysicalOffset != expectedOffset
            || (f.SysFlag & (SysFlagBornHostV6 | SysFlagStoreHostV6)) != 0
            || f.Topic.GetOffsetAndLength(r.Length).Length == 0
            || f.Properties.End.Value != r.Length)
        {
            return false;
        }
        // The body CRC does not cover topic and properties. A write torn by a power cut leaves
        // zeros from a disk sector boundary to its end; inside the properties that would pass
        // every check above. A property string ends with its separator (2), never with 0.
        if (f.Properties.GetOffsetAndLength(r.Length).Length > 0 && r[^1] == 0)
        {
            return false;
        }
        return f.BodyCrc == Crc32.BodyCrc(r[f.Body]);
    }

    public static int ReadTotalSize(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt32BigEndian(r);

    public static int ReadQueueId(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt32BigEndian(r.Slice(QueueIdOffset));

    public static long ReadQueueOffset(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64BigEndian(r.Slice(QueueOffsetOffset));

    public static long ReadPhysicalOffset(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64BigEndian(r.Slice(PhysicalOffsetOffset));

    public static int ReadSysFlag(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt32BigEndian(r.Slice(SysFlagOffset));

    public static long ReadStoreTimestamp(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64BigEndian(r.Slice(StoreTimestampOffset));

    public static IPv4Endpoint ReadStoreHost(ReadOnlySpan<byte> r) => IPv4Endpoint.Read(r.Slice(StoreHostOffset, 8));

    public static IPv4Endpoint ReadBornHost(ReadOnlySpan<byte> r) => IPv4Endpoint.Read(r.Slice(BornHostOffset, 8));

    public static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> r) =>
        r.Slice(BodyOffset, BinaryPrimitives.ReadInt32BigEndian(r.Slice(BodyLengthOffset)));

    public static ReadOnlySpan<byte> Topic(ReadOnlySpan<byte> r)
    {
        int at = BodyOffset + BinaryPrimitives.ReadInt32BigEndian(r.Slice(BodyLengthOffset));
        return r.Slice(at + 1, (sbyte)r[at]);
    }

    public static ReadOnlySpan<byte> Properties(ReadOnlySpan<byte> r)
    {
        int at = BodyOffset + BinaryPrimitives.ReadInt32BigEndian(r.Slice(BodyLengthOffset));
        at += 1 + (sbyte)r[at];
        return r.Slice(at + 2, BinaryPrimitives.ReadInt16BigEndian(r.Slice(at)));
    }

    /// <summary>Prepared (half) and rollback records take no queue offset and enter no consume queue.</summary>
    public static bool EntersConsumeQueue(int sysFlag)
    {
        int tx = sysFlag & SysFlagTransactionMask;
        return tx != SysFlagTransactionPrepared && tx != SysFlagTransactionRollback;
    }
}
