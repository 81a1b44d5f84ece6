using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AkkaMq.Store.Tests;

public sealed class MessageStoreTests
{
    [Theory]
    [InlineData(FlushMode.Async)]
    [InlineData(FlushMode.GroupCommit)]
    public void Append_AssignsOffsets_AndReadsBackStoredRecord(FlushMode mode)
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path, mode));
        AppendResult[] r = store.AppendMany(Msg.Create("A", 0, "one"), Msg.Create("A", 0, "two"), Msg.Create("A", 1, "three"), Msg.Create("B", 0, "four"));
        Assert.All(r, x => Assert.Equal(AppendStatus.Ok, x.Status));
        Assert.Equal(new long[] { 0, 1, 0, 0 }, r.Select(x => x.QueueOffset));
        Assert.Equal(0, r[0].CommitLogOffset);
        Assert.Equal(r[0].StoredSize, r[1].CommitLogOffset);
        StoredMessage m = store.Read(r[1]);
        Assert.Equal(("A", 0, 1L, "two", 7), (m.Topic, m.QueueId, m.QueueOffset, Encoding.UTF8.GetString(m.Body), m.Flag));
        Assert.Equal(2, store.GetMaxOffset("A", 0));
        Assert.Equal(0, store.GetMinOffset("A", 0));
        Assert.Equal(0, store.GetMaxOffset("nope", 0));
    }

    [Fact]
    public void GroupCommitAppends_WrittenPageByPage_KeepEveryRecordAndLeaveZerosPastTheEnd()
    {
        // Each append is its own write, run on with zeros to the end of its page; records that
        // share a page must survive the writes after them, and nothing past the log end changes.
        using var dir = new TempDir();
        var settings = Msg.Small(dir.Path, FlushMode.GroupCommit) with { CommitLogSegmentSize = 64 * 1024 };
        var written = new List<(AppendResult Result, string Body)>();
        using (MessageStore store = MessageStore.Open(settings))
        {
            for (int i = 0; written.Count == 0 || store.MaxPhysicalOffset < 3 * 64 * 1024; i++)
            {
                string body = new string((char)('a' + (i % 26)), 37 + (i * 211 % 1300)) + i;
                written.Add((store.AppendOne(Msg.Create("T", i % 3, body)), body));
                if (i > 0)
                {
                    Assert.Equal(written[i - 1].Body, Encoding.UTF8.GetString(store.Read(written[i - 1].Result).Body));
                }
            }

            foreach (var (result, body) in written)
            {
                Assert.Equal(body, Encoding.UTF8.GetString(store.Read(result).Body));
            }

            long end = store.MaxPhysicalOffset;
            string last = Path.Combine(dir.Path, "commitlog", (end / (64 * 1024) * (64 * 1024)).ToString("D20", System.Globalization.CultureInfo.InvariantCulture));
            byte[] tail = File.ReadAllBytes(last).AsSpan((int)(end % (64 * 1024))).ToArray();
            Assert.All(tail, b => Assert.Equal(0, b));
        }

        using MessageStore reopened = MessageStore.Open(settings);
        foreach (var (result, body) in written)
        {
            Assert.Equal(body, Encoding.UTF8.GetString(reopened.Read(result).Body));
        }
    }

    [Fact]
    public async Task Background_FlushesTheLogEveryFlushInterval_AndCheckpointsOnlyEveryCheckpointInterval()
    {
        using var dir = new TempDir();
        var time = new FakeTimeProvider();
        var settings = Msg.Small(dir.Path) with { CommitLogSegmentSize = 64 * 1024, CheckpointInterval = TimeSpan.FromMilliseconds(1500) };
        using MessageStore store = MessageStore.Open(settings, time: time);
        var checkpoint = new StoreCheckpoint(dir.Path);
        int passes = (int)(settings.CheckpointInterval / settings.FlushInterval);

        // Every pass short of the checkpoint interval flushes what was appended since the last
        // one (async mode: appends never flush) and records no checkpoint.
        for (int pass = 1; pass < passes; pass++)
        {
            store.AppendOne(Msg.Create("T", 0, "m" + pass));
            Assert.Equal(pass - 1, store.FlushCount);
            await NextPassAsync(store, time, settings.FlushInterval);
            Assert.Equal(pass, store.FlushCount);
            Assert.False(checkpoint.Load() && checkpoint.DispatchedOffset > 0, $"checkpoint at {pass * settings.FlushInterval}");
        }

        // The pass at the interval flushes too and records everything dispatched.
        store.AppendOne(Msg.Create("T", 0, "last"));
        await NextPassAsync(store, time, settings.FlushInterval);
        Assert.Equal(passes, store.FlushCount);
        Assert.True(checkpoint.Load());
        Assert.Equal(store.MaxPhysicalOffset, checkpoint.DispatchedOffset);
    }

    /// <summary>Moves the store's clock by one flush interval and waits for the background pass that makes due (one, and only one).</summary>
    private static async Task NextPassAsync(MessageStore store, FakeTimeProvider time, TimeSpan flushInterval)
    {
        long before = store.MaintenancePasses;
        time.Advance(flushInterval);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (store.MaintenancePasses == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "no background pass within 20 s");
            await Task.Delay(5);
        }

        Assert.Equal(before + 1, store.MaintenancePasses);
    }

    [Fact]
    public void Open_RejectsANonPositiveCheckpointInterval()
    {
        using var dir = new TempDir();

        var e = Assert.Throws<ArgumentException>(() => MessageStore.Open(Msg.Small(dir.Path) with { CheckpointInterval = TimeSpan.Zero }));
        Assert.Contains("CheckpointInterval", e.Message);
    }

    [Fact]
    public void Append_RollsSegments_AndNoRecordSpansTwo()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        var results = new List<AppendResult>();
        for (int i = 0; i < 40; i++)
        {
            results.Add(store.AppendOne(Msg.Create("T", 0, new string('x', 300) + i)));
        }
        Assert.All(results, r => Assert.Equal(r.CommitLogOffset / 4096, (r.CommitLogOffset + r.StoredSize - 1) / 4096));
        Assert.True(Directory.GetFiles(Path.Combine(dir.Path, "commitlog")).Length > 2);
        Assert.Contains("00000000000000004096", Directory.GetFiles(Path.Combine(dir.Path, "commitlog")).Select(Path.GetFileName));
        for (int i = 0; i < 40; i++)
        {
            Assert.EndsWith(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(store.Read(results[i]).Body));
        }
        List<QueueEntry> entries = store.ReadAll("T", 0);
        Assert.Equal(results.Select(r => r.CommitLogOffset), entries.Select(e => e.CommitLogOffset));
    }

    [Fact]
    public void Append_ReturnsExpectedStatuses_ForBadMessages()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        AppendResult[] r = store.AppendMany(
            Msg.Create("T", 0, new string('x', 3000)),
            Msg.Create(new string('t', 128), 0, "x"),
            Msg.Create("", 0, "x"),
            Msg.Create("../evil", 0, "x"),
            Msg.Create("T", 0, "fine"));
        Assert.Equal(new[] { AppendStatus.MessageTooLarge, AppendStatus.MessageTooLarge, AppendStatus.InvalidMessage, AppendStatus.InvalidMessage, AppendStatus.Ok },
            r.Select(x => x.Status));
        Assert.Equal(0, r[4].QueueOffset);
    }

    [Fact]
    public void ReadQueue_FiltersByTagCode()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        for (int i = 0; i < 30; i++)
        {
            store.AppendOne(Msg.Create("T", 0, "m" + i, tags: i % 3 == 0 ? "red" : "blue"));
        }
        List<QueueEntry> red = store.ReadAll("T", 0, PropertyString.TagsCode("red"));
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 3 == 0).Select(i => (long)i), red.Select(e => e.QueueOffset));
        Assert.All(red, e => Assert.Equal(PropertyString.TagsCode("red"), e.TagsCode));
        Assert.Equal(30, store.ReadAll("T", 0).Count);
    }

    [Fact]
    public void TransactionHalfMessages_TakeNoQueueOffset()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        AppendResult[] r = store.AppendMany(Msg.Create("T", 0, "half", sysFlag: 0x4), Msg.Create("T", 0, "normal"));
        Assert.Equal((0L, 0L), (r[0].QueueOffset, r[1].QueueOffset));
        Assert.Equal(1, store.GetMaxOffset("T", 0));
        Assert.Equal("half", Encoding.UTF8.GetString(store.Read(r[0]).Body));
    }

    [Fact]
    public void GetOffsetByTime_BinarySearchesStoreTime()
    {
        using var dir = new TempDir();
        var time = new FakeTime();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path), time: time);
        long t0 = time.Now.ToUnixTimeMilliseconds();
        for (int i = 0; i < 20; i++)
        {
            store.AppendOne(Msg.Create("T", 0, "m" + i));
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(0, store.GetOffsetByTime("T", 0, t0 - 5));
        Assert.Equal(5, store.GetOffsetByTime("T", 0, t0 + 5000));
        Assert.Equal(6, store.GetOffsetByTime("T", 0, t0 + 5001));
        Assert.Equal(20, store.GetOffsetByTime("T", 0, t0 + 100_000));
        Assert.Equal(t0, store.GetEarliestMessageTime("T", 0));
        Assert.Equal(t0, store.GetEarliestMessageTime());
        Assert.Equal(t0 + 3000, store.GetMessageStoreTimestamp("T", 0, 3));
    }

    [Fact]
    public void PacedCheckpoint_RecordsTheEnd_AndTheIndexAnswersAfterReopen()
    {
        // 200,000 slots: the slot table spans several of the slices a paced checkpoint writes out.
        using var dir = new TempDir();
        var settings = Msg.Small(dir.Path) with { CommitLogSegmentSize = 64 * 1024, IndexHashSlots = 200_000, IndexEntriesPerFile = 1000 };
        var written = new List<AppendResult>();
        using (MessageStore store = MessageStore.Open(settings))
        {
            for (int i = 0; i < 200; i++)
            {
                written.Add(store.AppendOne(Msg.Create("T", i % 4, "m" + i, keys: "key" + i)));
            }

            store.Checkpoint(paced: true);
            var checkpoint = new StoreCheckpoint(dir.Path);
            Assert.True(checkpoint.Load());
            Assert.Equal(store.MaxPhysicalOffset, checkpoint.DispatchedOffset);
        }

        using MessageStore reopened = MessageStore.Open(settings);
        for (int i = 0; i < 200; i += 17)
        {
            Assert.Equal(written[i].CommitLogOffset, Assert.Single(reopened.QueryByKey("T", "key" + i, 0, long.MaxValue, 10)).CommitLogOffset);
        }
    }

    [Fact]
    public void QueryByKey_AndUniqueId_FindVerifiedRecords()
    {
        using var dir = new TempDir();
        var time = new FakeTime();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path), time: time);
        long t0 = time.Now.ToUnixTimeMilliseconds();
        var offsets = new List<long>();
        for (int i = 0; i < 50; i++)
        {
            offsets.Add(store.AppendOne(Msg.Create(i % 2 == 0 ? "A" : "B", 0, "m" + i, keys: $"k{i % 5} all", uniq: $"U{i}")).CommitLogOffset);
            time.Advance(TimeSpan.FromSeconds(10));
        }
        IReadOnlyList<QueryHit> k1 = store.QueryByKey("A", "k1", 0, long.MaxValue, 100);
        Assert.Equal(new long[] { 46, 36, 26, 16, 6 }.Select(i => offsets[(int)i]), k1.Select(h => h.CommitLogOffset));
        Assert.Equal(3, store.QueryByKey("A", "all", 0, long.MaxValue, 3).Count);
        Assert.Equal(3, store.QueryByKey("A", "k1", t0 + 150_000, t0 + 400_000, 100).Count);
        IReadOnlyList<QueryHit> u = store.QueryByUniqueId("B", "U7");
        Assert.Equal(offsets[7], Assert.Single(u).CommitLogOffset);
        Assert.Empty(store.QueryByUniqueId("A", "U7"));
        Assert.True(Directory.GetFiles(Path.Combine(dir.Path, "index")).Length > 1);
    }

    [Fact]
    public void Reopen_RecoversQueuesIndexAndOffsets()
    {
        using var dir = new TempDir();
        var written = new List<AppendResult>();
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            for (int i = 0; i < 30; i++)
            {
                written.Add(store.AppendOne(Msg.Create("T", i % 2, "m" + i, keys: "k" + i)));
            }
        }
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            Assert.Equal(15, store.GetMaxOffset("T", 0));
            Assert.Equal(written[29].CommitLogOffset + written[29].StoredSize, store.MaxPhysicalOffset);
            Assert.Equal(written[7].CommitLogOffset, Assert.Single(store.QueryByKey("T", "k7", 0, long.MaxValue, 10)).CommitLogOffset);
            AppendResult next = store.AppendOne(Msg.Create("T", 0, "after"));
            Assert.Equal(15, next.QueueOffset);
            Assert.Equal(store.MaxPhysicalOffset - next.StoredSize, next.CommitLogOffset);
        }
    }

    [Fact]
    public void Truncate_RewindsLogQueuesIndexAndEpochs()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        store.StartEpoch(1);
        var r = new List<AppendResult>();
        for (int i = 0; i < 20; i++)
        {
            r.Add(store.AppendOne(Msg.Create("T", 0, "m" + i, keys: "k" + i)));
            if (i == 9)
            {
                store.StartEpoch(2);
            }
        }
        store.StartEpoch(3);
        Assert.Equal(3, store.Epochs.Entries.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.TruncateTo(r[5].CommitLogOffset + 1));
        store.TruncateTo(r[5].CommitLogOffset);
        Assert.Equal(r[5].CommitLogOffset, store.MaxPhysicalOffset);
        Assert.Equal(5, store.GetMaxOffset("T", 0));
        Assert.Empty(store.QueryByKey("T", "k7", 0, long.MaxValue, 10));
        Assert.Single(store.QueryByKey("T", "k4", 0, long.MaxValue, 10));
        Assert.Equal(new[] { new EpochEntry(1, 0) }, store.Epochs.Entries);
        Assert.False(store.TryGetMessage(r[6].CommitLogOffset, r[6].StoredSize, out _));
        AppendResult again = store.AppendOne(Msg.Create("T", 0, "new", keys: "k7"));
        Assert.Equal((5L, r[5].CommitLogOffset), (again.QueueOffset, again.CommitLogOffset));
        Assert.Single(store.QueryByKey("T", "k7", 0, long.MaxValue, 10));
    }

    [Fact]
    public void Truncate_SurvivesRestart_WithoutResurrectingOldRecords()
    {
        using var dir = new TempDir();
        var r = new List<AppendResult>();
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            for (int i = 0; i < 30; i++)
            {
                r.Add(store.AppendOne(Msg.Create("T", 0, "m" + i)));
            }
            store.TruncateTo(r[3].CommitLogOffset);
        }
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            Assert.Equal(r[3].CommitLogOffset, store.MaxPhysicalOffset);
            Assert.Equal(3, store.GetMaxOffset("T", 0));
        }
    }

    [Fact]
    public void AppendReplicated_CopiesBytesVerbatim_AndRebuildsQueues()
    {
        using var masterDir = new TempDir();
        using var followerDir = new TempDir();
        using MessageStore master = MessageStore.Open(Msg.Small(masterDir.Path));
        using MessageStore follower = MessageStore.Open(Msg.Small(followerDir.Path, FlushMode.GroupCommit));
        for (int i = 0; i < 40; i++)
        {
            master.AppendOne(Msg.Create("T", i % 3, new string('y', 200) + i, tags: "t" + (i % 2), keys: "k" + i));
        }
        long pos = 0;
        while (pos < master.MaxPhysicalOffset)
        {
            // Ship at most a segment's remainder at a time, as a follower's fetch would.
            long segEnd = ((pos / 4096) + 1) * 4096;
            int len = (int)(Math.Min(segEnd, master.MaxPhysicalOffset) - pos);
            byte[] chunk = ReadRaw(masterDir.Path, pos, len);
            Assert.Equal(ReplicaAppendStatus.Ok, follower.AppendReplicated(chunk, pos));
            pos += len;
        }
        Assert.Equal(master.MaxPhysicalOffset, follower.MaxPhysicalOffset);
        for (int q = 0; q < 3; q++)
        {
            Assert.Equal(master.ReadAll("T", q), follower.ReadAll("T", q));
        }
        Assert.Single(follower.QueryByKey("T", "k17", 0, long.MaxValue, 5));
        Assert.Equal(ReplicaAppendStatus.OffsetMismatch, follower.AppendReplicated(new byte[10], 0));
        byte[] bad = ReadRaw(masterDir.Path, 0, 300);
        Assert.Equal(ReplicaAppendStatus.InvalidRecords, follower.AppendReplicated(bad, follower.MaxPhysicalOffset));
        Assert.Equal(13, follower.AppendOne(Msg.Create("T", 1, "local")).QueueOffset);
    }

    private static byte[] ReadRaw(string dir, long offset, int length)
    {
        string file = Path.Combine(dir, "commitlog", SegmentedFile.FileName(offset - (offset % 4096)));
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buf = new byte[length];
        fs.Position = offset % 4096;
        fs.ReadExactly(buf);
        return buf;
    }
}
