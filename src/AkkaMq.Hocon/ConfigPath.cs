using System.Text;

namespace AkkaMq.Hocon;

/// <summary>Path expressions as the API takes them ("a.b.\"c.d\""): splitting and rendering.</summary>
internal static class ConfigPath
{
    public static IReadOnlyList<string> Parse(string path)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '"')
            {
                var end = path.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new ConfigException(null, path, "unterminated quote in path expression");
                }

                current.Append(path, i + 1, end - i - 1);
                hasContent = true;
                i = end;
            }
            else if (c == '.')
            {
                Finish(path, segments, current, ref hasContent);
            }
            else
            {
                current.Append(c);
                hasContent = true;
            }
        }

        Finish(path, segments, current, ref hasContent);
        return segments;
    }

    public static string Render(IEnumerable<string> segments)
    {
        var builder = new StringBuilder();
        foreach (var segment in segments)
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(NeedsQuotes(segment) ? "\"" + segment + "\"" : segment);
        }

        return builder.ToString();
    }

    public static string Join(string? prefix, string key) =>
        string.IsNullOrEmpty(prefix) ? Render([key]) : prefix + "." + Render([key]);

    private static bool NeedsQuotes(string segment)
    {
        if (segment.Length == 0)
        {
            return true;
        }

        foreach (var c in segment)
        {
            if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return true;
            }
        }

        return false;
    }

    private static void Finish(string path, List<string> segments, StringBuilder current, ref bool hasContent)
    {
        if (!hasContent)
        {
            throw new ConfigException(null, path, "empty segment in path expression");
        }

        segments.Add(current.ToString());
        current.Clear();
        hasContent = false;
    }
}
