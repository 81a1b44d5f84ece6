using System.Text.Json;

namespace AkkaMq.Hocon.Tests;

/// <summary>Structural JSON comparison: object key order ignored, numbers compared by value.</summary>
internal static class JsonAssert
{
    public static void Equal(string expectedJson, string actualJson, string because)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        using var actual = JsonDocument.Parse(actualJson);
        var difference = Compare(expected.RootElement, actual.RootElement, "$");
        Assert.True(difference is null, $"{because}: {difference}\nexpected: {expectedJson}\nactual:   {actualJson}");
    }

    private static string? Compare(JsonElement expected, JsonElement actual, string at)
    {
        if (expected.ValueKind != actual.ValueKind
            && !(IsBool(expected) && IsBool(actual)))
        {
            return $"{at}: expected {expected.ValueKind}, got {actual.ValueKind} ({actual.GetRawText()})";
        }

        return expected.ValueKind switch
        {
            JsonValueKind.Object => CompareObjects(expected, actual, at),
            JsonValueKind.Array => CompareArrays(expected, actual, at),
            JsonValueKind.Number => expected.GetDouble().Equals(actual.GetDouble()) ? null : $"{at}: expected {expected.GetRawText()}, got {actual.GetRawText()}",
            JsonValueKind.String => expected.GetString() == actual.GetString() ? null : $"{at}: expected \"{expected.GetString()}\", got \"{actual.GetString()}\"",
            _ => expected.ValueKind == actual.ValueKind ? null : $"{at}: expected {expected.GetRawText()}, got {actual.GetRawText()}",
        };
    }

    private static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static string? CompareObjects(JsonElement expected, JsonElement actual, string at)
    {
        var actualProps = new Dictionary<string, JsonElement>();
        foreach (var p in actual.EnumerateObject())
        {
            actualProps[p.Name] = p.Value;
        }

        var count = 0;
        foreach (var p in expected.EnumerateObject())
        {
            count++;
            if (!actualProps.TryGetValue(p.Name, out var value))
            {
                return $"{at}: missing key '{p.Name}'";
            }

            var inner = Compare(p.Value, value, at + "." + p.Name);
            if (inner is not null)
            {
                return inner;
            }
        }

        return count == actualProps.Count ? null : $"{at}: unexpected extra keys ({actualProps.Count} instead of {count})";
    }

    private static string? CompareArrays(JsonElement expected, JsonElement actual, string at)
    {
        if (expected.GetArrayLength() != actual.GetArrayLength())
        {
            return $"{at}: expected {expected.GetArrayLength()} elements, got {actual.GetArrayLength()}";
        }

        for (var i = 0; i < expected.GetArrayLength(); i++)
        {
            var inner = Compare(expected[i], actual[i], $"{at}[{i}]");
            if (inner is not null)
            {
                return inner;
            }
        }

        return null;
    }
}
