namespace AkkaMq.Hocon;

/// <summary>Keys and include statements.</summary>
internal sealed partial class Parser
{
    private static readonly string[] ResourceKinds = ["file", "classpath", "url"];

    private List<string> ParseKey()
    {
        var first = Peek;
        var tokens = new List<Token>();
        while (Peek.IsValue || Peek.Kind is TokenKind.Whitespace or TokenKind.Substitution)
        {
            tokens.Add(Next());
        }

        while (tokens.Count > 0 && tokens[^1].Kind == TokenKind.Whitespace)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        if (tokens.Count == 0 && first.Kind == TokenKind.CloseCurly)
        {
            throw Error(first, "unbalanced '}' with no matching '{' (quote it to use it in a key or value)");
        }

        if (tokens.Count == 0)
        {
            throw Error(first, $"expected a key, got {first.Describe()}");
        }

        return KeyPath.Parse(tokens, first.Origin);
    }

    private void ParseInclude(HObject obj, IReadOnlyList<string> path)
    {
        SkipWhitespaceAndNewlines();
        var start = Peek;
        var (name, required, kind) = ParseIncludeTarget();
        var included = _includer.Include(start.Origin, name, required, kind, [.. _prefix, .. path]);
        if (included is null)
        {
            return;
        }

        foreach (var key in included.Keys)
        {
            obj.MergeField(key, included.Get(key)!);
        }
    }

    /// <summary>
    /// The target of an include: <c>"name"</c>, <c>file("name")</c>, <c>classpath("name")</c>,
    /// <c>url("name")</c>, or <c>required(</c> one of those <c>)</c>. Whitespace and newlines may
    /// stand between every part (HOCON spec, include syntax); only the '(' must follow its word
    /// directly, as in the reference implementation.
    /// </summary>
    private (string Name, bool Required, string Kind) ParseIncludeTarget()
    {
        if (!TakeWord("required("))
        {
            var resource = ParseIncludeResource();
            return (resource.Name, false, resource.Kind);
        }

        var inner = ParseIncludeResource();
        ExpectCloseParen("required(");
        return (inner.Name, true, inner.Kind);
    }

    private (string Name, string Kind) ParseIncludeResource()
    {
        SkipWhitespaceAndNewlines();
        var t = Peek;
        if (t.Kind == TokenKind.QuotedString)
        {
            Next();
            return (t.Text, "heuristic");
        }

        var kind = TakeResourceKind() ?? throw NotAnIncludeTarget(t);
        SkipWhitespaceAndNewlines();
        var quoted = Next();
        if (quoted.Kind != TokenKind.QuotedString)
        {
            throw Error(quoted, $"expected a quoted file name inside {kind}(...), got {quoted.Describe()}");
        }

        ExpectCloseParen(kind + "(");
        return (quoted.Text, kind);
    }

    private ConfigException NotAnIncludeTarget(Token t)
    {
        var spaced = t.Kind == TokenKind.Unquoted && (t.Text == "required" || ResourceKinds.Contains(t.Text))
            ? $" ('(' must follow {t.Text} directly)"
            : "";
        return Error(t, $"include must be followed by a quoted file name, file(\"...\"), classpath(\"...\"), url(\"...\") or required(...), got {t.Describe()}{spaced}");
    }

    private string? TakeResourceKind()
    {
        foreach (var kind in ResourceKinds)
        {
            if (TakeWord(kind + "("))
            {
                return kind;
            }
        }

        return null;
    }

    private void ExpectCloseParen(string opened)
    {
        SkipWhitespaceAndNewlines();
        var close = Peek;
        if (!TakeWord(")"))
        {
            throw Error(close, $"expected ')' to close {opened}...), got {close.Describe()}");
        }
    }

    /// <summary>
    /// Consumes <paramref name="word"/> at the start of the next unquoted token, leaving the rest
    /// of that token to be read next: the tokenizer runs words such as "required(file(" and "))"
    /// together, since parentheses are ordinary characters in unquoted text.
    /// </summary>
    private bool TakeWord(string word)
    {
        var t = Peek;
        if (t.Kind != TokenKind.Unquoted || !t.Text.StartsWith(word, StringComparison.Ordinal))
        {
            return false;
        }

        if (t.Text.Length == word.Length)
        {
            _index++;
        }
        else
        {
            var rest = t.Origin with { Column = t.Origin.Column + word.Length };
            _tokens[_index] = new Token(TokenKind.Unquoted, t.Text[word.Length..], rest);
        }

        return true;
    }
}
