namespace AkkaMq.Remoting.Protocol;

/// <summary>
/// The short values most header fields carry (queue ids, flags, counts, booleans: "0" to "99",
/// "-1", "true", "false"; and a send's default topic "TBW102"), kept as shared strings: a send
/// request has half a dozen of them, and decoding would otherwise allocate each again for every
/// message.
/// </summary>
internal static class ExtFieldValues
{
    private static readonly string[] SmallNumbers = Enumerable.Range(0, 100).Select(static i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The shared string for a common value, or null.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        switch (utf8.Length)
        {
            case 1 when IsDigit(utf8[0]):
                return SmallNumbers[utf8[0] - '0'];
            case 2 when IsDigit(utf8[0]) && IsDigit(utf8[1]) && utf8[0] != '0':
                return SmallNumbers[((utf8[0] - '0') * 10) + (utf8[1] - '0')];
            case 2 when utf8[0] == '-' && utf8[1] == '1':
                return "-1";
            case 4 when utf8.SequenceEqual("true"u8):
                return "true";
            case 5 when utf8.SequenceEqual("false"u8):
                return "false";
            case 6 when utf8.SequenceEqual("TBW102"u8):
                return "TBW102";
            default:
                return null;
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
