using AkkaMq.Store.Testing;
using Microsoft.Extensions.Time.Testing;
using static AkkaMq.Store.Tests.PowerCutChecks;

namespace AkkaMq.Store.Tests;

/// <summary>
/// The store on a device that loses power: only synced bytes and synced names come back. Load
/// comes from several producers through a front that appends and acknowledges the way the
/// broker's store actor does (see <see cref="AckingStoreFront"/>).
/// </summary>
public sealed class PowerCutTests
{
    private const int Producers = 8;

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    [InlineData(7, true)]
    [InlineData(8, true)]
    public async Task GroupCommit_EveryAcknowledgedAppendSurvivesAPowerCutAtARandomMoment(int seed, bool tearLastWrite)
    {
        string dir = NewDir();
        var random = new Random(seed);
        using var device = new PowerCutDevice(dir);
        PowerCutDevice after;
        List<SentMessage> appended, acknowledged;
        using (MessageStore store = Open(Settings(dir, FlushMode.GroupCommit, device)))
        using (var front = new AckingStoreFront(store))
        using (var stop = new CancellationTokenSource())
        {
            Task producers = front.RunProducersAsync(Producers, seed, stop.Token);
            int cutAfter = 100 + random.Next(1500);
            await WaitForAsync(() => front.Acknowledged.Count >= cutAfter, $"{cutAfter} acknowledged sends");
            await Task.Delay(random.Next(3));
            after = device.PowerCut(tearLastWrite ? random : null);
            stop.Cancel();
            await producers;
            acknowledged = [.. front.Acknowledged];
            appended = [.. front.Appended];
        }

        using (after)
        using (MessageStore reopened = Open(Settings(dir, FlushMode.GroupCommit, after)))
        {
            Assert.True(acknowledged.Count >= 100);
            VerifyRecovered(reopened, appended, acknowledged);
        }
    }

    /// <summary>
    /// Async flushing: a background pass flushes the log every FlushInterval, so a power cut loses
    /// the appends made since the last pass's flush and nothing before it. The store's clock is
    /// moved by hand, one pass at a time, while the producers keep sending.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Async_APowerCutLosesNothingAppendedBeforeTheLastFlushPass_AndDoesLoseWhatCameAfter(int seed)
    {
        string dir = NewDir();
        var random = new Random(seed);
        var time = new FakeTimeProvider();
        using var device = new PowerCutDevice(dir);
        StoreSettings settings = Settings(dir, FlushMode.Async, device) with
        {
            FlushInterval = TimeSpan.FromMilliseconds(500),
            CheckpointInterval = TimeSpan.FromMilliseconds(1500),
        };
        PowerCutDevice after;
        List<SentMessage> appended, flushed = [];
        using (MessageStore store = Open(settings, time))
        using (var front = new AckingStoreFront(store))
        using (var stop = new CancellationTokenSource())
        {
            Task producers = front.RunProducersAsync(Producers, seed, stop.Token);
            int passes = 2 + random.Next(5);
            for (int pass = 0; pass < passes; pass++)
            {
                int target = front.Acknowledged.Count + 50 + random.Next(200);
                await WaitForAsync(() => front.Acknowledged.Count >= target, "sends between passes");
                List<SentMessage> beforePass = [.. front.Acknowledged];
                long passesBefore = store.MaintenancePasses;
                time.Advance(settings.FlushInterval);
                await WaitForAsync(() => store.MaintenancePasses > passesBefore, "the flush pass");
                flushed = beforePass;
            }

            int atLastPass = front.Acknowledged.Count;
            await WaitForAsync(() => front.Acknowledged.Count >= atLastPass + 100, "sends after the last pass");
            after = device.PowerCut();
            stop.Cancel();
            await producers;
            appended = [.. front.Appended];
        }

        using (after)
        using (MessageStore reopened = Open(settings with { Device = after }))
        {
            long appendedEnd = appended.Max(m => m.Result.CommitLogOffset + m.Result.StoredSize);
            Assert.True(reopened.MaxPhysicalOffset < appendedEnd,
                $"the appends after the last pass were never synced and must be gone (log recovered to {reopened.MaxPhysicalOffset} of {appendedEnd})");
            VerifyRecovered(reopened, appended, flushed);
        }
    }

    public static TheoryData<string, FlushMode> Steps()
    {
        var data = new TheoryData<string, FlushMode>();
        foreach (FlushMode mode in new[] { FlushMode.GroupCommit, FlushMode.Async })
        {
            foreach (string step in CutPoints.Names)
            {
                data.Add(step, mode);
            }
        }
        return data;
    }

    /// <summary>
    /// A power cut at a given step of a segment switch, a checkpoint or an index write, under load:
    /// the reopened store is consistent, and with group commit holds every acknowledged append.
    /// </summary>
    [Theory]
    [MemberData(nameof(Steps))]
    public async Task PowerCutAtAStep_LeavesAConsistentStore_WithEveryAcknowledgedGroupCommit(string step, FlushMode mode)
    {
        string dir = NewDir();
        using var device = new PowerCutDevice(dir) { CutBefore = CutPoints.At(step, dir), TearOnCut = new Random(step.Length) };
        List<SentMessage> appended, acknowledged;
        using (MessageStore store = Open(Settings(dir, mode, device)))
        using (var front = new AckingStoreFront(store))
        using (var stop = new CancellationTokenSource())
        {
            Task producers = front.RunProducersAsync(Producers, step.Length, stop.Token);
            await WaitForAsync(() => device.AfterCut is not null, $"the power cut at \"{step}\"", seconds: 20);
            stop.Cancel();
            await producers;
            acknowledged = [.. front.Acknowledged];
            appended = [.. front.Appended];
        }

        using PowerCutDevice after = device.AfterCut!;
        using MessageStore reopened = Open(Settings(dir, mode, after));
        VerifyRecovered(reopened, appended, mode == FlushMode.GroupCommit ? acknowledged : []);
    }

    [Fact]
    public void SlowDisk_EveryGroupCommitWaitsForTheSync()
    {
        string dir = NewDir();
        using var device = new PowerCutDevice(dir);
        using MessageStore store = Open(Settings(dir, FlushMode.GroupCommit, device));
        store.AppendOne(Msg.Create("PC", 0, "warm"));
        device.SyncDelay = TimeSpan.FromMilliseconds(50);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(store.AppendOne(Msg.Create("PC", 0, "slow")).IsOk);

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(45), $"append took {watch.Elapsed}");
    }

    private static string NewDir() => "/power-cut-" + Guid.NewGuid().ToString("N") + "/store";
}

/// <summary>Named moments to cut the power at, as predicates over the device's operations.</summary>
internal static class CutPoints
{
    public static readonly string[] Names =
    [
        "new commit-log segment allocated",
        "new commit-log segment renamed into place",
        "commit-log directory sync after a new segment",
        "new commit-log segment partly written",
        "checkpoint written, not renamed",
        "checkpoint renamed, directory not synced",
        "consume queues partly flushed",
        "index flush",
        "new index file allocated",
        "new index file renamed into place",
        "first commit-log write after a checkpoint",
    ];

    public static Func<DeviceOperation, string, bool> At(string step, string dir)
    {
        string log = Path.Combine(dir, "commitlog");
        string firstSegment = Path.Combine(log, SegmentedFile.FileName(0));
        string index = Path.Combine(dir, "index");
        string checkpoint = Path.Combine(dir, "checkpoint");
        int seen = 0;
        bool checkpointMoved = false;
        bool Nth(bool match, int n) => match && ++seen == n;
        bool InLog(string path) => Path.GetDirectoryName(path) == log;
        return step switch
        {
            "new commit-log segment allocated" => (op, path) => Nth(op is DeviceOperation.Create or DeviceOperation.ZeroFill && InLog(path), 2),
            "new commit-log segment renamed into place" => (op, path) => Nth(op == DeviceOperation.Move && InLog(path) && path != firstSegment, 1),
            "commit-log directory sync after a new segment" => (op, path) => Nth(op == DeviceOperation.SyncDirectory && path == log, 2),
            "new commit-log segment partly written" => (op, path) => Nth(op == DeviceOperation.Write && InLog(path) && path != firstSegment, 3),
            "checkpoint written, not renamed" => (op, path) => Nth(op == DeviceOperation.Move && path == checkpoint, 2),
            "checkpoint renamed, directory not synced" => (op, path) =>
            {
                if (op == DeviceOperation.SyncDirectory && path == dir && checkpointMoved)
                {
                    return true;
                }
                checkpointMoved |= Nth(op == DeviceOperation.Move && path == checkpoint, 2);
                return false;
            },
            "consume queues partly flushed" => (op, path) => Nth(op == DeviceOperation.Sync && path.StartsWith(Path.Combine(dir, "consumequeue"), StringComparison.Ordinal), 6),
            "index flush" => (op, path) => Nth(op == DeviceOperation.Sync && Path.GetDirectoryName(path) == index, 3),
            "new index file allocated" => (op, path) => Nth(op == DeviceOperation.Create && Path.GetDirectoryName(path) == index, 2),
            "new index file renamed into place" => (op, path) => Nth(op == DeviceOperation.Move && Path.GetDirectoryName(path) == index, 2),
            // Recovery then starts from this checkpoint: what it covers must be on disk in the consume queues and the index.
            "first commit-log write after a checkpoint" => (op, path) =>
            {
                if (op == DeviceOperation.Write && InLog(path) && checkpointMoved)
                {
                    return true;
                }
                checkpointMoved |= Nth(op == DeviceOperation.Move && path == checkpoint, 3);
                return false;
            },
            _ => throw new ArgumentException(step, nameof(step)),
        };
    }
}
