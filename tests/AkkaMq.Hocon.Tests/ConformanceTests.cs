using System.Text.Json;

namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Every case of the HOCON conformance data sets (expected values produced by the reference
/// implementation); each theory row names the data set and the case within it.
/// </summary>
public sealed class ConformanceTests
{
    private static readonly Func<string, string?> NoEnvironment = static _ => null;

    public static TheoryData<string, string> ValueCases() => Names("cases", "*.conf", Path.GetFileNameWithoutExtension);

    public static TheoryData<string, string> InvalidCases() => Names("invalid", "*.conf", Path.GetFileNameWithoutExtension);

    public static TheoryData<string, string> IncludeCases() => Names("includes", "*", Path.GetFileName, directories: true);

    public static TheoryData<string, string> EquivCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var set in TestData.Sets)
        {
            foreach (var dir in Folders(set, "equiv", "*", directories: true))
            {
                foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                {
                    var name = Path.GetFileName(file);
                    if (name != "original.json" && (name.EndsWith(".conf", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)))
                    {
                        data.Add(set, Path.GetFileName(dir) + "/" + name);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValueCases))]
    public void Case_ResolvesToExpectedJson(string set, string name)
    {
        var conf = TestData.PathIn(set, $"cases/{name}.conf");
        var actual = Convert(conf, TestData.EnvironmentFor(TestData.PathIn(set, $"cases/{name}.env")));
        JsonAssert.Equal(File.ReadAllText(TestData.PathIn(set, $"cases/{name}.json")), actual, name);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_IsRejected(string set, string name)
    {
        var conf = TestData.PathIn(set, $"invalid/{name}.conf");
        var env = TestData.EnvironmentFor(TestData.PathIn(set, $"invalid/{name}.env"));
        var error = Assert.Throws<ConfigException>(() => Convert(conf, env));
        Assert.Matches(@":\d+:\d+: ", error.Message);
    }

    [Theory]
    [MemberData(nameof(ErrorLineCases))]
    public void Invalid_ReportsTheLineTheReferenceReports(string set, string name, int line)
    {
        var conf = TestData.PathIn(set, $"invalid/{name}.conf");
        var error = Assert.Throws<ConfigException>(() => Convert(conf, NoEnvironment));
        Assert.NotNull(error.Origin);
        Assert.Equal(line, error.Origin.Line);
        Assert.StartsWith($"{conf}:{line}:", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, int> ErrorLineCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var set in TestData.Sets)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(TestData.PathIn(set, "manifest.json")));
            foreach (var entry in manifest.RootElement.GetProperty("entries").EnumerateArray())
            {
                if (entry.TryGetProperty("reference_error_line", out var line)
                    && entry.GetProperty("path").GetString()!.StartsWith("invalid/", StringComparison.Ordinal))
                {
                    data.Add(set, entry.GetProperty("name").GetString()!, line.GetInt32());
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IncludeCases))]
    public void Include_ResolvesOrFailsAsExpected(string set, string name)
    {
        var dir = TestData.PathIn(set, $"includes/{name}");
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
    public void Equiv_VariantMatchesOriginal(string set, string name)
    {
        var file = TestData.PathIn(set, $"equiv/{name}");
        var original = Path.Combine(Path.GetDirectoryName(file)!, "original.json");
        JsonAssert.Equal(File.ReadAllText(original), Convert(file, NoEnvironment), name);
    }

    private static string Convert(string file, Func<string, string?> environment) =>
        Config.ParseFile(file).Resolve(environment).ToJson();

    private static TheoryData<string, string> Names(string folder, string pattern, Func<string, string> name, bool directories = false)
    {
        var data = new TheoryData<string, string>();
        foreach (var set in TestData.Sets)
        {
            foreach (var entry in Folders(set, folder, pattern, directories))
            {
                data.Add(set, name(entry));
            }
        }

        return data;
    }

    /// <summary>The files or folders of one part of a data set, in ordinal order; none when the set lacks that part.</summary>
    private static IEnumerable<string> Folders(string set, string folder, string pattern, bool directories)
    {
        var dir = TestData.PathIn(set, folder);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var entries = directories ? Directory.GetDirectories(dir, pattern) : Directory.GetFiles(dir, pattern);
        return entries.Order(StringComparer.Ordinal);
    }
}
