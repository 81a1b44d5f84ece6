namespace AkkaMq.Hocon;

internal enum TokenKind
{
    Eof,
    Newline,
    Whitespace,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    OpenCurly,
    CloseCurly,
    OpenSquare,
    CloseSquare,
    QuotedString,
    Unquoted,
    Number,
    True,
    False,
    Null,
    Substitution,
}

/// <summary>
/// One lexical token. <see cref="Text"/> is the string value for quoted strings and the
/// source text otherwise; a substitution carries the tokens of its path in <see cref="Inner"/>.
/// </summary>
internal sealed class Token
{
    public Token(TokenKind kind, string text, ConfigOrigin origin)
    {
        Kind = kind;
        Text = text;
        Origin = origin;
    }

    public TokenKind Kind { get; }

    public string Text { get; }

    public ConfigOrigin Origin { get; }

    public IReadOnlyList<Token> Inner { get; init; } = [];

    public bool Optional { get; init; }

    public bool IsValue => Kind is TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number
        or TokenKind.True or TokenKind.False or TokenKind.Null;

    public string Describe() => Kind switch
    {
        TokenKind.Eof => "end of file",
        TokenKind.Newline => "newline",
        TokenKind.Whitespace => "whitespace",
        TokenKind.QuotedString => $"quoted string \"{Text}\"",
        TokenKind.Substitution => "substitution",
        _ => $"'{Text}'",
    };
}
