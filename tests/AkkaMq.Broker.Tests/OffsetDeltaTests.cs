using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>Consumer offsets reach the log as delta records soon after each commit, and load back from snapshot + deltas.</summary>
public sealed class OffsetDeltaTests : TestKit, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly IPv4Endpoint Host = new(0x7F000001, 10911);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-offset-deltas-" + Guid.NewGuid().ToString("N"));

    void IDisposable.Dispose()
    {
        Shutdown();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task DurableCommits_AreInTheLogWhenAnswered_AndSurviveARestartWithoutASnapshot()
    {
        var store = Open();
        var (storeActor, offsets) = Start(store);
        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "G1", "T", 0, 10));
        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "G1", "T", 1, 20));
        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "G2", "T", 0, 30));

        // Answered: the records are in the log already; no snapshot was needed for that.
        var loaded = OffsetSnapshot.LoadLatest(store);
        Assert.Equal(10, loaded["T@G1"][0]);
        Assert.Equal(20, loaded["T@G1"][1]);
        Assert.Equal(30, loaded["T@G2"][0]);
        Assert.Equal(0, OffsetRecords.CountSnapshots(store));

        // A crash: the actors stop without storing a snapshot, the store is closed and reopened.
        await offsets.GracefulStop(Timeout);
        await storeActor.GracefulStop(Timeout);
        store.Dispose();
        using var reopened = Open();
        var afterRestart = OffsetSnapshot.LoadLatest(reopened);
        Assert.Equal(10, afterRestart["T@G1"][0]);
        Assert.Equal(20, afterRestart["T@G1"][1]);
        Assert.Equal(30, afterRestart["T@G2"][0]);
    }

    [Fact]
    public async Task ADeltaAfterASnapshot_IsApplied_AndAnUnchangedCommitWritesNothingNew()
    {
        using var store = Open();
        var (_, offsets) = Start(store);
        offsets.Tell(new CommitOffset("G", "T", 0, 5));
        offsets.Tell(new CommitOffset("G", "T", 1, 6));
        await offsets.Ask<OffsetsPersisted>(PersistOffsets.Instance, Timeout);
        Assert.Equal(1, OffsetRecords.CountSnapshots(store));

        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "G", "T", 0, 9));
        var loaded = OffsetSnapshot.LoadLatest(store);
        Assert.Equal(9, loaded["T@G"][0]);
        Assert.Equal(6, loaded["T@G"][1]);
        string last = Encoding.UTF8.GetString(OffsetRecords.Bodies(store)[^1]);
        Assert.StartsWith("""{"offsetDelta":{"T@G":{""", last, StringComparison.Ordinal);
        Assert.Contains("\"0\":9", last, StringComparison.Ordinal);

        long records = store.GetMaxOffset(OffsetSnapshot.Topic, 0);
        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "G", "T", 0, 9));
        Assert.Equal(records, store.GetMaxOffset(OffsetSnapshot.Topic, 0));
    }

    [Fact]
    public void AnOldStoreWithOnlySnapshots_StillLoads_AndLaterDeltasApplyOnTop()
    {
        using var store = Open();
        Append(store, """{"offsetTable":{"T@G":{"0":12,"1":3},"U@G":{"2":7}}}""");
        Append(store, """{"offsetTable":{"T@G":{"0":13,"1":3},"U@G":{"2":7}}}""");
        var loaded = OffsetSnapshot.LoadLatest(store);
        Assert.Equal(13, loaded["T@G"][0]);
        Assert.Equal(7, loaded["U@G"][2]);

        Append(store, """{"offsetDelta":{"T@G":{"1":4}}}""");
        Append(store, """{"offsetDelta":{"U@G":{"5":1}},"replaced":["U@G"]}""");
        Append(store, """{"offsetDelta":{"T@G":{"1":8}}}""");
        loaded = OffsetSnapshot.LoadLatest(store);
        Assert.Equal(new Dictionary<int, long> { [0] = 13, [1] = 8 }, loaded["T@G"]);
        Assert.Equal(new Dictionary<int, long> { [5] = 1 }, loaded["U@G"]);
    }

    [Fact]
    public void TheDeltaOfOneChangedQueue_IsSmall_WhateverTheSizeOfTheTable()
    {
        var table = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        for (int g = 0; g < 200; g++)
        {
            table[$"SomeTopic@Group{g}"] = Enumerable.Range(0, 16).ToDictionary(q => q, q => 1_000_000L + q);
        }

        byte[] delta = OffsetSnapshot.EncodeDelta(table, new(StringComparer.Ordinal) { ["SomeTopic@Group7"] = [3] }, new(StringComparer.Ordinal));
        Assert.Equal("""{"offsetDelta":{"SomeTopic@Group7":{"3":1000003}}}""", Encoding.UTF8.GetString(delta));
        Assert.True(OffsetSnapshot.Encode(table).Length > 100 * delta.Length);
    }

    [Fact]
    public async Task OneWayCommits_ReachTheLogSoon_CoalescedIntoFewRecords()
    {
        using var store = Open();
        var (_, offsets) = Start(store);
        for (int i = 1; i <= 500; i++)
        {
            offsets.Tell(new CommitOffset("G", "T", i % 4, i));
        }

        await AwaitAssertAsync(
            () =>
            {
                var loaded = OffsetSnapshot.LoadLatest(store);
                Assert.True(loaded.TryGetValue("T@G", out var queues));
                Assert.Equal(new Dictionary<int, long> { [0] = 500, [1] = 497, [2] = 498, [3] = 499 }, queues);
            },
            TimeSpan.FromSeconds(3),
            TimeSpan.FromMilliseconds(20));
        Assert.Equal(0, OffsetRecords.CountSnapshots(store));
        Assert.InRange(OffsetRecords.Deltas(store).Count, 1, 50);
    }

    [Fact]
    public async Task ResetsAndClones_AreInTheLogWithoutASnapshot()
    {
        using var store = Open();
        var (_, offsets) = Start(store);
        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "Source", "T", 0, 40));
        Assert.Equal(OffsetCommitOutcome.Done, await CommitDurablyAsync(offsets, "Dest", "T", 7, 99));
        await offsets.Ask<OffsetsReset>(new ResetGroupOffsets("Source", "T", new Dictionary<int, long> { [0] = 3, [1] = 4 }, UntilPulled: false), Timeout);
        await offsets.Ask<ClonedTopics>(new CloneGroupOffsets("Source", "Dest", ["T"]), Timeout);

        await AwaitAssertAsync(
            () =>
            {
                var loaded = OffsetSnapshot.LoadLatest(store);
                Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 4 }, loaded["T@Source"]);
                // A clone sets the destination whole: its queue 7 is gone, as in memory.
                Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 4 }, loaded["T@Dest"]);
            },
            TimeSpan.FromSeconds(3),
            TimeSpan.FromMilliseconds(20));
        Assert.Equal(0, OffsetRecords.CountSnapshots(store));
    }

    [Fact]
    public async Task ADurableCommit_IsAnsweredAsNotStored_WhenTheStoreRefusesTheRecord()
    {
        using var store = Open();
        var (_, offsets) = Start(store);
        store.Fail("test: disk gone");
        var outcome = await CommitDurablyAsync(offsets, "G", "T", 0, 1);
        Assert.False(outcome.Stored);
        Assert.Contains("StoreFailed", outcome.Error, StringComparison.Ordinal);
    }

    private MessageStore Open() => MessageStore.Open(new StoreSettings
    {
        Dir = _dir,
        CommitLogSegmentSize = 1 << 20,
        MaxMessageSize = 64 * 1024,
        ConsumeQueueEntriesPerFile = 1000,
        IndexHashSlots = 17,
        IndexEntriesPerFile = 64,
        FlushMode = FlushMode.GroupCommit,
        DiskWatermarkRatio = 1.0,
    });

    private (IActorRef Store, IActorRef Offsets) Start(MessageStore store)
    {
        var storeActor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));
        var offsets = Sys.ActorOf(OffsetsActor.Props(
            new Dictionary<string, Dictionary<int, long>>(), storeActor, Host, TimeSpan.FromHours(72), new OffsetResets(TimeProvider.System),
            TimeProvider.System, NullLogger.Instance));
        return (storeActor, offsets);
    }

    private static Task<OffsetCommitOutcome> CommitDurablyAsync(IActorRef offsets, string group, string topic, int queueId, long offset) =>
        offsets.Ask<OffsetCommitOutcome>(new CommitOffsetDurably(new CommitOffset(group, topic, queueId, offset)), Timeout);

    private static void Append(MessageStore store, string body)
    {
        var results = new AppendResult[1];
        store.Append([new MessageToStore(OffsetSnapshot.Topic, 0, 0, Encoding.UTF8.GetBytes(body), string.Empty, 0, Host, Host)], results);
        Assert.True(results[0].IsOk, results[0].Status.ToString());
    }
}
