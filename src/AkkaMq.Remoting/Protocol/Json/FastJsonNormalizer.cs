using System.Buffers;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// Rewrites fastjson's relaxed JSON (wire doc 5.1) into standard JSON so System.Text.Json can
/// read it: unquoted map keys (<c>{0:"addr"}</c>, <c>{topic@group:1}</c>) are quoted,
/// single-quoted strings become double-quoted, and object or array keys
/// (<c>{{"brokerName":"b","queueId":0,"topic":"T"}:{…}}</c>) become string keys holding
/// their normalized JSON text. Everything else is copied; JsonDocument validates the result.
/// </summary>
internal ref struct FastJsonNormalizer
{
    private const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _input;
    private readonly ArrayBufferWriter<byte> _output;
    private int _position;
    private int _depth;

    private FastJsonNormalizer(ReadOnlySpan<byte> input, ArrayBufferWriter<byte> output)
    {
        _input = input;
        _output = output;
        _position = 0;
        _depth = 0;
    }

    /// <summary>Returns standard JSON for <paramref name="input"/>; throws <see cref="JsonException"/> when it is not JSON-like.</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> input)
    {
        var output = new ArrayBufferWriter<byte>(input.Length + 16);
        var normalizer = new FastJsonNormalizer(input, output);
        normalizer.Value();
        normalizer.SkipWhitespace();
        if (normalizer._position != input.Length)
        {
            Fail("unexpected data after the JSON value", normalizer._position);
        }

        return output.WrittenSpan.ToArray();
    }

    private void Value()
    {
        SkipWhitespace();
        if (_position >= _input.Length)
        {
            Fail("unexpected end of JSON", _position);
        }

        switch (_input[_position])
        {
            case (byte)'{':
                Container((byte)'{', (byte)'}', isObject: true);
                break;
            case (byte)'[':
                Container((byte)'[', (byte)']', isObject: false);
                break;
            case (byte)'"':
            case (byte)'\'':
                QuotedString();
                break;
            default:
                Emit(Bare());
                break;
        }
    }

    private void Container(byte open, byte close, bool isObject)
    {
        if (++_depth > MaxDepth)
        {
            Fail("JSON nested too deeply", _position);
        }

        _position++;
        Emit(open);
        SkipWhitespace();
        bool first = true;
        while (Peek() != close)
        {
            if (!first)
            {
                if (Peek() != (byte)',')
                {
                    Fail("expected ','", _position);
                }

                _position++;
                SkipWhitespace();
                if (Peek() == close)
                {
                    break; // trailing comma, as fastjson allows: dropped
                }

                Emit((byte)',');
            }

            first = false;
            if (isObject)
            {
                Key();
                SkipWhitespace();
                Expect((byte)':');
            }

            Value();
            SkipWhitespace();
        }

        _position++;
        Emit(close);
        _depth--;
    }

    private void Key()
    {
        SkipWhitespace();
        byte c = Peek();
        if (c is (byte)'"' or (byte)'\'')
        {
            QuotedString();
        }
        else if (c is (byte)'{' or (byte)'[')
        {
            ObjectKey();
        }
        else
        {
            EmitQuoted(Bare());
        }
    }

    /// <summary>An object or array used as a map key: normalize it on its own, then emit it as a string.</summary>
    private void ObjectKey()
    {
        var inner = new ArrayBufferWriter<byte>();
        var nested = new FastJsonNormalizer(_input[_position..], inner) { _depth = _depth };
        nested.Value();
        _position += nested._position;
        EmitQuoted(inner.WrittenSpan);
    }

    private void QuotedString()
    {
        byte quote = _input[_position];
        int start = ++_position;
        while (_position < _input.Length && _input[_position] != quote)
        {
            _position += _input[_position] == (byte)'\\' ? 2 : 1;
        }

        if (_position >= _input.Length)
        {
            Fail("unterminated string", start - 1);
        }

        var content = _input[start.._position];
        _position++;
        if (quote == (byte)'"')
        {
            Emit((byte)'"');
            Emit(content);
            Emit((byte)'"');
        }
        else
        {
            EmitSingleQuotedContent(content);
        }
    }

    /// <summary>An unquoted token: number, true/false/null, or a bare key.</summary>
    private ReadOnlySpan<byte> Bare()
    {
        int start = _position;
        while (_position < _input.Length && !IsDelimiter(_input[_position]))
        {
            _position++;
        }

        if (_position == start)
        {
            Fail("unexpected character", _position);
        }

        return _input[start.._position];
    }

    private static bool IsDelimiter(byte c) =>
        c is (byte)',' or (byte)':' or (byte)'}' or (byte)']' or (byte)'{' or (byte)'[' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>Emits raw text as a JSON string, escaping quotes and backslashes (object keys, bare keys).</summary>
    private void EmitQuoted(ReadOnlySpan<byte> text)
    {
        Emit((byte)'"');
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is (byte)'"' or (byte)'\\')
            {
                Emit((byte)'\\');
            }

            Emit(text[i]);
        }

        Emit((byte)'"');
    }

    /// <summary>Re-quotes the inside of a single-quoted string: " gets escaped, \' loses its escape.</summary>
    private void EmitSingleQuotedContent(ReadOnlySpan<byte> content)
    {
        Emit((byte)'"');
        for (int i = 0; i < content.Length; i++)
        {
            byte c = content[i];
            if (c == (byte)'\\' && i + 1 < content.Length)
            {
                if (content[i + 1] != (byte)'\'')
                {
                    Emit(c);
                }

                Emit(content[++i]);
                continue;
            }

            if (c == (byte)'"')
            {
                Emit((byte)'\\');
            }

            Emit(c);
        }

        Emit((byte)'"');
    }

    private void SkipWhitespace()
    {
        while (_position < _input.Length && _input[_position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _position++;
        }
    }

    private byte Peek()
    {
        if (_position >= _input.Length)
        {
            Fail("unexpected end of JSON", _position);
        }

        return _input[_position];
    }

    private void Expect(byte c)
    {
        if (Peek() != c)
        {
            Fail("expected '" + (char)c + "'", _position);
        }

        _position++;
        Emit(c);
    }

    private void Emit(byte c)
    {
        _output.GetSpan(1)[0] = c;
        _output.Advance(1);
    }

    private void Emit(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string message, int position) =>
        throw new JsonException(message + " at byte " + position.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
