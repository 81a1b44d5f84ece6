using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Store.Tests;

/// <summary>The commit log's next segment, zero-filled and synced in the background before the writer reaches it.</summary>
public sealed class SegmentPreparationTests
{
    private const long SegmentSize = 1 << 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task NextSegment_IsZeroFilledAhead_AndTakenReadyMade_ThenTheOneAfterIsPrepared()
    {
        using var dir = new TempDir();
        using var file = new SegmentedFile(dir.Path, SegmentSize, NullLogger.Instance, prepareNext: true);
        file.Load();
        file.PrepareNext();
        await WaitUntil(() => file.ReadyPreparedOffset == 0);
        string prepared = Path.Combine(dir.Path, SegmentedFile.FileName(0) + MappedSegment.PreparedSuffix);
        byte[] content = File.ReadAllBytes(prepared);
        Assert.Equal(SegmentSize, content.Length);
        Assert.DoesNotContain(content, static b => b != 0);

        MappedSegment first = file.Create(0);

        Assert.Equal(1, file.PreparedSegmentsUsed);
        Assert.False(File.Exists(prepared));
        Assert.Equal(SegmentSize, new FileInfo(first.Path).Length);
        first.Span(100, 5).Fill(7);
        Assert.Equal(7, first.Span(104, 1)[0]);
        await WaitUntil(() => file.ReadyPreparedOffset == SegmentSize);
        Assert.True(File.Exists(Path.Combine(dir.Path, SegmentedFile.FileName(SegmentSize) + MappedSegment.PreparedSuffix)));
    }

    [Fact]
    public async Task Writer_NeverWaitsForAPreparation_InProgress_ItAllocatesAndTheFillIsDropped()
    {
        using var dir = new TempDir();
        using var file = new SegmentedFile(dir.Path, 64L << 20, NullLogger.Instance, prepareNext: true);
        file.Load();
        file.PrepareNext();
        bool readyBefore = file.ReadyPreparedOffset is not null;

        // Taken at once, while 64 MiB of zeros are still being written (tens of milliseconds).
        MappedSegment first = file.Create(0);

        if (!readyBefore)
        {
            Assert.Equal(0, file.PreparedSegmentsUsed);
        }

        Assert.Equal(64L << 20, new FileInfo(first.Path).Length);
        string dropped = Path.Combine(dir.Path, SegmentedFile.FileName(0) + MappedSegment.PreparedSuffix);
        await WaitUntil(() => !File.Exists(dropped) && file.ReadyPreparedOffset == 64L << 20);
    }

    [Fact]
    public void Dispose_StopsTheBackgroundFill_AndLeavesNoPreparedFile()
    {
        using var dir = new TempDir();
        using (var file = new SegmentedFile(dir.Path, 64L << 20, NullLogger.Instance, prepareNext: true))
        {
            file.Load();
            file.Create(0);
        }

        Assert.Equal([SegmentedFile.FileName(0)], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_RemovesPreparedFilesLeftByAnEarlierRun_AndLeavesForeignFiles()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(Path.Combine(dir.Path, SegmentedFile.FileName(SegmentSize) + MappedSegment.PreparedSuffix), new byte[4096]);
        File.WriteAllText(Path.Combine(dir.Path, "notes.zero.tmp"), "not ours");
        using var file = new SegmentedFile(dir.Path, SegmentSize, NullLogger.Instance, prepareNext: true);

        file.Load();

        Assert.Equal(["notes.zero.tmp"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteZeroFilled_Cancelled_RemovesTheFile_AndRefusesSizesOffThePage()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "z");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.Throws<OperationCanceledException>(() => MappedSegment.WriteZeroFilled(path, SegmentSize, cancel.Token));
        Assert.False(File.Exists(path));
        Assert.Throws<ArgumentException>(() => MappedSegment.WriteZeroFilled(path, 5000, CancellationToken.None));
    }

    [Fact]
    public async Task Store_RollsOntoPreparedSegments_AndReadsBackEverythingAfterReopen()
    {
        using var dir = new TempDir();
        var settings = Msg.Small(dir.Path, FlushMode.GroupCommit) with { CommitLogSegmentSize = 64 * 1024 };
        var written = new List<AppendResult>();
        using (MessageStore store = MessageStore.Open(settings))
        {
            for (int i = 0; i < 300; i++)
            {
                if (i % 50 == 0)
                {
                    // A roll comes every 60-odd records (about 1 KiB each): waiting for the next
                    // segment's fill every 50 lets each roll take a prepared segment.
                    await WaitUntil(() => store.ReadyPreparedSegment is not null);
                }

                written.Add(store.AppendOne(Msg.Create("T", 0, new string('x', 900) + i)));
            }

            int segments = (int)(store.MaxPhysicalOffset / settings.CommitLogSegmentSize) + 1;
            Assert.True(segments >= 4, $"{segments} segments");
            Assert.Equal(segments, store.PreparedSegmentsUsed);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "commitlog"), "*.tmp"));
        using MessageStore reopened = MessageStore.Open(settings);
        Assert.Equal(written.Count, reopened.GetMaxOffset("T", 0));
        foreach (AppendResult r in written)
        {
            Assert.Equal(r.QueueOffset, reopened.Read(r).QueueOffset);
        }
    }

    [Theory]
    [InlineData(FlushMode.Async)]
    [InlineData(FlushMode.GroupCommit)]
    public void AsyncFlushStore_PreparesNothing_GroupCommitPreparesAtOpenAndEachRoll(FlushMode mode)
    {
        using var dir = new TempDir();
        var settings = Msg.Small(dir.Path, mode) with { CommitLogSegmentSize = 64 * 1024 };
        using MessageStore store = MessageStore.Open(settings);
        // Open prepares the first segment, each roll the one after the new segment.
        while (store.MaxPhysicalOffset < 2 * settings.CommitLogSegmentSize)
        {
            Assert.True(store.AppendOne(Msg.Create("T", 0, new string('x', 900))).IsOk);
        }

        if (mode == FlushMode.Async)
        {
            // A fill's file is made by its task, and no task was ever started: none can appear later.
            Assert.Equal(0, store.SegmentPreparationsStarted);
            Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "commitlog"), "*" + MappedSegment.PreparedSuffix));
        }
        else
        {
            Assert.Equal(4, store.SegmentPreparationsStarted);
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in " + Patience);
            await Task.Delay(10);
        }
    }
}
