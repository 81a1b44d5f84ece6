using AkkaMq.Cluster.Coordination;

namespace AkkaMq.Cluster.Tests.Coordination;

public sealed class FileControlStateStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-control-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Load_OfUnknownKey_IsNull()
    {
        var store = new FileControlStateStore(_dir);

        Assert.Null(await store.LoadAsync("nothing", CancellationToken.None));
    }

    [Fact]
    public async Task Save_ReplacesDocument_AndLeavesNoTemporaryFile()
    {
        var store = new FileControlStateStore(_dir);

        await store.SaveAsync("doc", "first"u8.ToArray(), CancellationToken.None);
        await store.SaveAsync("doc", "second"u8.ToArray(), CancellationToken.None);

        Assert.Equal("second"u8.ToArray(), await new FileControlStateStore(_dir).LoadAsync("doc", CancellationToken.None));
        Assert.Equal(["doc.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task Keys_CannotLeaveTheDirectory(string key)
    {
        var store = new FileControlStateStore(_dir);

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(key, "x"u8.ToArray(), CancellationToken.None).AsTask());
    }
}
