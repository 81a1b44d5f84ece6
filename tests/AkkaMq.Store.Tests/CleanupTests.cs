namespace AkkaMq.Store.Tests;

public sealed class CleanupTests
{
    [Fact]
    public void CleanConsumeQueues_RemovesTheQueuesOfTopicsNoLongerKept_AndLeavesTheOthersReadable()
    {
        using var dir = new TempDir();
        var settings = Msg.Small(dir.Path);
        using (MessageStore store = MessageStore.Open(settings))
        {
            for (int i = 0; i < 5; i++)
            {
                store.AppendOne(Msg.Create("Kept", 0, "k" + i));
                store.AppendOne(Msg.Create("Gone", i % 2, "g" + i));
            }

            int removed = store.CleanConsumeQueues(topic => topic == "Kept");

            Assert.Equal(2, removed);
            Assert.False(Directory.Exists(Path.Combine(dir.Path, "consumequeue", "Gone")));
            Assert.Equal(0, store.GetMaxOffset("Gone", 0));
            Assert.Empty(store.ReadAll("Gone", 0));
            Assert.Equal(5, store.ReadAll("Kept", 0).Count);

            // A topic created again starts its queue afresh.
            Assert.Equal(0, store.AppendOne(Msg.Create("Gone", 0, "again")).QueueOffset);
            Assert.Equal(5, store.AppendOne(Msg.Create("Kept", 0, "k5")).QueueOffset);
        }

        using (MessageStore store = MessageStore.Open(settings))
        {
            // Recovery does not rebuild a removed queue from the records written before the clean.
            Assert.Equal(1, store.GetMaxOffset("Gone", 0));
            Assert.Equal(0, store.GetMaxOffset("Gone", 1));
            Assert.Equal(6, store.GetMaxOffset("Kept", 0));
        }
    }

    [Fact]
    public void CleanConsumeQueues_TrimsKeptQueuesBelowTheCommitLog_ButKeepsTheirOffsets()
    {
        using var dir = new TempDir();
        var time = new FakeTime();
        var settings = Msg.Small(dir.Path) with { FileReservedTime = TimeSpan.FromHours(1), ConsumeQueueEntriesPerFile = 10 };
        using MessageStore store = MessageStore.Open(settings, time: time);
        for (int i = 0; i < 60; i++)
        {
            store.AppendOne(Msg.Create("T", 0, new string('o', 200)));
        }

        time.Advance(TimeSpan.FromHours(2));
        store.AppendOne(Msg.Create("Other", 0, new string('n', 200)));
        Assert.True(store.DeleteExpiredFiles() > 0);

        store.CleanConsumeQueues(_ => true);

        long min = store.GetMinOffset("T", 0);
        Assert.True(min > 0);
        Assert.Equal(60, store.GetMaxOffset("T", 0));
        Assert.All(store.ReadAll("T", 0), e => Assert.True(e.CommitLogOffset >= store.MinPhysicalOffset));
        Assert.False(File.Exists(Path.Combine(dir.Path, "consumequeue", "T", "0", SegmentedFile.FileName(0))));
        Assert.Equal(60, store.AppendOne(Msg.Create("T", 0, "next")).QueueOffset);
    }

    [Fact]
    public void ChangeLimits_ShortensRetention_AndMovesTheDiskWatermark_AtOnce()
    {
        using var dir = new TempDir();
        var time = new FakeTime();
        double usage = 0.5;
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { FileReservedTime = TimeSpan.FromHours(72) }, time: time, diskUsage: _ => usage);
        for (int i = 0; i < 60; i++)
        {
            store.AppendOne(Msg.Create("T", 0, new string('o', 200)));
        }

        time.Advance(TimeSpan.FromHours(3));
        store.AppendOne(Msg.Create("T", 0, "new"));
        Assert.Equal(0, store.DeleteExpiredFiles());

        store.ChangeLimits(TimeSpan.FromHours(2), 0.4);

        Assert.True(store.DeleteExpiredFiles() > 0);
        Assert.Equal(AppendStatus.AboveDiskWatermark, store.AppendOne(Msg.Create("T", 0, "refused")).Status);
        store.ChangeLimits(null, 0.6);
        Assert.True(store.AppendOne(Msg.Create("T", 0, "accepted")).IsOk);
        Assert.Equal(TimeSpan.FromHours(2), store.FileReservedTime);
    }
}
