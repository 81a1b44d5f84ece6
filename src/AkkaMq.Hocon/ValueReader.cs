using System.Globalization;

namespace AkkaMq.Hocon;

/// <summary>Converts resolved values to CLR types; every failure names the key path and origin.</summary>
internal static class ValueReader
{
    public static string ReadString(HValue value, string path) => value switch
    {
        HScalar { Kind: ScalarKind.String or ScalarKind.Number or ScalarKind.Boolean } s => s.Text,
        _ => throw Wrong(value, path, "string"),
    };

    public static long ReadLong(HValue value, string path)
    {
        var text = NumberText(value, path, "integer");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return whole;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && d == Math.Floor(d) && d >= long.MinValue && d < long.MaxValue)
        {
            return (long)d;
        }

        throw new ConfigException(value.Origin, path, $"expected integer, got '{text}'");
    }

    public static int ReadInt(HValue value, string path)
    {
        var number = ReadLong(value, path);
        if (number is < int.MinValue or > int.MaxValue)
        {
            throw new ConfigException(value.Origin, path, $"expected 32-bit integer, got {number} (out of range)");
        }

        return (int)number;
    }

    public static double ReadDouble(HValue value, string path)
    {
        var text = NumberText(value, path, "number");
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        throw new ConfigException(value.Origin, path, $"expected number, got '{text}'");
    }

    public static bool ReadBoolean(HValue value, string path)
    {
        if (value is HScalar { Kind: ScalarKind.Boolean or ScalarKind.String } s)
        {
            switch (s.Text)
            {
                case "true" or "yes" or "on": return true;
                case "false" or "no" or "off": return false;
            }
        }

        throw Wrong(value, path, "boolean");
    }

    public static TimeSpan ReadDuration(HValue value, string path)
    {
        var nanos = Units(value, path, "duration", static text => ConfigUnits.ParseDurationNanos(text));
        return TimeSpan.FromTicks(nanos / 100);
    }

    public static long ReadBytes(HValue value, string path) =>
        Units(value, path, "size in bytes", static text => ConfigUnits.ParseBytes(text));

    public static ConfigPeriod ReadPeriod(HValue value, string path) =>
        Units(value, path, "period", static text => ConfigUnits.ParsePeriod(text));

    private static T Units<T>(HValue value, string path, string what, Func<string, T> parse)
    {
        if (value is not HScalar { Kind: ScalarKind.String or ScalarKind.Number } s)
        {
            throw Wrong(value, path, what);
        }

        try
        {
            return parse(s.Text);
        }
        catch (FormatException e)
        {
            throw new ConfigException(value.Origin, path, $"expected {what}, got '{s.Text}': {e.Message}");
        }
    }

    private static string NumberText(HValue value, string path, string expected)
    {
        if (value is HScalar { Kind: ScalarKind.Number or ScalarKind.String } s)
        {
            return s.Text.Trim();
        }

        throw Wrong(value, path, expected);
    }

    /// <summary>An array, or an object with integer keys taken as the array it stands for (as a properties file writes a list).</summary>
    public static HArray ReadArray(HValue value, string path, string expected) =>
        NumericallyIndexed.AsArray(value) ?? throw Wrong(value, path, expected);

    private static ConfigException Wrong(HValue value, string path, string expected) =>
        new(value.Origin, path, $"expected {expected}, got {Merging.Describe(value)}");
}
