using AkkaMq.Actors;
using AkkaMq.Actors.TestKit;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>The commit log's single writer: batching, pipelined group commit and closing.</summary>
public sealed class StoreActorTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-store-actor-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task ThousandConcurrentSends_ShareAHandfulOfFlushes()
    {
        await using var kit = new TestKit();
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit) with { CommitLogSegmentSize = 1 << 20, ConsumeQueueEntriesPerFile = 10_000 });
        IActorRef actor = kit.Sys.ActorOf(StoreActor.Props(store, pullHolds: null, NullLogger.Instance));
        var sends = new Task<AppendResult>[1000];
        using (var start = new ManualResetEventSlim())
        {
            for (int i = 0; i < sends.Length; i++)
            {
                int n = i;
                sends[i] = Task.Run(async () =>
                {
                    start.Wait();
                    return await SendAsync(actor, Message(n % 4, "m" + n));
                });
            }

            start.Set();
            await Task.WhenAll(sends).WaitAsync(Timeout);
        }

        AppendResult[] results = sends.Select(s => s.Result).ToArray();
        Assert.All(results, r => Assert.Equal(AppendStatus.Ok, r.Status));
        Assert.Equal(1000, results.Select(r => r.CommitLogOffset).Distinct().Count());
        for (int q = 0; q < 4; q++)
        {
            Assert.Equal(Enumerable.Range(0, 250).Select(i => (long)i), results.Where((_, i) => i % 4 == q).Select(r => r.QueueOffset).Order());
        }

        Assert.InRange(store.FlushCount, 1, 199);
    }

    [Fact]
    public async Task Send_IsAnsweredAfterAFlushCoveringIt_InGroupCommitMode()
    {
        await using var kit = new TestKit();
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit));
        IActorRef actor = kit.Sys.ActorOf(StoreActor.Props(store, pullHolds: null, NullLogger.Instance));
        Assert.Equal(0, store.FlushCount);

        AppendResult r = await SendAsync(actor, Message(0, "x")).WaitAsync(Timeout);

        Assert.True(r.IsOk);
        Assert.Equal(1, store.FlushCount);
    }

    [Fact]
    public async Task CloseStore_FailsLaterSendsWithServiceNotAvailable()
    {
        await using var kit = new TestKit();
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit));
        IActorRef actor = kit.Sys.ActorOf(StoreActor.Props(store, pullHolds: null, NullLogger.Instance));
        Assert.True((await SendAsync(actor, Message(0, "x")).WaitAsync(Timeout)).IsOk);

        await actor.Ask<StoreFlushed>(CloseStore.Instance, Timeout);

        Assert.Equal(AppendStatus.ServiceNotAvailable, (await SendAsync(actor, Message(0, "y")).WaitAsync(Timeout)).Status);
        Assert.Equal(1, store.AppendedRecords);
    }

    [Fact]
    public async Task Append_AnnouncesEachQueueThatGotData_ToPullHolds()
    {
        await using var kit = new TestKit();
        using MessageStore store = MessageStore.Open(Settings(FlushMode.Async));
        TestProbe holds = kit.CreateTestProbe("holds");
        IActorRef actor = kit.Sys.ActorOf(StoreActor.Props(store, holds, NullLogger.Instance));
        var completion = new TaskAppendCompletion();

        actor.Tell(new AppendMessages(new[] { Message(1, "a"), Message(1, "b"), Message(2, "c") }, completion));

        Assert.All(await completion.Task.WaitAsync(Timeout), r => Assert.True(r.IsOk));
        Assert.Equal(new MessageArrived("T", 1), await holds.ExpectMsgAsync<MessageArrived>());
        Assert.Equal(new MessageArrived("T", 2), await holds.ExpectMsgAsync<MessageArrived>());
        await holds.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    private static async Task<AppendResult> SendAsync(IActorRef actor, MessageToStore message)
    {
        var completion = new TaskAppendCompletion();
        actor.Tell(new AppendMessages(new[] { message }, completion));
        return (await completion.Task)[0];
    }

    private static MessageToStore Message(int queueId, string body) =>
        new("T", queueId, 0, System.Text.Encoding.UTF8.GetBytes(body), "", 1_700_000_000_000,
            new IPv4Endpoint(0x0A000001, 50000), new IPv4Endpoint(0xC0A80101, 10911));

    private StoreSettings Settings(FlushMode mode) => new()
    {
        Dir = _dir,
        CommitLogSegmentSize = 4096,
        ConsumeQueueEntriesPerFile = 8,
        IndexHashSlots = 17,
        IndexEntriesPerFile = 16,
        FlushMode = mode,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        // Tests must not depend on how full the machine's disk is.
        DiskWatermarkRatio = 1.0,
        MaxMessageSize = 2048,
    };
}
