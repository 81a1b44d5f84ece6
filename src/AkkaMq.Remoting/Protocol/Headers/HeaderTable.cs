using System.Globalization;

namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>Which wire key a header field travels under.</summary>
public enum HeaderKeyStyle
{
    /// <summary>The Java field name, e.g. <c>producerGroup</c>.</summary>
    Full,

    /// <summary>The one-letter alias of SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE, e.g. <c>a</c>; fields without one use the full name.</summary>
    Short,
}

/// <summary>
/// The one table that maps a header type's properties to its extFields keys. Built once per
/// type from static lambdas, so decoding needs no reflection and no per-message closures.
/// Values are parsed the way Java parses them: decimal numbers, booleans true only for "true".
/// </summary>
public sealed class HeaderTable<T>
    where T : class, new()
{
    private readonly List<HeaderField> _fields = [];

    public int Count => _fields.Count;

    public HeaderTable<T> String(string key, Func<T, string?> get, Action<T, string> set, bool required = false, string? shortKey = null)
    {
        _fields.Add(new HeaderField(key, shortKey ?? key, required, get, (header, text) =>
        {
            set(header, text);
            return true;
        }));
        return this;
    }

    public HeaderTable<T> Int32(string key, Func<T, int?> get, Action<T, int> set, bool required = false, string? shortKey = null)
    {
        _fields.Add(new HeaderField(key, shortKey ?? key, required, header => get(header)?.ToString(CultureInfo.InvariantCulture), (header, text) =>
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                return false;
            }

            set(header, value);
            return true;
        }));
        return this;
    }

    public HeaderTable<T> Int64(string key, Func<T, long?> get, Action<T, long> set, bool required = false, string? shortKey = null)
    {
        _fields.Add(new HeaderField(key, shortKey ?? key, required, header => get(header)?.ToString(CultureInfo.InvariantCulture), (header, text) =>
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return false;
            }

            set(header, value);
            return true;
        }));
        return this;
    }

    public HeaderTable<T> Boolean(string key, Func<T, bool?> get, Action<T, bool> set, bool required = false, string? shortKey = null)
    {
        _fields.Add(new HeaderField(key, shortKey ?? key, required, header => FormatBoolean(get(header)), (header, text) =>
        {
            // Java's Boolean.parseBoolean: anything but "true" (any case) is false.
            set(header, string.Equals(text, "true", StringComparison.OrdinalIgnoreCase));
            return true;
        }));
        return this;
    }

    /// <summary>
    /// Reads a header from extFields. Unknown keys are ignored; a missing or unparsable
    /// required field fails with an error naming it; an unparsable optional field is skipped.
    /// </summary>
    public bool TryDecode(IReadOnlyDictionary<string, string>? extFields, HeaderKeyStyle style, out T header, out string? error)
    {
        header = new T();
        error = null;
        for (int i = 0; i < _fields.Count; i++)
        {
            var field = _fields[i];
            string key = style == HeaderKeyStyle.Short ? field.ShortKey : field.Key;
            if (extFields is null || !extFields.TryGetValue(key, out var text))
            {
                if (field.Required)
                {
                    error = "the custom field <" + Describe(field, key) + "> is null";
                    return false;
                }

                continue;
            }

            if (!field.Parse(header, text) && field.Required)
            {
                error = "the custom field <" + Describe(field, key) + "> has an invalid value '" + text + "'";
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds every non-null property of <paramref name="header"/> to <paramref name="extFields"/>, values as text.</summary>
    public void Encode(T header, OrderedDictionary<string, string> extFields, HeaderKeyStyle style)
    {
        extFields.EnsureCapacity(extFields.Count + _fields.Count);
        for (int i = 0; i < _fields.Count; i++)
        {
            var field = _fields[i];
            string? text = field.Format(header);
            if (text is not null)
            {
                extFields[style == HeaderKeyStyle.Short ? field.ShortKey : field.Key] = text;
            }
        }
    }

    /// <summary>The wire key of a field by its full name, in the given style (null when absent).</summary>
    public string? KeyOf(string fullKey, HeaderKeyStyle style)
    {
        for (int i = 0; i < _fields.Count; i++)
        {
            if (_fields[i].Key == fullKey)
            {
                return style == HeaderKeyStyle.Short ? _fields[i].ShortKey : _fields[i].Key;
            }
        }

        return null;
    }

    private static string Describe(HeaderField field, string key) =>
        key == field.Key ? key : key + "/" + field.Key;

    private static string? FormatBoolean(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => null,
    };

    private sealed record HeaderField(
        string Key,
        string ShortKey,
        bool Required,
        Func<T, string?> Format,
        Func<T, string, bool> Parse);
}
