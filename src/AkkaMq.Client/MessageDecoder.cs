using System.IO.Compression;
using System.Text;

namespace AkkaMq.Client;

/// <summary>
/// Decodes stored records as they arrive in PULL / VIEW / QUERY bodies (wire doc 4.1), records
/// simply concatenated, with the one record reader the store also uses
/// (<see cref="MessageRecordLayout.TryRead"/>), and builds client messages from them.
/// </summary>
public static class MessageDecoder
{
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
        if (!MessageRecordLayout.TryRead(buffer.Span, out var f))
        {
            return false;
        }

        var record = buffer[..f.TotalSize];
        var topic = record.Span[f.Topic];
        if (lastTopic is null || !SameText(topic, lastTopic))
        {
            lastTopic = Encoding.UTF8.GetString(topic);
        }

        var body = record.Span[f.Body];
        byte[] bodyBytes = (f.SysFlag & MessageRecordLayout.SysFlagCompressed) != 0 ? Decompress(body, f.SysFlag) : body.ToArray();
        message = new MessageExt(lastTopic, bodyBytes, record[f.Properties], record[f.BornHost], record[f.StoreHost])
        {
            StoreSize = f.TotalSize,
            BodyCrc = f.BodyCrc,
            QueueId = f.QueueId,
            Flag = f.Flag,
            QueueOffset = f.QueueOffset,
            CommitLogOffset = f.PhysicalOffset,
            SysFlag = f.SysFlag,
            BornTimestamp = f.BornTimestamp,
            StoreTimestamp = f.StoreTimestamp,
            ReconsumeTimes = f.ReconsumeTimes,
            PreparedTransactionOffset = f.PreparedTransactionOffset,
        };
        consumed = f.TotalSize;
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
        int type = sysFlag & MessageRecordLayout.SysFlagCompressionTypeMask;
        if (type is not (0 or MessageRecordLayout.SysFlagCompressionZlib))
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
}
