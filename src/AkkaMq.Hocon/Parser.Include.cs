namespace AkkaMq.Hocon;

/// <summary>Keys and include statements.</summary>
internal sealed partial class Parser
{
    private static readonly string[] IncludeWrappers = ["required(", "file(", "classpath(", "url("];

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

    private (string Name, bool Required, string Kind) ParseIncludeTarget()
    {
        var t = Next();
        if (t.Kind == TokenKind.QuotedString)
        {
            return (t.Text, false, "heuristic");
        }

        var wrapper = t.Kind == TokenKind.Unquoted ? Array.IndexOf(IncludeWrappers, t.Text) : -1;
        if (wrapper < 0)
        {
            throw Error(t, $"include must be followed by a quoted file name or required(\"...\"), got {t.Describe()}");
        }

        SkipWhitespace();
        (string Name, bool Required, string Kind) target;
        if (wrapper == 0)
        {
            var inner = ParseIncludeTarget();
            target = (inner.Name, true, inner.Kind);
        }
        else
        {
            var quoted = Next();
            if (quoted.Kind != TokenKind.QuotedString)
            {
                throw Error(quoted, $"expected a quoted file name inside {t.Text}...), got {quoted.Describe()}");
            }

            target = (quoted.Text, false, t.Text.TrimEnd('('));
        }

        SkipWhitespace();
        var close = Next();
        if (close.Kind != TokenKind.Unquoted || close.Text != ")")
        {
            throw Error(close, $"expected ')' to close {t.Text}...), got {close.Describe()}");
        }

        return target;
    }
}
