namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Finds the HOCON conformance data kept in the repository: the folder holding AkkaMq.sln is searched
/// for upwards from the test assembly, and the data sets lie below it in tests/testdata: "hocon",
/// converted from the reference implementation's tests, and "hocon-spec", written after the spec
/// for rules the first one does not exercise. Both have the same layout.
/// </summary>
internal static class TestData
{
    /// <summary>The main data set; the unit tables are only there.</summary>
    public const string MainSet = "hocon";

    private static readonly Lazy<string> RepoRoot = new(FindRepoRoot);

    public static IReadOnlyList<string> Sets { get; } = [MainSet, "hocon-spec"];

    public static string Root => SetRoot(MainSet);

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string PathIn(string set, string relative) => Path.Combine(SetRoot(set), relative);

    public static string SetRoot(string set)
    {
        var data = Path.Combine(RepoRoot.Value, "tests", "testdata", set);
        if (!Directory.Exists(data))
        {
            throw new InvalidOperationException(
                $"HOCON conformance data not found at {data} (expected tests/testdata/{set} in the folder holding AkkaMq.sln)");
        }

        return data;
    }

    /// <summary>An environment built from a case's .env file; any other name is unset.</summary>
    public static Func<string, string?> EnvironmentFor(string envFile)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(envFile))
        {
            foreach (var raw in File.ReadAllLines(envFile))
            {
                var line = raw.Trim();
                var eq = line.IndexOf('=');
                if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("unset ", StringComparison.Ordinal) || eq < 0)
                {
                    continue;
                }

                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        return name => values.GetValueOrDefault(name);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AkkaMq.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException(
            $"HOCON conformance data not found: no folder above {AppContext.BaseDirectory} holds AkkaMq.sln");
    }
}
