using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// The binary "ROCKETMQ" header (wire doc 1.3), all big-endian:
/// <code>
/// 0   short  code
/// 2   byte   language code
/// 3   short  version
/// 5   int    opaque
/// 9   int    flag
/// 13  int    remarkLen (0 = no remark), then remark UTF-8
/// ..  int    extLen: bytes of the map section that follows (0 = none)
/// ..  entries: short keyLen + key, int valLen + value
/// </code>
/// A zero-length key or value means null in Java; such entries are dropped.
/// </summary>
internal static class BinaryHeaderCodec
{
    private const int FixedLength = 2 + 1 + 2 + 4 + 4 + 4 + 4;

    public static string? TryDecode(ReadOnlySequence<byte> header, RemotingCommand command)
    {
        var reader = new SequenceReader<byte>(header);
        if (!reader.TryReadBigEndian(out short code)
            || !reader.TryRead(out byte language)
            || !reader.TryReadBigEndian(out short version)
            || !reader.TryReadBigEndian(out int opaque)
            || !reader.TryReadBigEndian(out int flag)
            || !reader.TryReadBigEndian(out int remarkLength))
        {
            return "binary header is shorter than its fixed fields";
        }

        command.Code = code;
        command.Language = (LanguageCode)language;
        command.Version = version;
        command.Opaque = opaque;
        command.Flag = flag;
        if (remarkLength < 0 || remarkLength > reader.Remaining)
        {
            return "binary header remark length is out of range";
        }

        command.Remark = remarkLength == 0 ? null : ReadString(ref reader, remarkLength);
        if (!reader.TryReadBigEndian(out int extLength))
        {
            return "binary header is missing its extFields length";
        }

        if (extLength < 0 || extLength > reader.Remaining)
        {
            return "binary header extFields length is out of range";
        }

        return extLength == 0 ? null : ReadExtFields(header.Slice(reader.Position, extLength), command);
    }

    private static string? ReadExtFields(ReadOnlySequence<byte> section, RemotingCommand command)
    {
        var reader = new SequenceReader<byte>(section);
        var fields = command.ExtFieldsForDecoding();
        while (!reader.End)
        {
            if (!reader.TryReadBigEndian(out short keyLength) || keyLength < 0 || keyLength > reader.Remaining)
            {
                return "binary header extFields key length is out of range";
            }

            string? key = keyLength == 0 ? null : ReadKey(ref reader, keyLength);
            if (!reader.TryReadBigEndian(out int valueLength) || valueLength < 0 || valueLength > reader.Remaining)
            {
                return "binary header extFields value length is out of range";
            }

            string? value = valueLength == 0 ? null : ReadValue(ref reader, valueLength);
            if (key is not null && value is not null)
            {
                fields[key] = value;
            }
        }

        return null;
    }

    private static string ReadKey(ref SequenceReader<byte> reader, int length) => ReadShared(ref reader, length, ExtFieldKeys.Find);

    private static string ReadValue(ref SequenceReader<byte> reader, int length) => ReadShared(ref reader, length, ExtFieldValues.Find);

    /// <summary>The shared string <paramref name="find"/> knows for the next <paramref name="length"/> bytes, or a new one.</summary>
    private static string ReadShared(ref SequenceReader<byte> reader, int length, Func<ReadOnlySpan<byte>, string?> find)
    {
        var span = reader.UnreadSpan;
        if (span.Length >= length && find(span[..length]) is { } shared)
        {
            reader.Advance(length);
            return shared;
        }

        return ReadString(ref reader, length);
    }

    private static string ReadString(ref SequenceReader<byte> reader, int length)
    {
        string text;
        var span = reader.UnreadSpan;
        if (span.Length >= length)
        {
            text = Encoding.UTF8.GetString(span[..length]);
        }
        else
        {
            text = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        }

        reader.Advance(length);
        return text;
    }

    /// <summary>Exact byte length of the encoded header.</summary>
    public static int GetLength(RemotingCommand command)
    {
        int length = FixedLength;
        if (command.Remark is not null)
        {
            length += Encoding.UTF8.GetByteCount(command.Remark);
        }

        return length + GetExtFieldsLength(command.ExtFieldsOrNull);
    }

    private static int GetExtFieldsLength(OrderedDictionary<string, string>? fields)
    {
        int length = 0;
        if (fields is null)
        {
            return 0;
        }

        for (int i = 0; i < fields.Count; i++)
        {
            var entry = fields.GetAt(i);
            length += 2 + Encoding.UTF8.GetByteCount(entry.Key) + 4 + Encoding.UTF8.GetByteCount(entry.Value);
        }

        return length;
    }

    /// <summary>Writes the header into <paramref name="destination"/>, which is exactly <see cref="GetLength"/> long.</summary>
    public static void Encode(RemotingCommand command, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, (short)command.Code);
        destination[2] = (byte)command.Language;
        BinaryPrimitives.WriteInt16BigEndian(destination[3..], (short)command.Version);
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], command.Opaque);
        BinaryPrimitives.WriteInt32BigEndian(destination[9..], command.Flag);
        int position = 13;
        int remarkLength = command.Remark is null ? 0 : Encoding.UTF8.GetBytes(command.Remark, destination[(position + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(destination[position..], remarkLength);
        position += 4 + remarkLength;

        var fields = command.ExtFieldsOrNull;
        int extLength = GetExtFieldsLength(fields);
        BinaryPrimitives.WriteInt32BigEndian(destination[position..], extLength);
        position += 4;
        for (int i = 0; fields is not null && i < fields.Count; i++)
        {
            var entry = fields.GetAt(i);
            int keyLength = Encoding.UTF8.GetBytes(entry.Key, destination[(position + 2)..]);
            BinaryPrimitives.WriteInt16BigEndian(destination[position..], (short)keyLength);
            position += 2 + keyLength;
            int valueLength = Encoding.UTF8.GetBytes(entry.Value, destination[(position + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(destination[position..], valueLength);
            position += 4 + valueLength;
        }
    }
}
