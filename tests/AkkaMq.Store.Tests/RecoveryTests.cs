using System.Text;

namespace AkkaMq.Store.Tests;

/// <summary>Hand-made damage: torn, garbage and zeroed tails, damaged middles, foreign files.</summary>
public sealed class RecoveryTests
{
    private static List<AppendResult> Fill(string dir, int count, int bodySize = 100)
    {
        var r = new List<AppendResult>();
        using MessageStore store = MessageStore.Open(Msg.Small(dir, FlushMode.GroupCommit));
        for (int i = 0; i < count; i++)
        {
            r.Add(store.AppendOne(Msg.Create("T", 0, new string((char)('a' + (i % 26)), bodySize) + i, keys: "k" + i)));
        }
        return r;
    }

    private static void Patch(string dir, long offset, ReadOnlySpan<byte> bytes)
    {
        string file = Path.Combine(dir, "commitlog", SegmentedFile.FileName(offset - (offset % 4096)));
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Write);
        fs.Position = offset % 4096;
        fs.Write(bytes);
    }

    private static void AssertServedExactly(MessageStore store, List<AppendResult> expected, long? end = null)
    {
        Assert.Equal(end ?? (expected[^1].CommitLogOffset + expected[^1].StoredSize), store.MaxPhysicalOffset);
        Assert.Equal(expected.Count, store.GetMaxOffset("T", 0));
        List<QueueEntry> entries = store.ReadAll("T", 0);
        Assert.Equal(expected.Select(e => e.CommitLogOffset), entries.Select(e => e.CommitLogOffset));
        foreach (AppendResult r in expected)
        {
            Assert.Equal(r.QueueOffset, store.Read(r).QueueOffset);
        }
    }

    [Fact]
    public void Recovery_TruncatesHalfWrittenLastRecord()
    {
        using var dir = new TempDir();
        List<AppendResult> r = Fill(dir.Path, 20);
        AppendResult last = r[^1];
        // Tear the last record: its second half never reached the file.
        Patch(dir.Path, last.CommitLogOffset + (last.StoredSize / 2), new byte[last.StoredSize - (last.StoredSize / 2)]);
        File.Delete(Path.Combine(dir.Path, "checkpoint"));
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        AssertServedExactly(store, r[..^1]);
        Assert.Empty(store.QueryByKey("T", "k19", 0, long.MaxValue, 5));
        Assert.Null(store.Corruption);
        AppendResult next = store.AppendOne(Msg.Create("T", 0, "next"));
        Assert.Equal((19L, last.CommitLogOffset), (next.QueueOffset, next.CommitLogOffset));
    }

    [Fact]
    public void Recovery_TruncatesGarbageTail()
    {
        using var dir = new TempDir();
        List<AppendResult> r = Fill(dir.Path, 10);
        long end = r[^1].CommitLogOffset + r[^1].StoredSize;
        var garbage = new byte[300];
        new Random(5).NextBytes(garbage);
        Patch(dir.Path, end, garbage);
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            AssertServedExactly(store, r);
            store.AppendOne(Msg.Create("T", 0, "x"));
        }
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            Assert.Equal(11, store.GetMaxOffset("T", 0));
        }
    }

    [Fact]
    public void Recovery_TruncatesRecordWithBadCrc_AtTheTail()
    {
        using var dir = new TempDir();
        List<AppendResult> r = Fill(dir.Path, 10);
        Patch(dir.Path, r[^1].CommitLogOffset + MessageRecordLayout.BodyOffset + 3, "Z"u8);
        File.Delete(Path.Combine(dir.Path, "checkpoint"));
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        AssertServedExactly(store, r[..^1]);
    }

    [Fact]
    public void Recovery_HandlesZeroedPagesAtTheTail()
    {
        using var dir = new TempDir();
        List<AppendResult> r = Fill(dir.Path, 60);
        // Zero the whole last segment: its records never reached the disk.
        long lastSegment = r[^1].CommitLogOffset - (r[^1].CommitLogOffset % 4096);
        Patch(dir.Path, lastSegment, new byte[4096]);
        File.Delete(Path.Combine(dir.Path, "checkpoint"));
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        List<AppendResult> kept = r.Where(x => x.CommitLogOffset < lastSegment).ToList();
        AssertServedExactly(store, kept, end: lastSegment);
    }

    [Fact]
    public void Recovery_OpensReadOnly_WhenMiddleSegmentIsDamaged()
    {
        using var dir = new TempDir();
        List<AppendResult> r = Fill(dir.Path, 80);
        AppendResult victim = r.First(x => x.CommitLogOffset >= 4096 * 2);
        Patch(dir.Path, victim.CommitLogOffset + MessageRecordLayout.BodyOffset, "!!!!"u8);
        File.Delete(Path.Combine(dir.Path, "checkpoint"));
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        Assert.NotNull(store.Corruption);
        Assert.Contains(victim.CommitLogOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), store.Corruption);
        Assert.Equal(AppendStatus.ServiceNotAvailable, store.AppendOne(Msg.Create("T", 0, "x")).Status);
        Assert.Equal("a", Encoding.UTF8.GetString(store.Read(r[0]).Body)[..1]);
        Assert.Equal(victim.CommitLogOffset, store.MaxPhysicalOffset);
        Assert.True(File.Exists(Path.Combine(dir.Path, "commitlog", SegmentedFile.FileName(4096 * 3))), "later data must not be deleted");
    }

    [Fact]
    public void Open_IgnoresForeignFiles_AndRejectsWrongSizeSegments()
    {
        using var dir = new TempDir();
        List<AppendResult> r = Fill(dir.Path, 5);
        File.WriteAllText(Path.Combine(dir.Path, "commitlog", "README.txt"), "not ours");
        using (MessageStore store = MessageStore.Open(Msg.Small(dir.Path)))
        {
            AssertServedExactly(store, r);
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "commitlog", "README.txt")));
        File.WriteAllBytes(Path.Combine(dir.Path, "commitlog", SegmentedFile.FileName(4096)), new byte[100]);
        StoreCorruptedException e = Assert.Throws<StoreCorruptedException>(() => MessageStore.Open(Msg.Small(dir.Path)));
        Assert.Contains("00000000000000004096", e.Message);
    }

    [Fact]
    public void Open_RefusesSecondInstanceOnSameDirectory()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        Assert.ThrowsAny<IOException>(() => MessageStore.Open(Msg.Small(dir.Path)));
    }
}
