using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// Writes JSON that Java's fastjson and ali-ons' JSON2 parse, including the two forms
/// System.Text.Json cannot write (wire doc 5.1): number map keys (quoted or bare) and objects
/// used as map keys. Starting an object where a property name is expected starts such an
/// object key; its end is followed by ':'. Callers write keys in fastjson's (alphabetical) order.
/// Strings are written as raw UTF-8 with only quotes, backslashes and control characters escaped.
/// </summary>
public sealed class FastJsonWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Stack<Frame> _frames = new();
    private Frame _current = new(IsObject: false, Count: 0, AfterKey: false, IsKey: false);

    public FastJsonWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public override string ToString() => Encoding.UTF8.GetString(_buffer.WrittenSpan);

    public FastJsonWriter StartObject() => Open((byte)'{', isObject: true);

    public FastJsonWriter EndObject() => Close((byte)'}');

    public FastJsonWriter StartArray() => Open((byte)'[', isObject: false);

    public FastJsonWriter EndArray() => Close((byte)']');

    public FastJsonWriter PropertyName(string name)
    {
        BeginKey();
        WriteQuoted(name);
        EndKey();
        return this;
    }

    /// <summary>A numeric map key: <c>"0":</c> when quoted (standard JSON), <c>0:</c> as fastjson writes it.</summary>
    public FastJsonWriter PropertyName(long key, bool quoted)
    {
        BeginKey();
        if (quoted)
        {
            Raw((byte)'"');
        }

        WriteLong(key);
        if (quoted)
        {
            Raw((byte)'"');
        }

        EndKey();
        return this;
    }

    public FastJsonWriter String(string? value)
    {
        BeforeValue();
        if (value is null)
        {
            Raw("null"u8);
        }
        else
        {
            WriteQuoted(value);
        }

        return this;
    }

    public FastJsonWriter Number(long value)
    {
        BeforeValue();
        WriteLong(value);
        return this;
    }

    /// <summary>fastjson style doubles: integral values keep a <c>.0</c> (e.g. <c>0.0</c>).</summary>
    public FastJsonWriter Number(double value)
    {
        BeforeValue();
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        Raw(Encoding.ASCII.GetBytes(text));
        if (double.IsFinite(value) && text.IndexOfAny(['.', 'E', 'e']) < 0)
        {
            Raw(".0"u8);
        }

        return this;
    }

    public FastJsonWriter Boolean(bool value)
    {
        BeforeValue();
        Raw(value ? "true"u8 : "false"u8);
        return this;
    }

    /// <summary>Shorthand: <c>"name":"value"</c>, skipped when value is null (fastjson omits nulls).</summary>
    public FastJsonWriter Property(string name, string? value) => value is null ? this : PropertyName(name).String(value);

    public FastJsonWriter Property(string name, long value) => PropertyName(name).Number(value);

    public FastJsonWriter Property(string name, bool value) => PropertyName(name).Boolean(value);

    private FastJsonWriter Open(byte open, bool isObject)
    {
        bool isKey = _current.IsObject && !_current.AfterKey;
        if (isKey)
        {
            BeginKey();
        }
        else
        {
            BeforeValue();
        }

        _frames.Push(_current);
        _current = new Frame(isObject, 0, AfterKey: false, IsKey: isKey);
        Raw(open);
        return this;
    }

    private FastJsonWriter Close(byte close)
    {
        Raw(close);
        bool wasKey = _current.IsKey;
        _current = _frames.Pop();
        if (wasKey)
        {
            EndKey();
        }

        return this;
    }

    private void BeginKey()
    {
        if (_current.Count > 0)
        {
            Raw((byte)',');
        }

        _current = _current with { Count = _current.Count + 1 };
    }

    private void EndKey()
    {
        Raw((byte)':');
        _current = _current with { AfterKey = true };
    }

    private void BeforeValue()
    {
        if (_current.IsObject)
        {
            _current = _current with { AfterKey = false };
            return;
        }

        if (_current.Count > 0)
        {
            Raw((byte)',');
        }

        _current = _current with { Count = _current.Count + 1 };
    }

    private void WriteLong(long value)
    {
        var span = _buffer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        _buffer.Advance(written);
    }

    private void WriteQuoted(string value)
    {
        Raw((byte)'"');
        foreach (var rune in value.EnumerateRunes())
        {
            int c = rune.Value;
            if (c == '"' || c == '\\')
            {
                Raw((byte)'\\');
                Raw((byte)c);
            }
            else if (c < 0x20)
            {
                Raw(Encoding.ASCII.GetBytes("\\u" + c.ToString("x4", CultureInfo.InvariantCulture)));
            }
            else
            {
                var span = _buffer.GetSpan(4);
                _buffer.Advance(rune.EncodeToUtf8(span));
            }
        }

        Raw((byte)'"');
    }

    private void Raw(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private readonly record struct Frame(bool IsObject, int Count, bool AfterKey, bool IsKey);
}
