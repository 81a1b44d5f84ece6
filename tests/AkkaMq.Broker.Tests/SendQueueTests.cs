using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>The send queue in front of the store: capacity, waiting too long, a busy disk.</summary>
public sealed class SendQueueTests : TestKit, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-send-queue-" + Guid.NewGuid().ToString("N"));

    void IDisposable.Dispose()
    {
        Shutdown();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Admission_IsRefused_AtCapacity_AndFreedByLeaving()
    {
        var queue = new SendQueue(SendQueueSettings.Default with { Capacity = 2 });

        Assert.Equal(SendQueue.Admission.Admitted, queue.TryEnter());
        Assert.Equal(SendQueue.Admission.Admitted, queue.TryEnter());
        Assert.Equal(SendQueue.Admission.Full, queue.TryEnter());
        Assert.Equal(2, queue.Count);

        queue.Leave();
        Assert.Equal(SendQueue.Admission.Admitted, queue.TryEnter());
    }

    [Fact]
    public async Task SendThatWaitedPastMaxWait_IsShed_NotWritten()
    {
        using var store = MessageStore.Open(Settings());
        var queue = new SendQueue(SendQueueSettings.Default with { MaxWait = TimeSpan.FromMilliseconds(200) });
        var actor = Sys.ActorOf(StoreActor.Props(store, null, NullLogger.Instance, queue));

        long queuedAt = Stopwatch.GetTimestamp() - Stopwatch.Frequency * 3 / 10;
        var stale = new RecordingCompletion();
        actor.Tell(new AppendMessages(new[] { Message("stale") }, stale, queuedAt));
        var shed = await stale.Shed.Task.WaitAsync(Timeout);

        Assert.Equal(SendShed.WaitedTooLong, shed.Reason);
        Assert.InRange(shed.WaitedMs, 300, 10_000);
        // Nothing of it was stored: the next send is the queue's first message.
        var fresh = new RecordingCompletion();
        actor.Tell(new AppendMessages(new[] { Message("fresh") }, fresh, Stopwatch.GetTimestamp()));
        Assert.Equal(0, (await fresh.Done.Task.WaitAsync(Timeout)).QueueOffset);
    }

    [Fact]
    public async Task FlushPastTheBusyTimeout_RefusesNewSends_AndShedsQueuedOnes()
    {
        using var store = MessageStore.Open(Settings());
        var queue = new SendQueue(SendQueueSettings.Default with { PageCacheBusyTimeout = TimeSpan.FromMilliseconds(100) });
        using var disk = new ManualResetEventSlim();
        var actor = Sys.ActorOf(StoreActor.Props(store, null, NullLogger.Instance, queue, beforeFlush: () => disk.Wait(Timeout)));

        var first = new RecordingCompletion();
        actor.Tell(new AppendMessages(new[] { Message("first") }, first, Stopwatch.GetTimestamp()));
        await WaitUntilAsync(() => queue.TryEnter() == SendQueue.Admission.PageCacheBusy);

        var queued = new RecordingCompletion();
        actor.Tell(new AppendMessages(new[] { Message("queued") }, queued, Stopwatch.GetTimestamp()));
        Assert.Equal(SendShed.PageCacheBusy, (await queued.Shed.Task.WaitAsync(Timeout)).Reason);

        disk.Set();
        Assert.True((await first.Done.Task.WaitAsync(Timeout)).IsOk);
        await WaitUntilAsync(() => queue.TryEnter() == SendQueue.Admission.Admitted);
    }

    [Fact]
    public async Task BrokersOwnAppends_AreNeverShed()
    {
        using var store = MessageStore.Open(Settings());
        var queue = new SendQueue(SendQueueSettings.Default with { MaxWait = TimeSpan.FromMilliseconds(1) });
        var actor = Sys.ActorOf(StoreActor.Props(store, null, NullLogger.Instance, queue));

        var own = new RecordingCompletion();
        actor.Tell(new AppendMessages(new[] { Message("offsets") }, own));

        Assert.True((await own.Done.Task.WaitAsync(Timeout)).IsOk);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    private static MessageToStore Message(string body) =>
        new("SendQueueTopic", 0, 0, System.Text.Encoding.UTF8.GetBytes(body), string.Empty, 1_700_000_000_000,
            new IPv4Endpoint(0x0A000001, 50000), new IPv4Endpoint(0xC0A80101, 10911));

    private StoreSettings Settings() => new()
    {
        Dir = _dir,
        FlushMode = FlushMode.GroupCommit,
        CommitLogSegmentSize = 1 << 20,
        ConsumeQueueEntriesPerFile = 1000,
        // Tests must not depend on how full the machine's disk is.
        DiskWatermarkRatio = 1.0,
        MaxMessageSize = 2048,
    };

    private sealed class RecordingCompletion : IAppendCompletion
    {
        public TaskCompletionSource<AppendResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<(SendShed Reason, long WaitedMs)> Shed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(ReadOnlySpan<AppendResult> results) => Done.TrySetResult(results[0]);

        public void Fail(Exception error) => Done.TrySetException(error);

        void IAppendCompletion.Shed(SendShed reason, long waitedMs, int queueSize) => Shed.TrySetResult((reason, waitedMs));
    }
}
