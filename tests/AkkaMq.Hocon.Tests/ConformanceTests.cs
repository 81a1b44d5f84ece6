using System.Text.Json;

namespace AkkaMq.Hocon.Tests;

/// <summary>Every case of the HOCON conformance data (converted from the reference implementation's tests).</summary>
public sealed class ConformanceTests
{
    private static readonly Func<string, string?> NoEnvironment = static _ => null;

    public static TheoryData<string> ValueCases() => Names("cases", "*.conf", Path.GetFileNameWithoutExtension);

    public static TheoryData<string> InvalidCases() => Names("invalid", "*.conf", Path.GetFileNameWithoutExtension);

    public static TheoryData<string> IncludeCases() => Names("includes", "*", Path.GetFileName, directories: true);

    public static TheoryData<string> EquivCases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(TestData.PathOf("equiv")).Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name != "original.json" && (name.EndsWith(".conf", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)))
                {
                    data.Add(Path.GetFileName(dir) + "/" + name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValueCases))]
    public void Case_ResolvesToExpectedJson(string name)
    {
        var conf = TestData.PathOf($"cases/{name}.conf");
        var actual = Convert(conf, TestData.EnvironmentFor(TestData.PathOf($"cases/{name}.env")));
        JsonAssert.Equal(File.ReadAllText(TestData.PathOf($"cases/{name}.json")), actual, name);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_IsRejected(string name)
    {
        var conf = TestData.PathOf($"invalid/{name}.conf");
        var env = TestData.EnvironmentFor(TestData.PathOf($"invalid/{name}.env"));
        var error = Assert.Throws<ConfigException>(() => Convert(conf, env));
        Assert.Matches(@":\d+:\d+: ", error.Message);
    }

    [Theory]
    [MemberData(nameof(ErrorLineCases))]
    public void Invalid_ReportsTheLineTheReferenceReports(string name, int line)
    {
        var conf = TestData.PathOf($"invalid/{name}.conf");
        var error = Assert.Throws<ConfigException>(() => Convert(conf, NoEnvironment));
        Assert.NotNull(error.Origin);
        Assert.Equal(line, error.Origin.Line);
        Assert.StartsWith($"{conf}:{line}:", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int> ErrorLineCases()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(TestData.PathOf("manifest.json")));
        var data = new TheoryData<string, int>();
        foreach (var entry in manifest.RootElement.GetProperty("entries").EnumerateArray())
        {
            if (entry.TryGetProperty("reference_error_line", out var line)
                && entry.GetProperty("path").GetString()!.StartsWith("invalid/", StringComparison.Ordinal))
            {
                data.Add(entry.GetProperty("name").GetString()!, line.GetInt32());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IncludeCases))]
    public void Include_ResolvesOrFailsAsExpected(string name)
    {
        var dir = TestData.PathOf($"includes/{name}");
        var main = Path.Combine(dir, "main.conf");
        if (File.Exists(Path.Combine(dir, "must-fail")))
        {
            Assert.Throws<ConfigException>(() => Convert(main, NoEnvironment));
            return;
        }

        JsonAssert.Equal(File.ReadAllText(Path.Combine(dir, "expected.json")), Convert(main, NoEnvironment), name);
    }

    [Theory]
    [MemberData(nameof(EquivCases))]
    public void Equiv_VariantMatchesOriginal(string name)
    {
        var file = TestData.PathOf($"equiv/{name}");
        var original = Path.Combine(Path.GetDirectoryName(file)!, "original.json");
        JsonAssert.Equal(File.ReadAllText(original), Convert(file, NoEnvironment), name);
    }

    private static string Convert(string file, Func<string, string?> environment) =>
        Config.ParseFile(file).Resolve(environment).ToJson();

    private static TheoryData<string> Names(string folder, string pattern, Func<string, string> name, bool directories = false)
    {
        var dir = TestData.PathOf(folder);
        var entries = directories ? Directory.GetDirectories(dir, pattern) : Directory.GetFiles(dir, pattern);
        var data = new TheoryData<string>();
        foreach (var entry in entries.Order(StringComparer.Ordinal))
        {
            data.Add(name(entry));
        }

        return data;
    }
}
