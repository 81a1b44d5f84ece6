namespace AkkaMq.Broker.Filtering;

internal enum SqlToken
{
    End,
    Identifier,
    Whole,
    Real,
    Text,
    Not,
    And,
    Or,
    Between,
    In,
    True,
    False,
    Null,
    Is,
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Open,
    Close,
    Comma,
    Plus,
    Minus,
}

/// <summary>
/// The selector's tokens, as RocketMQ's grammar defines them: case-insensitive keywords,
/// identifiers <c>[A-Za-z_$][A-Za-z0-9_$]*</c>, integers (<c>0</c> or no leading zero, optional
/// <c>L</c>), decimals with optional exponent, single-quoted strings with <c>''</c> for a quote,
/// <c>--</c> line and <c>/* */</c> block comments.
/// </summary>
internal sealed class SqlLexer(string source)
{
    private readonly string _source = source;
    private int _position;

    public SqlToken Kind { get; private set; }

    /// <summary>Zero-based offset of the current token.</summary>
    public int Start { get; private set; }

    /// <summary>The current token as written (string literals: decoded).</summary>
    public string Image { get; private set; } = string.Empty;

    public void Next()
    {
        SkipBlanksAndComments();
        Start = _position;
        if (_position >= _source.Length)
        {
            Kind = SqlToken.End;
            Image = "<EOF>";
            return;
        }

        char c = _source[_position];
        if (char.IsAsciiLetter(c) || c is '_' or '$')
        {
            ReadWord();
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && _position + 1 < _source.Length && char.IsAsciiDigit(_source[_position + 1])))
        {
            ReadNumber();
        }
        else if (c == '\'')
        {
            ReadString();
        }
        else
        {
            ReadSymbol(c);
        }
    }

    private void SkipBlanksAndComments()
    {
        while (_position < _source.Length)
        {
            char c = _source[_position];
            if (c is ' ' or '\t' or '\n' or '\r' or '\f')
            {
                _position++;
            }
            else if (c == '-' && Peek(1) == '-')
            {
                int end = _source.IndexOfAny(['\n', '\r'], _position);
                _position = end < 0 ? _source.Length : end;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                int end = _source.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw SqlParseException.At(_source, _position, "Unterminated comment");
                }

                _position = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private void ReadWord()
    {
        int start = _position;
        while (_position < _source.Length && (char.IsAsciiLetterOrDigit(_source[_position]) || _source[_position] is '_' or '$'))
        {
            _position++;
        }

        Image = _source[start.._position];
        Kind = Image.ToUpperInvariant() switch
        {
            "NOT" => SqlToken.Not,
            "AND" => SqlToken.And,
            "OR" => SqlToken.Or,
            "BETWEEN" => SqlToken.Between,
            "IN" => SqlToken.In,
            "TRUE" => SqlToken.True,
            "FALSE" => SqlToken.False,
            "NULL" => SqlToken.Null,
            "IS" => SqlToken.Is,
            _ => SqlToken.Identifier,
        };
    }

    private void ReadNumber()
    {
        int start = _position;
        int digits = SkipDigits();
        bool real = false;
        if (Peek(0) == '.')
        {
            real = true;
            _position++;
            SkipDigits();
        }

        if (Peek(0) is 'e' or 'E')
        {
            int mark = _position;
            _position++;
            if (Peek(0) is '+' or '-')
            {
                _position++;
            }

            if (SkipDigits() > 0)
            {
                real = true;
            }
            else
            {
                _position = mark;
            }
        }

        if (!real)
        {
            // "0" stands alone: "007" is the token "0" followed by "07", as in RocketMQ's grammar.
            if (_source[start] == '0' && digits > 1)
            {
                _position = start + 1;
            }

            if (Peek(0) is 'l' or 'L')
            {
                _position++;
            }
        }

        Kind = real ? SqlToken.Real : SqlToken.Whole;
        Image = _source[start.._position];
    }

    private void ReadString()
    {
        var text = new System.Text.StringBuilder();
        int start = _position++;
        while (true)
        {
            if (_position >= _source.Length)
            {
                throw SqlParseException.At(_source, start, "Unterminated string literal");
            }

            char c = _source[_position++];
            if (c == '\'')
            {
                if (Peek(0) != '\'')
                {
                    break;
                }

                _position++;
            }

            text.Append(c);
        }

        Kind = SqlToken.Text;
        Image = text.ToString();
    }

    private void ReadSymbol(char c)
    {
        char n = Peek(1);
        (Kind, int length) = c switch
        {
            '=' => (SqlToken.Equal, 1),
            '<' when n == '>' => (SqlToken.NotEqual, 2),
            '<' when n == '=' => (SqlToken.LessOrEqual, 2),
            '<' => (SqlToken.Less, 1),
            '>' when n == '=' => (SqlToken.GreaterOrEqual, 2),
            '>' => (SqlToken.Greater, 1),
            '(' => (SqlToken.Open, 1),
            ')' => (SqlToken.Close, 1),
            ',' => (SqlToken.Comma, 1),
            '+' => (SqlToken.Plus, 1),
            '-' => (SqlToken.Minus, 1),
            _ => throw SqlParseException.At(_source, _position, "Lexical error: unexpected character '" + c + "'"),
        };
        Image = _source.Substring(_position, length);
        _position += length;
    }

    private int SkipDigits()
    {
        int start = _position;
        while (_position < _source.Length && char.IsAsciiDigit(_source[_position]))
        {
            _position++;
        }

        return _position - start;
    }

    private char Peek(int ahead) => _position + ahead < _source.Length ? _source[_position + ahead] : '\0';
}
