using System.Globalization;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// RocketMQ's comparison of two non-null values of possibly different kinds (its filter runs
/// with string conversion on): a string facing a number is parsed with that number's width
/// (int, long or double) and a failed parse is an evaluation error; a string facing a boolean
/// becomes true only for <c>true</c> in any case; a boolean on the left of a string is an error;
/// any other kind mismatch compares as "less" (-1), so <c>=</c> and <c>&gt;</c> are false and
/// <c>&lt;</c> is true. Doubles order as Java's <c>Double.compareTo</c>.
/// </summary>
internal static class SqlCompare
{
    private const long JavaCanonicalNaNBits = 0x7ff8000000000000L;

    /// <summary>False when RocketMQ would throw (the message then does not match).</summary>
    public static bool TryCompare(SqlValue left, SqlValue right, out int result)
    {
        result = 0;
        if (left.Kind == right.Kind)
        {
            result = left.Kind switch
            {
                SqlKind.Bool or SqlKind.Int or SqlKind.Long => left.Number.CompareTo(right.Number),
                SqlKind.Double => JavaCompare(left.Real, right.Real),
                _ => left.Text.SequenceCompareTo(right.Text),
            };
            return true;
        }

        switch (left.Kind)
        {
            case SqlKind.Bool:
                result = -1;
                return right.Kind != SqlKind.String;
            case SqlKind.Int or SqlKind.Long:
                return CompareWholeLeft(left, right, out result);
            case SqlKind.Double:
                return CompareDoubleLeft(left.Real, right, out result);
            case SqlKind.String:
                return CompareStringLeft(left.Text, right, out result);
            default:
                result = -1;
                return true;
        }
    }

    /// <summary>Java <c>Double.valueOf</c> of a property text (surrounding blanks and a d/f suffix allowed).</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> utf8, out double value)
    {
        utf8 = utf8.Trim((byte)' ');
        if (utf8.Length > 1 && (utf8[^1] | 0x20) is 'd' or 'f')
        {
            utf8 = utf8[..^1];
        }

        return double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Java's total order of doubles: -0.0 &lt; 0.0, NaN above everything and equal to itself.</summary>
    public static int JavaCompare(double a, double b)
    {
        if (a < b)
        {
            return -1;
        }

        if (a > b)
        {
            return 1;
        }

        long x = double.IsNaN(a) ? JavaCanonicalNaNBits : BitConverter.DoubleToInt64Bits(a);
        long y = double.IsNaN(b) ? JavaCanonicalNaNBits : BitConverter.DoubleToInt64Bits(b);
        return x.CompareTo(y);
    }

    private static bool CompareWholeLeft(SqlValue left, SqlValue right, out int result)
    {
        result = -1;
        switch (right.Kind)
        {
            case SqlKind.Int or SqlKind.Long:
                result = left.Number.CompareTo(right.Number);
                return true;
            case SqlKind.Double:
                result = JavaCompare(left.Number, right.Real);
                return true;
            case SqlKind.String:
                if (!TryParseWhole(right.Text, left.Kind, out long parsed))
                {
                    return false;
                }

                result = left.Number.CompareTo(parsed);
                return true;
            default:
                return true;
        }
    }

    private static bool CompareDoubleLeft(double left, SqlValue right, out int result)
    {
        result = -1;
        switch (right.Kind)
        {
            case SqlKind.Int or SqlKind.Long:
                result = JavaCompare(left, right.Number);
                return true;
            case SqlKind.String:
                if (!TryParseDouble(right.Text, out double parsed))
                {
                    return false;
                }

                result = JavaCompare(left, parsed);
                return true;
            default:
                return true;
        }
    }

    private static bool CompareStringLeft(ReadOnlySpan<byte> left, SqlValue right, out int result)
    {
        result = -1;
        switch (right.Kind)
        {
            case SqlKind.Bool:
                long asBool = left.Length == 4 && System.Text.Ascii.EqualsIgnoreCase(left, "true"u8) ? 1 : 0;
                result = asBool.CompareTo(right.Number);
                return true;
            case SqlKind.Int or SqlKind.Long:
                if (!TryParseWhole(left, right.Kind, out long whole))
                {
                    return false;
                }

                result = whole.CompareTo(right.Number);
                return true;
            case SqlKind.Double:
                if (!TryParseDouble(left, out double real))
                {
                    return false;
                }

                result = JavaCompare(real, right.Real);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Java <c>Integer.valueOf</c> / <c>Long.valueOf</c>: an optional sign and digits, nothing else.</summary>
    private static bool TryParseWhole(ReadOnlySpan<byte> utf8, SqlKind width, out long value)
    {
        if (width == SqlKind.Int)
        {
            bool ok = int.TryParse(utf8, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int small);
            value = small;
            return ok;
        }

        return long.TryParse(utf8, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
