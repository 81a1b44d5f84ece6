using System.Globalization;
using System.Text;

namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// Java properties text, the body of GET/UPDATE_BROKER_CONFIG (26/25) and GET/UPDATE_NAMESRV_CONFIG
/// (319/318). RocketMQ writes it as <c>key=value\n</c> per entry with no escaping
/// (MixAll.properties2String) and reads it with java.util.Properties, whose syntax
/// <see cref="TryParse"/> follows: comment lines (<c>#</c>, <c>!</c>), a key ended by <c>=</c>,
/// <c>:</c> or white space, backslash escapes and line continuations. The text is UTF-8.
/// </summary>
public static class PropertiesText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One <c>key=value\n</c> line per entry, in order.</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (var (key, value) in entries)
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Reads entries in the order they appear (a repeated key keeps its last value, as
    /// java.util.Properties does). False with <paramref name="error"/> when the body is not
    /// UTF-8 or holds a malformed <c>\uXXXX</c> escape.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out List<KeyValuePair<string, string>> entries, out string? error)
    {
        entries = [];
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            error = "the properties text is not valid UTF-8";
            return false;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in LogicalLines(text))
        {
            if (!TryParseLine(line, out var key, out var value, out error))
            {
                return false;
            }

            if (index.TryGetValue(key, out int at))
            {
                entries[at] = new(key, value);
            }
            else
            {
                index[key] = entries.Count;
                entries.Add(new(key, value));
            }
        }

        error = null;
        return true;
    }

    /// <summary>Lines with leading white space removed and continuations joined; blank and comment lines skipped.</summary>
    private static IEnumerable<string> LogicalLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart(' ', '\t', '\f');
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            while (EndsWithContinuation(line) && i + 1 < lines.Length)
            {
                line = line[..^1] + lines[++i].TrimStart(' ', '\t', '\f');
            }

            if (EndsWithContinuation(line))
            {
                line = line[..^1];
            }

            yield return line;
        }
    }

    private static bool EndsWithContinuation(string line)
    {
        int slashes = 0;
        for (int i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            slashes++;
        }

        return slashes % 2 == 1;
    }

    private static bool TryParseLine(string line, out string key, out string value, out string? error)
    {
        int end = 0;
        while (end < line.Length && line[end] is not ('=' or ':' or ' ' or '\t' or '\f'))
        {
            end += line[end] == '\\' ? 2 : 1;
        }

        end = Math.Min(end, line.Length);
        int start = end;
        while (start < line.Length && line[start] is ' ' or '\t' or '\f')
        {
            start++;
        }

        if (start < line.Length && line[start] is '=' or ':')
        {
            start++;
            while (start < line.Length && line[start] is ' ' or '\t' or '\f')
            {
                start++;
            }
        }

        value = string.Empty;
        return TryUnescape(line[..end], out key, out error) && TryUnescape(line[start..], out value, out error);
    }

    private static bool TryUnescape(string text, out string result, out string? error)
    {
        error = null;
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            result = text;
            return true;
        }

        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 == text.Length)
            {
                sb.Append(c);
                continue;
            }

            c = text[++i];
            if (c == 'u')
            {
                ushort code = 0;
                if (text.Length - i - 1 < 4
                    || !ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                {
                    result = string.Empty;
                    error = "malformed \\uXXXX escape in the properties text";
                    return false;
                }

                sb.Append((char)code);
                i += 4;
                continue;
            }

            sb.Append(c switch { 't' => '\t', 'n' => '\n', 'r' => '\r', 'f' => '\f', _ => c });
        }

        result = sb.ToString();
        return true;
    }
}
