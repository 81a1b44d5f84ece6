namespace AkkaMq.Node.Tests;

/// <summary>Locates the repository (the folder holding AkkaMq.sln) from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The HOCON conformance data kept in the repository (shared with AkkaMq.Hocon.Tests).</summary>
    public static string HoconTestData => Path.Combine(Root, "tests", "testdata", "hocon");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AkkaMq.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no AkkaMq.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>A temporary folder deleted with the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "akkamq-node-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
