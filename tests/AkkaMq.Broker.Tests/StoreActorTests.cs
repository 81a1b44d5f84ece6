using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>The commit log's single writer: batching, pipelined group commit and closing.</summary>
public sealed class StoreActorTests : TestKit, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-store-actor-" + Guid.NewGuid().ToString("N"));

    void IDisposable.Dispose()
    {
        Shutdown();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task ThousandConcurrentSends_ShareAHandfulOfFlushes()
    {
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit) with { CommitLogSegmentSize = 1 << 20, ConsumeQueueEntriesPerFile = 10_000 });
        IActorRef actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));

        // All sends are queued before the first is answered: they must share flushes, not take one each.
        var sends = new Task<AppendResult>[1000];
        for (int i = 0; i < sends.Length; i++)
        {
            sends[i] = SendAsync(actor, Message(i % 4, "m" + i));
        }

        AppendResult[] results = await Task.WhenAll(sends).WaitAsync(Timeout);
        Assert.All(results, r => Assert.Equal(AppendStatus.Ok, r.Status));
        Assert.Equal(1000, results.Select(r => r.CommitLogOffset).Distinct().Count());
        for (int q = 0; q < 4; q++)
        {
            // Offsets within a queue follow the order of the sends.
            Assert.Equal(Enumerable.Range(0, 250).Select(i => (long)i), results.Where((_, i) => i % 4 == q).Select(r => r.QueueOffset));
        }

        Assert.InRange(store.FlushCount, 1, 199);
    }

    [Fact]
    public async Task Send_IsAnsweredAfterAFlushCoveringIt_InGroupCommitMode()
    {
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit));
        IActorRef actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));
        Assert.Equal(0, store.FlushCount);

        AppendResult r = await SendAsync(actor, Message(0, "x")).WaitAsync(Timeout);

        Assert.True(r.IsOk);
        Assert.Equal(1, store.FlushCount);
    }

    [Fact]
    public async Task Writer_KeepsAppending_WhileASendersAnswerIsStillBeingBuilt()
    {
        using MessageStore store = MessageStore.Open(Settings(FlushMode.Async));
        IActorRef actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));
        using var release = new ManualResetEventSlim();
        var slow = new SlowCompletion(release);

        actor.Tell(new AppendMessages(new[] { Message(0, "x") }, slow), ActorRefs.NoSender);
        await slow.Entered.WaitAsync(Timeout);
        var second = SendAsync(actor, Message(0, "y"));

        // Answers are built off the writer: with the first answer stuck, the next append still lands.
        await AwaitConditionAsync(() => Task.FromResult(store.AppendedRecords == 2), Timeout);
        release.Set();
        Assert.True((await second.WaitAsync(Timeout)).IsOk);
    }

    [Fact]
    public async Task CloseStore_FailsLaterSendsWithServiceNotAvailable()
    {
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit));
        IActorRef actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));
        Assert.True((await SendAsync(actor, Message(0, "x")).WaitAsync(Timeout)).IsOk);

        await actor.Ask<StoreFlushed>(CloseStore.Instance, Timeout);

        Assert.Equal(AppendStatus.ServiceNotAvailable, (await SendAsync(actor, Message(0, "y")).WaitAsync(Timeout)).Status);
        Assert.Equal(1, store.AppendedRecords);
    }

    [Fact]
    public async Task Append_AnnouncesEachQueueThatGotData_ToThePartitions()
    {
        using MessageStore store = MessageStore.Open(Settings(FlushMode.Async));
        var partitions = CreateTestProbe("partitions");
        IActorRef actor = Sys.ActorOf(StoreActor.Props(store, partitions.Ref, NullLogger.Instance));
        var completion = new TaskAppendCompletion();

        actor.Tell(new AppendMessages(new[] { Message(1, "a"), Message(1, "b"), Message(2, "c") }, completion), ActorRefs.NoSender);

        Assert.All(await completion.Task.WaitAsync(Timeout), r => Assert.True(r.IsOk));
        Assert.Equal(new MessageArrived("T", 1), await partitions.ExpectMsgAsync<MessageArrived>());
        Assert.Equal(new MessageArrived("T", 2), await partitions.ExpectMsgAsync<MessageArrived>());

        // Nothing more: a later flush request is answered without any further arrival notice.
        await actor.Ask<StoreFlushed>(FlushStore.Instance, Timeout);
        await partitions.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Follower_AppendsNothing_UntilItIsMasterAgain()
    {
        using MessageStore store = MessageStore.Open(Settings(FlushMode.GroupCommit));
        var membership = new Membership.BrokerMembership(new Membership.MembershipState(1, false, 3, "10.0.0.9:10911"));
        IActorRef actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance, membership: membership));

        AppendResult refused = await SendAsync(actor, Message(0, "x")).WaitAsync(Timeout);

        Assert.Equal(AppendStatus.ServiceNotAvailable, refused.Status);
        Assert.Equal(0, store.MaxPhysicalOffset);

        membership.Publish(new Membership.MembershipState(0, true, 4, null));
        Assert.True((await SendAsync(actor, Message(0, "y")).WaitAsync(Timeout)).IsOk);
        Assert.Equal(1, store.GetMaxOffset("T", 0));
    }

    private static async Task<AppendResult> SendAsync(IActorRef actor, MessageToStore message)
    {
        var completion = new TaskAppendCompletion();
        actor.Tell(new AppendMessages(new[] { message }, completion), ActorRefs.NoSender);
        return (await completion.Task)[0];
    }

    /// <summary>A sender whose answer takes until <c>release</c> is set (a caller slow to build its response).</summary>
    private sealed class SlowCompletion(ManualResetEventSlim release) : IAppendCompletion
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Complete(ReadOnlySpan<AppendResult> results)
        {
            _entered.TrySetResult();
            release.Wait(Timeout);
        }

        public void Fail(Exception error) => _entered.TrySetException(error);
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
