using System.Globalization;
using System.Numerics;

namespace AkkaMq.Hocon;

/// <summary>
/// Durations, periods and sizes written as a number and a unit ("10s", "3 weeks", "512MiB").
/// Invalid text throws <see cref="FormatException"/>.
/// </summary>
public static class ConfigUnits
{
    private static readonly Dictionary<string, long> DurationUnits = new(StringComparer.Ordinal)
    {
        [""] = 1_000_000, ["ms"] = 1_000_000, ["millis"] = 1_000_000, ["milliseconds"] = 1_000_000,
        ["ns"] = 1, ["nanos"] = 1, ["nanoseconds"] = 1,
        ["us"] = 1_000, ["micros"] = 1_000, ["microseconds"] = 1_000,
        ["s"] = 1_000_000_000, ["seconds"] = 1_000_000_000,
        ["m"] = 60_000_000_000, ["minutes"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000, ["hours"] = 3_600_000_000_000,
        ["d"] = 86_400_000_000_000, ["days"] = 86_400_000_000_000,
    };

    private static readonly Dictionary<string, BigInteger> SizeUnits = BuildSizeUnits();

    /// <summary>Nanoseconds; a bare number means milliseconds.</summary>
    public static long ParseDurationNanos(string text)
    {
        var (number, unit) = Split(text);
        if (!DurationUnits.TryGetValue(Pluralize(unit), out var nanosPerUnit))
        {
            throw new FormatException($"unknown duration unit '{unit}' (use ns, us, ms, s, m, h or d)");
        }

        if (IsInteger(number))
        {
            var whole = ParseLong(number);
            try
            {
                return checked(whole * nanosPerUnit);
            }
            catch (OverflowException)
            {
                throw new FormatException($"duration '{text.Trim()}' is too large");
            }
        }

        return (long)(ParseDouble(number) * nanosPerUnit);
    }

    /// <summary>A calendar period; a bare number means days, weeks become days.</summary>
    public static ConfigPeriod ParsePeriod(string text)
    {
        var (number, unit) = Split(text);
        if (!IsInteger(number) || !int.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            throw new FormatException($"period '{text.Trim()}' needs a whole number");
        }

        return Pluralize(unit) switch
        {
            "" or "d" or "days" => new ConfigPeriod(0, 0, n),
            "w" or "weeks" => new ConfigPeriod(0, 0, checked(n * 7)),
            "m" or "mo" or "months" => new ConfigPeriod(0, n, 0),
            "y" or "years" => new ConfigPeriod(n, 0, 0),
            _ => throw new FormatException($"unknown period unit '{unit}' (use d, w, mo or y)"),
        };
    }

    /// <summary>Bytes; a bare number means bytes. The result must be a non-negative 64-bit integer.</summary>
    public static long ParseBytes(string text)
    {
        var (number, unit) = Split(text);
        if (!SizeUnits.TryGetValue(unit, out var bytesPerUnit))
        {
            throw new FormatException($"unknown size unit '{unit}' (use B, K/KiB, kB, M/MiB, MB, G/GiB, GB, ...)");
        }

        var (mantissa, exponent) = ParseExactDecimal(number);
        var bytes = mantissa * bytesPerUnit;
        bytes = exponent >= 0 ? bytes * BigInteger.Pow(10, exponent) : bytes / BigInteger.Pow(10, -exponent);
        if (bytes < 0 || bytes > long.MaxValue)
        {
            throw new FormatException($"size '{text.Trim()}' is out of range (0 to {long.MaxValue} bytes)");
        }

        return (long)bytes;
    }

    private static (string Number, string Unit) Split(string text)
    {
        var trimmed = text.Trim();
        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }

        var number = trimmed[..unitStart].Trim();
        if (number.Length == 0)
        {
            throw new FormatException($"'{trimmed}' has no number");
        }

        return (number, trimmed[unitStart..]);
    }

    private static string Pluralize(string unit) =>
        unit.Length > 2 && !unit.EndsWith('s') ? unit + "s" : unit;

    private static bool IsInteger(string number)
    {
        var start = number[0] is '+' or '-' ? 1 : 0;
        return number.Length > start && number.AsSpan(start).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static long ParseLong(string number) =>
        long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{number}' is not a 64-bit integer");

    private static double ParseDouble(string number) =>
        double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{number}' is not a number");

    /// <summary>Parses "1.25e3" exactly as mantissa 125 and exponent 1.</summary>
    private static (BigInteger Mantissa, int Exponent) ParseExactDecimal(string number)
    {
        var s = number;
        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
            {
                throw new FormatException($"'{number}' is not a number");
            }

            s = s[..e];
        }

        var dot = s.IndexOf('.');
        if (dot >= 0)
        {
            exponent -= s.Length - dot - 1;
            s = s.Remove(dot, 1);
        }

        var digits = s.TrimStart('+', '-');
        if (digits.Length == 0 || digits.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0 || s.Length - digits.Length > 1)
        {
            throw new FormatException($"'{number}' is not a number");
        }

        var mantissa = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        return (s[0] == '-' ? -mantissa : mantissa, exponent);
    }

    private static Dictionary<string, BigInteger> BuildSizeUnits()
    {
        var units = new Dictionary<string, BigInteger>(StringComparer.Ordinal)
        {
            [""] = 1, ["b"] = 1, ["B"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        string[] decimalPrefixes = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryPrefixes = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        for (var i = 0; i < decimalPrefixes.Length; i++)
        {
            var power = i + 1;
            var dec = BigInteger.Pow(1000, power);
            var bin = BigInteger.Pow(1024, power);
            var letter = decimalPrefixes[i][..1];
            units[decimalPrefixes[i] + "byte"] = dec;
            units[decimalPrefixes[i] + "bytes"] = dec;
            units[(power == 1 ? letter : letter.ToUpperInvariant()) + "B"] = dec;
            units[binaryPrefixes[i] + "byte"] = bin;
            units[binaryPrefixes[i] + "bytes"] = bin;
            units[letter] = bin;
            units[letter.ToUpperInvariant()] = bin;
            units[letter.ToUpperInvariant() + "i"] = bin;
            units[letter.ToUpperInvariant() + "iB"] = bin;
        }

        return units;
    }
}

/// <summary>A calendar period; <see cref="ToString"/> prints ISO-8601 (P1Y, P12M, P365D, P0D).</summary>
public readonly record struct ConfigPeriod(int Years, int Months, int Days)
{
    public override string ToString()
    {
        if (Years == 0 && Months == 0 && Days == 0)
        {
            return "P0D";
        }

        var text = "P";
        text += Years != 0 ? $"{Years}Y" : "";
        text += Months != 0 ? $"{Months}M" : "";
        text += Days != 0 ? $"{Days}D" : "";
        return text;
    }
}

/// <summary>A size in bytes, for settings bound with <see cref="ConfigBinder"/>.</summary>
public readonly record struct ByteSize(long Bytes)
{
    public override string ToString() => $"{Bytes}B";
}
