using System.Text;

namespace AkkaMq.Hocon;

/// <summary>
/// Turns the tokens of a key or of a substitution into path segments: unquoted text splits at
/// '.', quoted text never does, and whitespace between tokens is part of the key.
/// </summary>
internal static class KeyPath
{
    public static List<string> Parse(IReadOnlyList<Token> tokens, ConfigOrigin origin)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.QuotedString)
            {
                current.Append(token.Text);
                hasContent = true;
                continue;
            }

            if (token.Kind == TokenKind.Substitution)
            {
                throw new ConfigException(token.Origin, null, "substitutions are not allowed in keys");
            }

            foreach (var c in token.Text)
            {
                if (c == '.' && token.Kind != TokenKind.Whitespace)
                {
                    Finish(segments, current, ref hasContent, token, Render(tokens));
                }
                else
                {
                    current.Append(c);
                    hasContent = true;
                }
            }
        }

        if (!hasContent)
        {
            throw new ConfigException(origin, null, $"invalid path '{Render(tokens)}': it ends with '.' or is empty");
        }

        segments.Add(current.ToString());
        return segments;
    }

    private static void Finish(List<string> segments, StringBuilder current, ref bool hasContent, Token at, string whole)
    {
        if (!hasContent)
        {
            throw new ConfigException(at.Origin, null, $"invalid path '{whole}': a path segment is empty (quote it as \"\" if you mean an empty key)");
        }

        segments.Add(current.ToString());
        current.Clear();
        hasContent = false;
    }

    private static string Render(IReadOnlyList<Token> tokens)
    {
        var builder = new StringBuilder();
        foreach (var token in tokens)
        {
            builder.Append(token.Kind == TokenKind.QuotedString ? "\"" + token.Text + "\"" : token.Text);
        }

        return builder.ToString();
    }
}
