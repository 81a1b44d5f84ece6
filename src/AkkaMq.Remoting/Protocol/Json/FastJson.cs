using System.Globalization;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// Lenient reading of JSON bodies from Java (fastjson), ali-ons, C++ and .NET clients:
/// fastjson's relaxed syntax is normalized first (<see cref="FastJsonNormalizer"/>), property
/// names match case-insensitively (as fastjson does), and scalars are accepted as strings,
/// numbers or booleans. Missing values read as the given default.
/// </summary>
public static class FastJson
{
    /// <summary>Parses a body; throws <see cref="JsonException"/> when it is not JSON even by fastjson's rules.</summary>
    public static JsonDocument Parse(ReadOnlySpan<byte> utf8)
    {
        var normalized = FastJsonNormalizer.Normalize(utf8);
        return JsonDocument.Parse(normalized);
    }

    /// <summary>Standard JSON text for fastjson text (unquoted and object keys become strings).</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> utf8) => FastJsonNormalizer.Normalize(utf8);

    /// <summary>Finds a property by name, exact match first, then ignoring case.</summary>
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    public static string? GetString(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? AsString(value) : null;

    public static long GetInt64(JsonElement element, string name, long defaultValue = 0) =>
        TryGet(element, name, out var value) && TryAsInt64(value, out long result) ? result : defaultValue;

    public static int GetInt32(JsonElement element, string name, int defaultValue = 0) =>
        (int)GetInt64(element, name, defaultValue);

    public static bool GetBoolean(JsonElement element, string name, bool defaultValue = false)
    {
        if (!TryGet(element, name, out var value))
        {
            return defaultValue;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase),
            JsonValueKind.Number => value.TryGetInt64(out long n) && n != 0,
            _ => defaultValue,
        };
    }

    /// <summary>The text of a scalar (numbers keep their literal text), or null for null/objects/arrays.</summary>
    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static bool TryAsInt64(JsonElement value, out long result)
    {
        result = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out result),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    /// <summary>The elements of an array property (empty when absent or not an array).</summary>
    public static JsonElement.ArrayEnumerator GetArray(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : default;

    /// <summary>The properties of an object property (empty when absent or not an object).</summary>
    public static JsonElement.ObjectEnumerator GetObject(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject()
            : default;

    /// <summary>Reads an enum given by Java name (e.g. <c>CONSUME_PASSIVELY</c>) or ordinal (C++ sends numbers).</summary>
    public static TEnum GetEnum<TEnum>(JsonElement element, string name, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        if (!TryGet(element, name, out var value))
        {
            return defaultValue;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int ordinal) && Enum.IsDefined(typeof(TEnum), ordinal))
        {
            return (TEnum)Enum.ToObject(typeof(TEnum), ordinal);
        }

        string? text = AsString(value)?.Replace("_", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) ? parsed : defaultValue;
    }

    /// <summary>The Java enum name of a value: <c>ConsumeFromLastOffset</c> → <c>CONSUME_FROM_LAST_OFFSET</c>.</summary>
    public static string JavaName<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        string name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }
}
