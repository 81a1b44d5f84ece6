using System.Text;

namespace AkkaMq.Client;

/// <summary>
/// The property string (wire doc 4.2): <c>key U+0001 value U+0002</c> repeated. Java strips the
/// final U+0002; readers skip segments shorter than 3 chars or without U+0001 (ali-ons leaves a
/// trailing separator).
/// </summary>
public static class MessageProperties
{
    public static string Encode(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var builder = new StringBuilder(64);
        foreach (var (key, value) in properties)
        {
            if (value is null)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(MessageProperty.PropertySeparator);
            }

            builder.Append(key).Append(MessageProperty.NameValueSeparator).Append(value);
        }

        return builder.ToString();
    }

    /// <summary>
    /// As <see cref="Encode(IEnumerable{KeyValuePair{string, string}})"/> for the map a message
    /// keeps: enumerated without a boxed enumerator, written straight into the one string.
    /// </summary>
    public static string Encode(Dictionary<string, string> properties)
    {
        int length = 0;
        foreach (var (key, value) in properties)
        {
            if (value is not null)
            {
                length += key.Length + value.Length + 2;
            }
        }

        return length == 0 ? string.Empty : string.Create(length - 1, properties, static (text, map) =>
        {
            int position = 0;
            foreach (var (key, value) in map)
            {
                if (value is null)
                {
                    continue;
                }

                if (position > 0)
                {
                    text[position++] = MessageProperty.PropertySeparator;
                }

                key.CopyTo(text[position..]);
                position += key.Length;
                text[position++] = MessageProperty.NameValueSeparator;
                value.CopyTo(text[position..]);
                position += value.Length;
            }

            if (position != text.Length)
            {
                throw new InvalidOperationException("The message's properties changed while they were being encoded.");
            }
        });
    }

    public static Dictionary<string, string> Decode(string? text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        DecodeInto(text, map);
        return map;
    }

    public static void DecodeInto(string? text, IDictionary<string, string> map)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var segment in text.Split(MessageProperty.PropertySeparator))
        {
            int separator = segment.IndexOf(MessageProperty.NameValueSeparator, StringComparison.Ordinal);
            if (segment.Length < 3 || separator < 0)
            {
                continue;
            }

            map[segment[..separator]] = segment[(separator + 1)..];
        }
    }
}
