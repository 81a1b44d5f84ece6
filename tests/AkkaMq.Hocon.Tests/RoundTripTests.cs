using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Random documents (fixed seeds, so failures repeat) written as JSON and as HOCON in several
/// styles must all come back as the same JSON.
/// </summary>
public sealed class RoundTripTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 100; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomDocument_ParsesTheSameInEveryStyle(int seed)
    {
        var random = new Random(seed);
        var document = RandomObject(random, depth: 0);
        var json = document.ToJsonString();

        JsonAssert.Equal(json, Parse(json), $"seed {seed} as JSON");
        JsonAssert.Equal(json, Parse(new HoconWriter(random).Write(document)), $"seed {seed} as HOCON");
    }

    private static string Parse(string text) => Config.ParseString(text, "generated.conf").Resolve(static _ => null).ToJson();

    private static JsonObject RandomObject(Random random, int depth)
    {
        var obj = new JsonObject();
        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            obj[RandomKey(random)] = RandomValue(random, depth + 1);
        }

        return obj;
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        var kind = random.Next(depth > 3 ? 5 : 7);
        return kind switch
        {
            0 => JsonValue.Create(random.Next(-1000, 1000)),
            1 => JsonValue.Create(Math.Round(random.NextDouble() * 100, 3)),
            2 => JsonValue.Create(random.Next(2) == 0),
            3 => null,
            4 => JsonValue.Create(RandomString(random)),
            5 => RandomObject(random, depth),
            _ => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1))]),
        };
    }

    private static string RandomKey(Random random)
    {
        const string letters = "abcdefghij";
        var length = random.Next(1, 6);
        var builder = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            builder.Append(letters[random.Next(letters.Length)]);
        }

        return builder.ToString();
    }

    private static string RandomString(Random random)
    {
        string[] pieces = ["x", "hello", " ", "a.b", "#", "//", "\"", "\\", "\n", "\t", "é", "\u2003", "${a}", "{}", "1.5", "true"];
        var builder = new StringBuilder();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            builder.Append(pieces[random.Next(pieces.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>Writes a tree as HOCON: braceless root, '=' or ':' or no separator before '{', unquoted text where safe, comments.</summary>
    private sealed class HoconWriter(Random random)
    {
        private readonly StringBuilder _out = new();

        public string Write(JsonObject root)
        {
            WriteFields(root, indent: "");
            return _out.ToString();
        }

        private void WriteFields(JsonObject obj, string indent)
        {
            foreach (var (key, value) in obj)
            {
                if (random.Next(4) == 0)
                {
                    _out.Append(indent).Append(random.Next(2) == 0 ? "# note\n" : "// note\n");
                }

                _out.Append(indent).Append(key);
                if (value is JsonObject child && random.Next(2) == 0)
                {
                    _out.Append(" {\n");
                    WriteFields(child, indent + "  ");
                    _out.Append(indent).Append("}\n");
                    continue;
                }

                _out.Append(random.Next(2) == 0 ? " = " : ": ");
                WriteValue(value);
                _out.Append(random.Next(3) == 0 ? ",\n" : "\n");
            }
        }

        private void WriteValue(JsonNode? value)
        {
            switch (value)
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    WriteString(v.GetValue<string>());
                    break;
                case JsonArray array:
                    _out.Append('[');
                    for (var i = 0; i < array.Count; i++)
                    {
                        _out.Append(i == 0 ? "" : random.Next(2) == 0 ? ", " : "\n");
                        WriteValue(array[i]);
                    }

                    _out.Append(']');
                    break;
                default:
                    _out.Append(value is null ? "null" : value.ToJsonString());
                    break;
            }
        }

        private void WriteString(string text)
        {
            var safe = text.Length > 0 && text.All(char.IsAsciiLetter) && text is not ("true" or "false" or "null" or "include");
            if (safe && random.Next(2) == 0)
            {
                _out.Append(text);
            }
            else if (!text.Contains('"') && random.Next(3) == 0)
            {
                _out.Append("\"\"\"").Append(text).Append("\"\"\"");
            }
            else
            {
                _out.Append(JsonSerializer.Serialize(text));
            }
        }
    }
}
