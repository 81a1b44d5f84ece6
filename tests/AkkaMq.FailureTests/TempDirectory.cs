namespace AkkaMq.FailureTests;

/// <summary>A directory of its own for a test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("akkamq-failure-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
