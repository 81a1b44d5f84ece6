namespace AkkaMq.Store.Tests;

public sealed class RetentionTests
{
    [Fact]
    public void DeleteExpiredFiles_RemovesOldSegmentsQueuesAndIndex()
    {
        using var dir = new TempDir();
        var time = new FakeTime();
        StoreSettings settings = Msg.Small(dir.Path) with { FileReservedTime = TimeSpan.FromHours(1) };
        var old = new List<AppendResult>();
        using (MessageStore store = MessageStore.Open(settings, time: time))
        {
            for (int i = 0; i < 60; i++)
            {
                old.Add(store.AppendOne(Msg.Create("T", 0, new string('o', 200), keys: "old" + i)));
            }
            Assert.Equal(0, store.DeleteExpiredFiles());
            time.Advance(TimeSpan.FromHours(2));
            for (int i = 0; i < 30; i++)
            {
                store.AppendOne(Msg.Create("T", 0, new string('n', 200), keys: "new" + i));
            }
            long oldEnd = old[^1].CommitLogOffset + old[^1].StoredSize;
            int deleted = store.DeleteExpiredFiles();
            Assert.True(deleted >= 3, $"deleted {deleted}");
            Assert.True(store.MinPhysicalOffset > 0 && store.MinPhysicalOffset <= oldEnd);
            Assert.False(store.TryGetMessage(old[0].CommitLogOffset, old[0].StoredSize, out _));
            long min = store.GetMinOffset("T", 0);
            Assert.True(min > 0);
            Assert.All(store.ReadAll("T", 0), e => Assert.True(e.CommitLogOffset >= store.MinPhysicalOffset));
            Assert.Equal(90, store.GetMaxOffset("T", 0));
            Assert.Empty(store.QueryByKey("T", "old0", 0, long.MaxValue, 5));
            Assert.Single(store.QueryByKey("T", "new3", 0, long.MaxValue, 5));
            Assert.False(File.Exists(Path.Combine(dir.Path, "consumequeue", "T", "0", SegmentedFile.FileName(0))));
        }
        using (MessageStore store = MessageStore.Open(settings, time: time))
        {
            Assert.True(store.GetMinOffset("T", 0) > 0);
            Assert.Equal(90, store.GetMaxOffset("T", 0));
            Assert.Equal(90, store.AppendOne(Msg.Create("T", 0, "more")).QueueOffset);
        }
    }

    [Fact]
    public void Append_RefusesWrite_WhenDiskAboveWatermark_WhileReadsGoOn()
    {
        using var dir = new TempDir();
        double usage = 0.5;
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { DiskWatermarkRatio = 0.8 }, diskUsage: _ => usage);
        AppendResult first = store.AppendOne(Msg.Create("T", 0, "before"));
        usage = 0.9;
        store.RefreshDiskUsage();
        Assert.Equal(AppendStatus.AboveDiskWatermark, store.AppendOne(Msg.Create("T", 0, "refused")).Status);
        Assert.Equal(ReplicaAppendStatus.AboveDiskWatermark, store.AppendReplicated(new byte[100], store.MaxPhysicalOffset));
        Assert.Equal("before"u8.ToArray(), store.Read(first).Body);
        Assert.Equal(1, store.GetMaxOffset("T", 0));
        usage = 0.7;
        store.RefreshDiskUsage();
        Assert.Equal(1, store.AppendOne(Msg.Create("T", 0, "after")).QueueOffset);
    }

    [Fact]
    public void Append_ReportsDiskFull_WhenSegmentCannotBeCreated_AndKeepsDataReadable()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        // Occupy the next segment's name so creating it fails with an IOException, as ENOSPC would.
        string blocker = Path.Combine(dir.Path, "commitlog", SegmentedFile.FileName(4096));
        Directory.CreateDirectory(blocker);
        var ok = new List<AppendResult>();
        AppendResult r;
        while ((r = store.AppendOne(Msg.Create("T", 0, new string('d', 500)))).IsOk)
        {
            ok.Add(r);
        }
        Assert.Equal(AppendStatus.DiskFull, r.Status);
        AppendResult[] batch = store.AppendMany(Msg.Create("T", 0, new string('a', 1500)), Msg.Create("T", 0, new string('b', 1500)));
        Assert.All(batch, b => Assert.Equal(AppendStatus.DiskFull, b.Status));
        Assert.All(ok, x => Assert.Equal(500, store.Read(x).Body.Length));
        Assert.Equal(ok.Count, store.GetMaxOffset("T", 0));
        Directory.Delete(blocker);
        Assert.Equal(ok.Count, store.AppendOne(Msg.Create("T", 0, new string('d', 500))).QueueOffset);
    }
}
