namespace AkkaMq.Hocon;

/// <summary>
/// Builds the value tree of one document from its tokens. Duplicate keys are merged as they are
/// met; substitutions stay in the tree for <see cref="Resolver"/>.
/// </summary>
internal sealed partial class Parser
{
    private readonly List<Token> _tokens;
    private readonly Includer _includer;
    private readonly IReadOnlyList<string> _prefix;
    private int _index;

    private Parser(List<Token> tokens, Includer includer, IReadOnlyList<string> prefix)
    {
        _tokens = tokens;
        _includer = includer;
        _prefix = prefix;
    }

    /// <summary>Parses a whole document; <paramref name="prefix"/> is the key it is included under.</summary>
    public static HValue ParseDocument(string text, string originName, Includer includer, IReadOnlyList<string> prefix)
    {
        var parser = new Parser(Tokenizer.Tokenize(text, originName), includer, prefix);
        return parser.ParseRoot();
    }

    private Token Peek => _tokens[_index];

    private Token Next() => _tokens[_index++];

    private HValue ParseRoot()
    {
        SkipWhitespaceAndNewlines();
        HValue root;
        if (Peek.Kind == TokenKind.OpenCurly)
        {
            root = ParseObjectBody(Next().Origin, braced: true, []);
        }
        else if (Peek.Kind == TokenKind.OpenSquare)
        {
            root = ParseArray([]);
        }
        else
        {
            root = ParseObjectBody(Peek.Origin, braced: false, []);
        }

        SkipWhitespaceAndNewlines();
        if (Peek.Kind != TokenKind.Eof)
        {
            throw Error(Peek, $"expected end of file after the root value, got {Peek.Describe()}");
        }

        return root;
    }

    private HObject ParseObjectBody(ConfigOrigin origin, bool braced, IReadOnlyList<string> path)
    {
        var obj = new HObject(origin);
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var t = Peek;
            if (braced && t.Kind == TokenKind.CloseCurly)
            {
                Next();
                return obj;
            }

            if (!braced && t.Kind == TokenKind.Eof)
            {
                return obj;
            }

            if (t.Kind == TokenKind.Eof)
            {
                throw Error(t, "expected '}' to close the object, got end of file");
            }

            var what = ParseFieldOrInclude(obj, path);
            ExpectFieldEnd(braced, what);
        }
    }

    private string ParseFieldOrInclude(HObject obj, IReadOnlyList<string> path)
    {
        if (Peek.Kind == TokenKind.Unquoted && Peek.Text == "include")
        {
            Next();
            ParseInclude(obj, path);
            return "include";
        }

        var keyToken = Peek;
        var key = ParseKey();
        var keyText = ConfigPath.Render(key);
        var plusEquals = ParseSeparator(keyText);
        var fieldPath = path.Concat(key).ToList();
        var value = ParseValue(fieldPath)
            ?? throw Error(Peek, $"expected a value after key '{keyText}', got {Peek.Describe()}");
        if (plusEquals)
        {
            value = AppendTo(keyToken.Origin, fieldPath, value);
        }

        for (var i = key.Count - 1; i >= 1; i--)
        {
            var wrapper = new HObject(keyToken.Origin);
            wrapper.Set(key[i], value);
            value = wrapper;
        }

        obj.MergeField(key[0], value);
        return $"value of key '{keyText}'";
    }

    /// <summary>Reads ':', '=' or '+=' (true for '+='); before '{' the separator may be left out.</summary>
    private bool ParseSeparator(string keyText)
    {
        SkipWhitespaceAndNewlines();
        var separator = Peek;
        if (separator.Kind == TokenKind.OpenCurly)
        {
            return false;
        }

        if (separator.Kind is not (TokenKind.Colon or TokenKind.Equals or TokenKind.PlusEquals))
        {
            throw Error(separator, $"expected '=' or ':' after key '{keyText}', got {separator.Describe()}");
        }

        Next();
        SkipWhitespaceAndNewlines();
        return separator.Kind == TokenKind.PlusEquals;
    }

    /// <summary><c>a += v</c> means <c>a = ${?a} [v]</c>.</summary>
    private HValue AppendTo(ConfigOrigin origin, List<string> fieldPath, HValue value)
    {
        var self = new HSubstitution(origin, [.. _prefix, .. fieldPath], _prefix.Count, optional: true);
        return new HConcatenation(origin, [self, new HArray(value.Origin, [value])]);
    }

    private void ExpectFieldEnd(bool braced, string what)
    {
        var closer = braced ? TokenKind.CloseCurly : TokenKind.Eof;
        var close = braced ? "'}'" : "end of file";
        ExpectSeparator(closer, $"after {what}", close);
    }

    /// <summary>
    /// After an object field or array element: a comma (possibly on a later line), a newline, or
    /// the closing token. Two commas in a row are an error.
    /// </summary>
    private void ExpectSeparator(TokenKind closer, string after, string close)
    {
        SkipWhitespace();
        var t = Peek;
        var sawNewline = t.Kind == TokenKind.Newline;
        SkipWhitespaceAndNewlines();
        if (Peek.Kind == TokenKind.Comma)
        {
            Next();
            SkipWhitespaceAndNewlines();
            if (Peek.Kind == TokenKind.Comma)
            {
                throw Error(Peek, $"expected a value or {close} after ',', got another ','");
            }

            return;
        }

        if (!sawNewline && Peek.Kind != closer)
        {
            var unbalanced = t.Kind is TokenKind.CloseCurly or TokenKind.CloseSquare
                ? $" (unbalanced '{t.Text}': nothing open to close)"
                : "";
            throw Error(t, $"expected ',', newline or {close} {after}, got {t.Describe()}{unbalanced}");
        }
    }

    private HArray ParseArray(IReadOnlyList<string> path)
    {
        var open = Next();
        var items = new List<HValue>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            if (Peek.Kind == TokenKind.CloseSquare)
            {
                Next();
                return new HArray(open.Origin, items);
            }

            var value = ParseValue(path)
                ?? throw Error(Peek, $"expected an array element or ']', got {Peek.Describe()}");
            items.Add(value);
            ExpectSeparator(TokenKind.CloseSquare, "after an array element", "']'");
        }
    }

    /// <summary>Reads one value, which may be several pieces concatenated on one line. Null if there is none.</summary>
    private HValue? ParseValue(IReadOnlyList<string> path)
    {
        var pieces = new List<HValue>();
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Whitespace)
            {
                Next();
                if (pieces.Count > 0)
                {
                    pieces.Add(new HScalar(t.Origin, ScalarKind.String, t.Text, ignorableWhitespace: true));
                }

                continue;
            }

            var piece = ParsePiece(t, path);
            if (piece is null)
            {
                break;
            }

            pieces.Add(piece);
        }

        while (pieces.Count > 0 && pieces[^1] is HScalar { IgnorableWhitespace: true })
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        return pieces.Count switch
        {
            0 => null,
            1 => pieces[0],
            _ => Concatenate(pieces, path),
        };
    }

    private HValue? ParsePiece(Token t, IReadOnlyList<string> path)
    {
        switch (t.Kind)
        {
            case TokenKind.OpenCurly:
                return ParseObjectBody(Next().Origin, braced: true, path);
            case TokenKind.OpenSquare:
                return ParseArray(path);
            case TokenKind.Substitution:
                Next();
                return ParseSubstitution(t);
            case TokenKind.QuotedString or TokenKind.Unquoted:
                Next();
                return HScalar.Str(t.Origin, t.Text);
            case TokenKind.Number:
                Next();
                return new HScalar(t.Origin, ScalarKind.Number, t.Text);
            case TokenKind.True or TokenKind.False:
                Next();
                return new HScalar(t.Origin, ScalarKind.Boolean, t.Text);
            case TokenKind.Null:
                Next();
                return new HScalar(t.Origin, ScalarKind.Null, t.Text);
            default:
                return null;
        }
    }

    private HValue Concatenate(List<HValue> pieces, IReadOnlyList<string> path)
    {
        foreach (var piece in pieces)
        {
            if (piece.NeedsResolve)
            {
                return new HConcatenation(pieces[0].Origin, pieces);
            }
        }

        return Merging.Join(pieces, ConfigPath.Render([.. _prefix, .. path]))!;
    }

    private HSubstitution ParseSubstitution(Token t)
    {
        var inner = t.Inner.ToList();
        while (inner.Count > 0 && inner[0].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(0);
        }

        while (inner.Count > 0 && inner[^1].Kind == TokenKind.Whitespace)
        {
            inner.RemoveAt(inner.Count - 1);
        }

        if (inner.Count == 0)
        {
            throw Error(t, "expected a path inside the substitution ${...}");
        }

        var path = KeyPath.Parse(inner, t.Origin);
        return new HSubstitution(t.Origin, [.. _prefix, .. path], _prefix.Count, t.Optional);
    }

    private void SkipWhitespace()
    {
        while (Peek.Kind == TokenKind.Whitespace)
        {
            _index++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek.Kind is TokenKind.Whitespace or TokenKind.Newline)
        {
            _index++;
        }
    }

    private static ConfigException Error(Token at, string message) => new(at.Origin, null, message);
}
