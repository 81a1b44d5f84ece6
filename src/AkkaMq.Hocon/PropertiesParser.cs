using System.Globalization;
using System.Text;

namespace AkkaMq.Hocon;

/// <summary>
/// Reads Java .properties text into an object: keys split at '.' into paths, every value is a
/// string, and where a key is both a value and a parent of other keys the object wins.
/// </summary>
internal static class PropertiesParser
{
    public static HObject Parse(string text, string originName)
    {
        var root = new HObject(new ConfigOrigin(originName, 1, 1));
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimStart();
            if (line.Length == 0 || line[0] == '#' || line[0] == '!')
            {
                continue;
            }

            while (EndsWithContinuation(line) && i + 1 < lines.Length)
            {
                line = line[..^1] + lines[++i].TrimStart();
            }

            var (key, value) = SplitLine(line);
            var origin = new ConfigOrigin(originName, lineNumber, 1);
            Put(root, key.Split('.'), HScalar.Str(origin, value));
        }

        return root;
    }

    private static bool EndsWithContinuation(string line)
    {
        var count = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    private static (string Key, string Value) SplitLine(string line)
    {
        var end = 0;
        while (end < line.Length && !IsKeyEnd(line[end]))
        {
            end += line[end] == '\\' ? 2 : 1;
        }

        end = Math.Min(end, line.Length);
        var rest = end;
        while (rest < line.Length && line[rest] is ' ' or '\t' or '\f')
        {
            rest++;
        }

        if (rest < line.Length && line[rest] is '=' or ':')
        {
            rest++;
        }

        while (rest < line.Length && line[rest] is ' ' or '\t' or '\f')
        {
            rest++;
        }

        return (Unescape(line[..end]), Unescape(line[rest..]));
    }

    private static bool IsKeyEnd(char c) => c is '=' or ':' or ' ' or '\t' or '\f';

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                builder.Append(c);
                continue;
            }

            var e = text[++i];
            if (e == 'u' && i + 4 < text.Length
                && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 4;
                continue;
            }

            builder.Append(e switch { 't' => '\t', 'n' => '\n', 'r' => '\r', 'f' => '\f', _ => e });
        }

        return builder.ToString();
    }

    private static void Put(HObject root, string[] path, HScalar value)
    {
        var obj = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (obj.Get(path[i]) is not HObject child)
            {
                child = new HObject(value.Origin);
                obj.Set(path[i], child);
            }

            obj = child;
        }

        if (obj.Get(path[^1]) is not HObject)
        {
            obj.Set(path[^1], value);
        }
    }
}
