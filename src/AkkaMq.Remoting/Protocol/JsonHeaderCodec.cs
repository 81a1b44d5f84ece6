using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// The JSON header (wire doc 1.2). Reading is lenient the way Java's is: unknown keys are
/// ignored, numeric fields may arrive as strings, extFields values may be any JSON scalar and
/// are kept as their text (ali-ons and the C++ client send raw numbers and booleans).
/// Writing follows fastjson: keys in alphabetical order, nulls omitted, extFields as strings.
/// </summary>
internal static class JsonHeaderCodec
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 16,
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Fills <paramref name="command"/> from the header text; returns an error or null.</summary>
    public static string? TryDecode(ReadOnlySequence<byte> header, RemotingCommand command)
    {
        if (header.IsSingleSegment)
        {
            return TryDecode(header.FirstSpan, command);
        }

        // A header split across pipe segments is copied into one span: the multi-segment
        // Utf8JsonReader threw IndexOutOfRangeException on a broken literal ending at a
        // segment boundary (pinned in FrameMalformedTests), and one span is faster anyway.
        int length = (int)header.Length;
        byte[]? rented = null;
        Span<byte> contiguous = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        header.CopyTo(contiguous);
        try
        {
            return TryDecode(contiguous[..length], command);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string? TryDecode(ReadOnlySpan<byte> header, RemotingCommand command)
    {
        try
        {
            var reader = new Utf8JsonReader(header, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "JSON header is not an object";
            }

            string? error = ReadProperties(ref reader, command);
            if (error is null && reader.Read())
            {
                return "JSON header has data after the object";
            }

            return error;
        }
        catch (JsonException ex)
        {
            return "invalid JSON header: " + ex.Message;
        }
        catch (InvalidOperationException ex)
        {
            return "invalid JSON header: " + ex.Message;
        }
    }

    private static string? ReadProperties(ref Utf8JsonReader reader, RemotingCommand command)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? error = ReadProperty(ref reader, command);
            if (error is not null)
            {
                return error;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject ? null : "JSON header object is not closed";
    }

    private static string? ReadProperty(ref Utf8JsonReader reader, RemotingCommand command)
    {
        if (reader.ValueTextEquals("code"u8))
        {
            string? error = ReadInt(ref reader, "code", out int value);
            command.Code = value;
            return error;
        }

        if (reader.ValueTextEquals("opaque"u8))
        {
            string? error = ReadInt(ref reader, "opaque", out int value);
            command.Opaque = value;
            return error;
        }

        if (reader.ValueTextEquals("flag"u8))
        {
            string? error = ReadInt(ref reader, "flag", out int value);
            command.Flag = value;
            return error;
        }

        if (reader.ValueTextEquals("version"u8))
        {
            string? error = ReadInt(ref reader, "version", out int value);
            command.Version = value;
            return error;
        }

        if (reader.ValueTextEquals("language"u8))
        {
            return ReadLanguage(ref reader, command);
        }

        if (reader.ValueTextEquals("remark"u8))
        {
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                return "JSON header field 'remark' is not a string";
            }

            command.Remark = reader.TokenType == JsonTokenType.Null ? null : ScalarText(ref reader);
            return null;
        }

        if (reader.ValueTextEquals("extFields"u8))
        {
            return ReadExtFields(ref reader, command);
        }

        reader.Read();
        reader.Skip();
        return null;
    }

    private static string? ReadInt(ref Utf8JsonReader reader, string name, out int value)
    {
        reader.Read();
        value = 0;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        bool ok = reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt32(out value),
            JsonTokenType.String => int.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => false,
        };
        return ok ? null : "JSON header field '" + name + "' is not a 32-bit integer";
    }

    private static string? ReadLanguage(ref Utf8JsonReader reader, RemotingCommand command)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number) && number is >= 0 and <= 255)
        {
            command.Language = (LanguageCode)number;
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return reader.TokenType == JsonTokenType.Null ? null : "JSON header field 'language' is not a string";
        }

        if (!reader.ValueIsEscaped && LanguageCodeNames.TryParse(reader.ValueSpan, out var code))
        {
            command.Language = code;
            return null;
        }

        command.LanguageName = reader.GetString() ?? string.Empty;
        return null;
    }

    private static string? ReadExtFields(ref Utf8JsonReader reader, RemotingCommand command)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "JSON header field 'extFields' is not an object";
        }

        var fields = command.ExtFieldsForDecoding();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = (reader.ValueIsEscaped ? null : ExtFieldKeys.Find(reader.ValueSpan)) ?? reader.GetString()!;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                fields[key] = ScalarText(ref reader);
            }
        }

        return null;
    }

    /// <summary>The text of a string, number or boolean token (numbers keep their literal digits).</summary>
    private static string ScalarText(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped && ExtFieldValues.Find(reader.ValueSpan) is { } common)
        {
            return common;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    /// <summary>
    /// Writes the header into a per-thread scratch buffer and returns its bytes, valid until
    /// the next call on this thread. Key order is fastjson's (alphabetical).
    /// </summary>
    public static ReadOnlySpan<byte> Encode(RemotingCommand command)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Reset();
        var json = scratch.Writer;
        json.WriteStartObject();
        json.WriteNumber("code"u8, command.Code);
        WriteExtFields(json, command.ExtFieldsOrNull);
        json.WriteNumber("flag"u8, command.Flag);
        WriteLanguage(json, command);
        json.WriteNumber("opaque"u8, command.Opaque);
        if (command.Remark is not null)
        {
            json.WriteString("remark"u8, command.Remark);
        }

        json.WriteString("serializeTypeCurrentRPC"u8, "JSON"u8);
        json.WriteNumber("version"u8, command.Version);
        json.WriteEndObject();
        json.Flush();
        return scratch.Buffer.WrittenSpan;
    }

    private static void WriteExtFields(Utf8JsonWriter json, OrderedDictionary<string, string>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            return;
        }

        json.WriteStartObject("extFields"u8);
        for (int i = 0; i < fields.Count; i++)
        {
            var entry = fields.GetAt(i);
            json.WriteString(entry.Key, entry.Value);
        }

        json.WriteEndObject();
    }

    private static void WriteLanguage(Utf8JsonWriter json, RemotingCommand command)
    {
        if (command.UnknownLanguageName is { } name)
        {
            json.WriteString("language"u8, name);
        }
        else
        {
            json.WriteString("language"u8, LanguageCodeNames.ToName(command.Language));
        }
    }

    private sealed class Scratch
    {
        private const int ShrinkAbove = 64 * 1024;

        public Scratch()
        {
            Buffer = new ArrayBufferWriter<byte>(512);
            Writer = new Utf8JsonWriter(Buffer, WriterOptions);
        }

        public ArrayBufferWriter<byte> Buffer { get; private set; }

        public Utf8JsonWriter Writer { get; }

        public void Reset()
        {
            // A rare huge header should not pin its buffer to the thread for ever.
            if (Buffer.Capacity > ShrinkAbove)
            {
                Buffer = new ArrayBufferWriter<byte>(512);
            }
            else
            {
                Buffer.ResetWrittenCount();
            }

            Writer.Reset(Buffer);
        }
    }
}
