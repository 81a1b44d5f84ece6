using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace AkkaMq.Client;

/// <summary>
/// Decodes stored records as they arrive in PULL / VIEW / QUERY bodies (wire doc 4.1), records
/// simply concatenated. Layout, all big-endian (offsets for IPv4 hosts):
/// TOTALSIZE 4 | MAGIC 4 | BODYCRC 4 | QUEUEID 4 | FLAG 4 | QUEUEOFFSET 8 | PHYSICALOFFSET 8 |
/// SYSFLAG 4 | BORNTIMESTAMP 8 | BORNHOST 8 (20 if SYSFLAG 0x10) | STORETIMESTAMP 8 |
/// STOREHOST 8 (20 if SYSFLAG 0x20) | RECONSUMETIMES 4 | PREPARED TX OFFSET 8 | BODYLEN 4 + body |
/// TOPICLEN 1 + topic | PROPERTIESLEN 2 + properties.
/// </summary>
public static class MessageDecoder
{
    public const int CompressedFlag = 0x1;
    public const int BornHostV6Flag = 0x10;
    public const int StoreHostV6Flag = 0x20;

    /// <summary>
    /// Decodes records until the buffer ends or one fails to parse (as Java clients do). The
    /// messages keep slices of <paramref name="buffer"/> for the fields they build on first use
    /// (see <see cref="MessageExt"/>), so the buffer must not be reused afterwards.
    /// </summary>
    public static List<MessageExt> DecodeAll(ReadOnlyMemory<byte> buffer)
    {
        var messages = new List<MessageExt>();
        string? topic = null;
        while (buffer.Length > 0 && TryDecode(buffer, ref topic, out var message, out int consumed))
        {
            messages.Add(message);
            buffer = buffer[consumed..];
        }

        return messages;
    }

    /// <summary>Decodes one record; false when the buffer does not hold a whole valid record.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> buffer, out MessageExt message, out int consumed)
    {
        string? topic = null;
        return TryDecode(buffer, ref topic, out message, out consumed);
    }

    /// <summary>
    /// One record; <paramref name="lastTopic"/> is the topic of the record before, reused when
    /// this one has the same (records of a pull share one topic), so a pull decodes it once.
    /// </summary>
    private static bool TryDecode(ReadOnlyMemory<byte> buffer, ref string? lastTopic, out MessageExt message, out int consumed)
    {
        message = null!;
        consumed = 0;
        if (buffer.Length < 4)
        {
            return false;
        }

        int totalSize = BinaryPrimitives.ReadInt32BigEndian(buffer.Span);
        if (totalSize < 91 || totalSize > buffer.Length)
        {
            return false;
        }

        if (!TryReadFields(buffer[..totalSize], ref lastTopic, out message))
        {
            return false;
        }

        consumed = totalSize;
        return true;
    }

    private static bool TryReadFields(ReadOnlyMemory<byte> record, ref string? lastTopic, out MessageExt message)
    {
        message = null!;
        var r = new RecordReader(record.Span);
        r.Skip(8); // TOTALSIZE, MAGICCODE: 4.x clients do not check the magic.
        int bodyCrc = r.Int32();
        int queueId = r.Int32();
        int flag = r.Int32();
        long queueOffset = r.Int64();
        long physicalOffset = r.Int64();
        int sysFlag = r.Int32();
        long bornTimestamp = r.Int64();
        var bornHost = r.Host((sysFlag & BornHostV6Flag) != 0);
        long storeTimestamp = r.Int64();
        var storeHost = r.Host((sysFlag & StoreHostV6Flag) != 0);
        int reconsumeTimes = r.Int32();
        long preparedOffset = r.Int64();
        int bodyLength = r.Int32();
        var body = r.Bytes(bodyLength);
        int topicLength = r.Byte();
        var topic = r.Bytes(topicLength);
        int propertiesLength = r.Int16();
        var properties = r.Range(propertiesLength);
        if (r.Failed || bornHost.Length == 0 || storeHost.Length == 0)
        {
            return false;
        }

        if (lastTopic is null || !SameText(topic, lastTopic))
        {
            lastTopic = Encoding.UTF8.GetString(topic);
        }

        byte[] bodyBytes = (sysFlag & CompressedFlag) != 0 ? Decompress(body, sysFlag) : body.ToArray();
        message = new MessageExt(lastTopic, bodyBytes, record.Slice(properties.Start, properties.Length), record.Slice(bornHost.Start, bornHost.Length), record.Slice(storeHost.Start, storeHost.Length))
        {
            StoreSize = record.Length,
            BodyCrc = bodyCrc,
            QueueId = queueId,
            Flag = flag,
            QueueOffset = queueOffset,
            CommitLogOffset = physicalOffset,
            SysFlag = sysFlag,
            BornTimestamp = bornTimestamp,
            StoreTimestamp = storeTimestamp,
            ReconsumeTimes = reconsumeTimes,
            PreparedTransactionOffset = preparedOffset,
        };
        return true;
    }

    /// <summary>Whether UTF-8 <paramref name="utf8"/> spells <paramref name="text"/> (ASCII fast path; anything else compares decoded).</summary>
    private static bool SameText(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length != text.Length)
        {
            return utf8.Length >= text.Length && text == Encoding.UTF8.GetString(utf8);
        }

        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != text[i] || utf8[i] >= 0x80)
            {
                return text == Encoding.UTF8.GetString(utf8);
            }
        }

        return true;
    }

    /// <summary>
    /// Bodies flagged compressed: zlib when the type bits (0x700) are 0 or 3. LZ4 (1) and ZSTD (2)
    /// are not supported here, and neither is a corrupt stream: such bodies are returned as stored
    /// (sysFlag still says compressed) rather than failing the whole pull and stalling the queue.
    /// </summary>
    private static byte[] Decompress(ReadOnlySpan<byte> body, int sysFlag)
    {
        int type = (sysFlag >> 8) & 0x7;
        if (type is not (0 or 3))
        {
            return body.ToArray();
        }

        try
        {
            return Inflate(body);
        }
        catch (InvalidDataException)
        {
            return body.ToArray();
        }
    }

    /// <summary>zlib inflate; with 0x1 set and no type bits the body is zlib (pre-4.9.4 and ali-ons).</summary>
    public static byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream(compressed.Length * 4);
        zlib.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>zlib deflate, as Java producers do for bodies of 4 KiB and more.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream(body.Length / 2 + 16);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(body);
        }

        return output.ToArray();
    }

    /// <summary>A bounds-checked cursor: a read past the end sets <see cref="Failed"/> and yields zeros.</summary>
    private ref struct RecordReader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public bool Failed { get; private set; }

        public void Skip(int count) => Take(count);

        public int Byte() => Take(1) is { Length: 1 } s ? (sbyte)s[0] : 0;

        public int Int16() => Take(2) is { Length: 2 } s ? BinaryPrimitives.ReadInt16BigEndian(s) : 0;

        public int Int32() => Take(4) is { Length: 4 } s ? BinaryPrimitives.ReadInt32BigEndian(s) : 0;

        public long Int64() => Take(8) is { Length: 8 } s ? BinaryPrimitives.ReadInt64BigEndian(s) : 0;

        public ReadOnlySpan<byte> Bytes(int count) => count < 0 ? Fail() : Take(count);

        /// <summary>A stored host's place in the record (address and port), checked; empty when invalid.</summary>
        public (int Start, int Length) Host(bool ipv6)
        {
            int start = _position;
            Take(ipv6 ? 16 : 4);
            int port = Int32();
            if (Failed || port < 0 || port > 65535)
            {
                return default;
            }

            return (start, _position - start);
        }

        /// <summary>The place of the next <paramref name="count"/> bytes in the record.</summary>
        public (int Start, int Length) Range(int count)
        {
            int start = _position;
            return Bytes(count).Length == count && !Failed ? (start, count) : default;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (Failed || _position + count > _buffer.Length)
            {
                return Fail();
            }

            var slice = _buffer.Slice(_position, count);
            _position += count;
            return slice;
        }

        private ReadOnlySpan<byte> Fail()
        {
            Failed = true;
            return default;
        }
    }
}
