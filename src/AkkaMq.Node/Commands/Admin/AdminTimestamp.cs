using System.Globalization;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>mqadmin's time arguments: epoch milliseconds, or a local date and time <c>yyyy-MM-dd#HH:mm:ss:SSS</c>.</summary>
internal static class AdminTimestamp
{
    public const string Format = "yyyy-MM-dd#HH:mm:ss:fff";

    /// <summary>The time as epoch milliseconds; false when the text is neither form.</summary>
    public static bool TryParse(string text, out long millis)
    {
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out millis))
        {
            return true;
        }

        if (DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
        {
            millis = new DateTimeOffset(local).ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }
}
