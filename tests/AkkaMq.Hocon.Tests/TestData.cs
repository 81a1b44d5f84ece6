namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Finds the HOCON conformance data kept in the repository: the folder holding AkkaMq.sln is searched
/// for upwards from the test assembly, and the data lies at tests/testdata/hocon below it.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

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

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AkkaMq.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException(
                $"HOCON conformance data not found: no folder above {AppContext.BaseDirectory} holds AkkaMq.sln");
        }

        var data = Path.Combine(dir.FullName, "tests", "testdata", "hocon");
        if (!Directory.Exists(data))
        {
            throw new InvalidOperationException(
                $"HOCON conformance data not found at {data} (expected tests/testdata/hocon in the folder holding AkkaMq.sln)");
        }

        return data;
    }
}
