namespace AkkaMq.Store.Tests;

public sealed class GroupCommitAppenderTests
{
    [Fact]
    public async Task ThousandConcurrentSends_ShareAHandfulOfFlushes()
    {
        using var dir = new TempDir();
        StoreSettings settings = Msg.Small(dir.Path, FlushMode.GroupCommit) with { CommitLogSegmentSize = 1 << 20, ConsumeQueueEntriesPerFile = 10_000 };
        using MessageStore store = MessageStore.Open(settings);
        using var appender = new GroupCommitAppender(store);
        var sends = new Task<AppendResult>[1000];
        using (var start = new ManualResetEventSlim())
        {
            for (int i = 0; i < sends.Length; i++)
            {
                int n = i;
                sends[i] = Task.Run(async () =>
                {
                    start.Wait();
                    return await appender.AppendAsync(Msg.Create("T", n % 4, "m" + n));
                });
            }
            start.Set();
            await Task.WhenAll(sends);
        }
        AppendResult[] results = sends.Select(s => s.Result).ToArray();
        Assert.All(results, r => Assert.Equal(AppendStatus.Ok, r.Status));
        Assert.Equal(1000, results.Select(r => r.CommitLogOffset).Distinct().Count());
        for (int q = 0; q < 4; q++)
        {
            Assert.Equal(Enumerable.Range(0, 250).Select(i => (long)i), results.Where((_, i) => i % 4 == q).Select(r => r.QueueOffset).Order());
        }
        Assert.True(store.FlushCount < 200, $"{store.FlushCount} flushes for 1000 sends");
        Assert.True(appender.Batches < 200, $"{appender.Batches} batches");
    }

    [Fact]
    public async Task Dispose_FailsQueuedSendsWithServiceNotAvailable()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        var appender = new GroupCommitAppender(store);
        Assert.True((await appender.AppendAsync(Msg.Create("T", 0, "x"))).IsOk);
        appender.Dispose();
        Assert.Equal(AppendStatus.ServiceNotAvailable, (await appender.AppendAsync(Msg.Create("T", 0, "y"))).Status);
    }
}
