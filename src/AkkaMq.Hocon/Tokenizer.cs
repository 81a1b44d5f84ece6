using System.Globalization;
using System.Text;

namespace AkkaMq.Hocon;

/// <summary>Splits HOCON text into tokens. Comments are dropped; the newline that ends them is kept.</summary>
internal sealed class Tokenizer
{
    private const string Reserved = "$\"{}[]:=,+#`^?!@*&\\";
    private const string NumberChars = "0123456789eE+-.";

    private readonly string _text;
    private readonly string _originName;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private Tokenizer(string text, string originName)
    {
        _text = text;
        _originName = originName;
    }

    public static List<Token> Tokenize(string text, string originName)
    {
        var tokenizer = new Tokenizer(text, originName);
        tokenizer.Run();
        return tokenizer._tokens;
    }

    /// <summary>Whitespace as the reference implementation counts it: Java's, plus no-break spaces and the BOM.</summary>
    public static bool IsWhitespace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\r' or '\v' or '\f' => true,
        '\u00A0' or '\u2007' or '\u202F' or '\uFEFF' => true,
        >= '\u001C' and <= '\u001F' => true,
        _ => c > 127 && char.IsWhiteSpace(c),
    };

    private ConfigOrigin Here => new(_originName, _line, _pos - _lineStart + 1);

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtEnd => _pos >= _text.Length;

    private void Run()
    {
        while (!AtEnd)
        {
            var token = Next(inSubstitution: false);
            if (token is not null)
            {
                _tokens.Add(token);
            }
        }

        _tokens.Add(new Token(TokenKind.Eof, "", Here));
    }

    private Token? Next(bool inSubstitution)
    {
        var origin = Here;
        var c = Peek();
        if (c == '\n' || IsWhitespace(c))
        {
            return c == '\n' ? ReadNewline(origin) : ReadWhitespace(origin);
        }

        if (c == '#' || (c == '/' && Peek(1) == '/'))
        {
            if (inSubstitution)
            {
                throw Error(origin, "comments are not allowed inside a substitution ${...}");
            }

            SkipComment();
            return null;
        }

        if (c == '"')
        {
            return Peek(1) == '"' && Peek(2) == '"' ? ReadTripleQuoted(origin) : ReadQuoted(origin);
        }

        if (inSubstitution)
        {
            return ReadUnquoted(origin, inSubstitution);
        }

        var punctuation = ReadPunctuation(origin, c);
        return punctuation ?? (c == '-' || char.IsAsciiDigit(c) ? ReadNumber(origin) : ReadUnquoted(origin, false));
    }

    private Token ReadNewline(ConfigOrigin origin)
    {
        _pos++;
        _line++;
        _lineStart = _pos;
        return new Token(TokenKind.Newline, "\n", origin);
    }

    private Token ReadWhitespace(ConfigOrigin origin)
    {
        var start = _pos;
        while (!AtEnd && Peek() != '\n' && IsWhitespace(Peek()))
        {
            _pos++;
        }

        return new Token(TokenKind.Whitespace, _text[start.._pos], origin);
    }

    private void SkipComment()
    {
        while (!AtEnd && Peek() != '\n')
        {
            _pos++;
        }
    }

    private Token? ReadPunctuation(ConfigOrigin origin, char c)
    {
        var kind = c switch
        {
            ',' => TokenKind.Comma,
            ':' => TokenKind.Colon,
            '=' => TokenKind.Equals,
            '{' => TokenKind.OpenCurly,
            '}' => TokenKind.CloseCurly,
            '[' => TokenKind.OpenSquare,
            ']' => TokenKind.CloseSquare,
            _ => TokenKind.Eof,
        };
        if (kind != TokenKind.Eof)
        {
            _pos++;
            return new Token(kind, c.ToString(), origin);
        }

        if (c == '+')
        {
            if (Peek(1) != '=')
            {
                throw Error(origin, "reserved character '+' is not allowed outside quotes (did you mean '+='?)");
            }

            _pos += 2;
            return new Token(TokenKind.PlusEquals, "+=", origin);
        }

        return c == '$' ? ReadSubstitution(origin) : null;
    }

    private Token ReadNumber(ConfigOrigin origin)
    {
        var start = _pos;
        while (!AtEnd && NumberChars.Contains(Peek()))
        {
            _pos++;
        }

        var text = _text[start.._pos];
        if (IsNumber(text))
        {
            return new Token(TokenKind.Number, text, origin);
        }

        if (text.Contains('+'))
        {
            throw Error(origin, $"invalid number '{text}' (reserved character '+' outside quotes)");
        }

        return new Token(TokenKind.Unquoted, text, origin);
    }

    internal static bool IsNumber(string text)
    {
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private Token ReadUnquoted(ConfigOrigin origin, bool inSubstitution)
    {
        var start = _pos;
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '\n' || IsWhitespace(c) || Reserved.Contains(c) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            _pos++;
        }

        if (_pos == start)
        {
            var what = inSubstitution ? "expected '}' to close the substitution, got" : "reserved character";
            throw Error(origin, $"{what} '{Peek()}' (quote it to use it in a string)");
        }

        var text = _text[start.._pos];
        var kind = text switch
        {
            "true" => TokenKind.True,
            "false" => TokenKind.False,
            "null" => TokenKind.Null,
            _ => TokenKind.Unquoted,
        };
        return new Token(inSubstitution ? TokenKind.Unquoted : kind, text, origin);
    }

    private Token ReadSubstitution(ConfigOrigin origin)
    {
        if (Peek(1) != '{')
        {
            throw Error(origin, "'$' must start a substitution '${' (quote it to use it in a string)");
        }

        _pos += 2;
        var optional = Peek() == '?';
        if (optional)
        {
            _pos++;
        }

        var inner = new List<Token>();
        while (true)
        {
            if (AtEnd || Peek() == '\n')
            {
                throw Error(Here, "unclosed substitution: expected '}'");
            }

            if (Peek() == '}')
            {
                _pos++;
                break;
            }

            var token = Next(inSubstitution: true);
            if (token is not null)
            {
                inner.Add(token);
            }
        }

        return new Token(TokenKind.Substitution, "${", origin) { Inner = inner, Optional = optional };
    }

    private Token ReadQuoted(ConfigOrigin origin)
    {
        _pos++;
        var builder = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw Error(origin, "unterminated quoted string: expected '\"'");
            }

            var at = Here;
            var c = _text[_pos++];
            if (c == '"')
            {
                return new Token(TokenKind.QuotedString, builder.ToString(), origin);
            }

            if (c == '\\')
            {
                builder.Append(ReadEscape(at));
            }
            else if (c < ' ')
            {
                throw Error(at, $"unescaped control character U+{(int)c:X4} in quoted string (use a backslash escape)");
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    private string ReadEscape(ConfigOrigin at)
    {
        if (AtEnd)
        {
            throw Error(at, "unterminated escape sequence in quoted string");
        }

        var c = _text[_pos++];
        switch (c)
        {
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'u':
                if (_pos + 4 <= _text.Length
                    && int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    _pos += 4;
                    return ((char)code).ToString();
                }

                throw Error(at, "expected four hex digits after '\\u' in quoted string");
            default:
                throw Error(at, $"invalid escape '\\{c}' in quoted string (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
    }

    private Token ReadTripleQuoted(ConfigOrigin origin)
    {
        _pos += 3;
        var start = _pos;
        while (true)
        {
            if (AtEnd)
            {
                throw Error(Here, $"unterminated triple-quoted string (opened at line {origin.Line}): expected '\"\"\"' before end of file");
            }

            if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // Extra quotes before the closing three belong to the string.
                var end = _pos + 3;
                while (end < _text.Length && _text[end] == '"')
                {
                    end++;
                }

                var value = _text[start..(end - 3)];
                _pos = end;
                return new Token(TokenKind.QuotedString, value, origin);
            }

            if (Peek() == '\n')
            {
                _line++;
                _lineStart = _pos + 1;
            }

            _pos++;
        }
    }

    private static ConfigException Error(ConfigOrigin origin, string message) => new(origin, null, message);
}
