using System.Text.Json;

namespace AkkaMq.Hocon.Tests;

/// <summary>The units/ tables: durations (nanoseconds), periods (ISO-8601) and sizes (bytes).</summary>
public sealed class UnitTableTests
{
    public static TheoryData<string, int> Durations() => Rows("durations");

    public static TheoryData<string, int> Periods() => Rows("periods");

    public static TheoryData<string, int> Sizes() => Rows("sizes");

    [Theory]
    [MemberData(nameof(Durations))]
    public void Duration_ParsesAsTableExpects(string table, int row) =>
        Check(table, row, static text => ConfigUnits.ParseDurationNanos(text).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [MemberData(nameof(Periods))]
    public void Period_ParsesAsTableExpects(string table, int row) =>
        Check(table, row, static text => ConfigUnits.ParsePeriod(text).ToString());

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Size_ParsesAsTableExpects(string table, int row) =>
        Check(table, row, static text => ConfigUnits.ParseBytes(text).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void Check(string table, int row, Func<string, string> parse)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.PathOf($"units/{table}.json")));
        var entry = doc.RootElement.GetProperty("cases")[row];
        var input = entry.GetProperty("input").GetString()!;
        if (entry.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            Assert.Throws<FormatException>(() => parse(input));
            return;
        }

        var expected = entry.GetProperty("expected");
        var text = expected.ValueKind == JsonValueKind.String ? expected.GetString() : expected.GetRawText();
        Assert.Equal(text, parse(input));
    }

    private static TheoryData<string, int> Rows(string table)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.PathOf($"units/{table}.json")));
        var data = new TheoryData<string, int>();
        for (var i = 0; i < doc.RootElement.GetProperty("cases").GetArrayLength(); i++)
        {
            data.Add(table, i);
        }

        return data;
    }
}
