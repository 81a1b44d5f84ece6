using System.Text;

namespace AkkaMq.Store;

/// <summary>
/// Reads RocketMQ's property string (<c>key\u0001value\u0002...</c>) straight from its UTF-8
/// bytes without allocating. Segments without U+0001 or shorter than 3 bytes are skipped, as
/// Java and ali-ons clients do.
/// </summary>
public static class PropertyString
{
    public const byte NameSeparator = (byte)MessageProperty.NameValueSeparator;
    public const byte PropertySeparator = (byte)MessageProperty.PropertySeparator;

    public static ReadOnlySpan<byte> TagsKey => MessageProperty.TagsUtf8;
    public static ReadOnlySpan<byte> KeysKey => MessageProperty.KeysUtf8;
    public static ReadOnlySpan<byte> UniqueKey => MessageProperty.UniqueClientMessageIdKeyUtf8;

    public static bool TryGetValue(ReadOnlySpan<byte> properties, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        while (!properties.IsEmpty)
        {
            int end = properties.IndexOf(PropertySeparator);
            ReadOnlySpan<byte> segment = end < 0 ? properties : properties.Slice(0, end);
            properties = end < 0 ? default : properties.Slice(end + 1);
            int sep = segment.IndexOf(NameSeparator);
            if (segment.Length >= 3 && sep > 0 && segment.Slice(0, sep).SequenceEqual(name))
            {
                value = segment.Slice(sep + 1);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>
    /// Java <c>String.hashCode()</c> of the UTF-8 text, optionally prefixed (the index hashes
    /// <c>topic + "#" + key</c>); computed over UTF-16 code units like Java.
    /// </summary>
    public static int JavaHashCode(ReadOnlySpan<byte> prefixUtf8, ReadOnlySpan<byte> utf8)
    {
        int h = HashAppend(0, prefixUtf8);
        return HashAppend(h, utf8);
    }

    /// <summary>The consume-queue tags code: Java hash of the TAGS value, 0 when there is none.</summary>
    public static long TagsCode(ReadOnlySpan<byte> properties) =>
        TryGetValue(properties, TagsKey, out ReadOnlySpan<byte> tags) && !tags.IsEmpty ? JavaHashCode(default, tags) : 0;

    public static int TagsCode(string tag) => JavaHash.StringHashCode(tag);

    private static int HashAppend(int h, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0)
        {
            foreach (byte b in utf8)
            {
                h = unchecked((31 * h) + b);
            }
            return h;
        }
        return HashAppendNonAscii(h, utf8);
    }

    private static int HashAppendNonAscii(int h, ReadOnlySpan<byte> utf8)
    {
        char[]? rented = null;
        Span<char> chars = utf8.Length <= 256
            ? stackalloc char[256]
            : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(utf8.Length));
        int n = Encoding.UTF8.GetChars(utf8, chars);
        foreach (char c in chars.Slice(0, n))
        {
            h = unchecked((31 * h) + c);
        }
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
        return h;
    }
}
