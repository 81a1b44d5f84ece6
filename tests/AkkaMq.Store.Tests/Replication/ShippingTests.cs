using System.Buffers;

namespace AkkaMq.Store.Tests.Replication;

public sealed class ShippingTests
{
    [Fact]
    public void ReadLogChunk_CopiesWholeRecords_AndStopsAtSegmentEndOrLimit()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        var r = new List<AppendResult>();
        for (int i = 0; i < 40; i++)
        {
            r.Add(store.AppendOne(Msg.Create("T", 0, new string('x', 150) + i)));
        }
        var buf = new ArrayBufferWriter<byte>();

        // A byte budget smaller than two records still ships the first one whole.
        LogChunk one = store.ReadLogChunk(0, 10, long.MaxValue, buf);
        Assert.Equal(new LogChunk(LogChunkStatus.Ok, r[0].StoredSize, r[1].CommitLogOffset), one);

        // A limit just past record 3 stops the chunk at record 3's end.
        buf.Clear();
        LogChunk limited = store.ReadLogChunk(r[1].CommitLogOffset, 100_000, r[3].CommitLogOffset + 1, buf);
        Assert.Equal(r[3].CommitLogOffset, limited.NextOffset);
        Assert.Equal(r[1].StoredSize + r[2].StoredSize, limited.Length);

        // The chunk ends with the segment's filler, shipped as its 8-byte header.
        int last = r.FindLastIndex(x => x.CommitLogOffset < 4096);
        buf.Clear();
        LogChunk toEnd = store.ReadLogChunk(r[last].CommitLogOffset, 100_000, long.MaxValue, buf);
        Assert.Equal(4096, toEnd.NextOffset);
        Assert.Equal(r[last].StoredSize + 8, toEnd.Length);
        Assert.Equal(r[last].StoredSize + 8, buf.WrittenCount);

        buf.Clear();
        Assert.Equal(LogChunkStatus.NotRecordBoundary, store.ReadLogChunk(r[2].CommitLogOffset + 5, 100_000, long.MaxValue, buf).Status);
        Assert.Equal(LogChunkStatus.BeyondEnd, store.ReadLogChunk(store.MaxPhysicalOffset + 1, 100, long.MaxValue, buf).Status);
        Assert.Equal(new LogChunk(LogChunkStatus.Ok, 0, store.MaxPhysicalOffset), store.ReadLogChunk(store.MaxPhysicalOffset, 100, long.MaxValue, buf));
        Assert.Equal(0, buf.WrittenCount);
    }

    [Fact]
    public void ShippedChunks_AcrossSegmentRollsAndEpochs_GiveAByteIdenticalReplica()
    {
        using var masterDir = new TempDir();
        using var replicaDir = new TempDir();
        using MessageStore master = MessageStore.Open(Msg.Small(masterDir.Path));
        using MessageStore replica = MessageStore.Open(Msg.Small(replicaDir.Path));
        replica.AcceptsLocalAppends = false;
        master.StartEpoch(1);
        for (int i = 0; i < 60; i++)
        {
            if (i == 25)
            {
                master.StartEpoch(2);
            }
            master.AppendOne(Msg.Create("T", i % 3, new string('y', 100 + (i * 7)) + i, tags: "t" + (i % 2), keys: "k" + i));
        }
        Assert.True(master.MaxPhysicalOffset > 3 * 4096);

        ReplicaLog.Ship(master, replica, maxBytes: 700);

        Assert.Equal(master.MaxPhysicalOffset, replica.MaxPhysicalOffset);
        ReplicaLog.AssertSameCommitLog(masterDir.Path, replicaDir.Path);
        for (int q = 0; q < 3; q++)
        {
            Assert.Equal(master.ReadAll("T", q), replica.ReadAll("T", q));
        }
        Assert.Equal(master.Epochs.Entries, replica.Epochs.Entries);
        Assert.Single(replica.QueryByKey("T", "k41", 0, long.MaxValue, 5));
    }

    [Fact]
    public void LocalAppendFence_RefusesLocalWrites_ButNotReplicatedOnes()
    {
        using var masterDir = new TempDir();
        using var replicaDir = new TempDir();
        using MessageStore master = MessageStore.Open(Msg.Small(masterDir.Path));
        using MessageStore replica = MessageStore.Open(Msg.Small(replicaDir.Path));
        Assert.True(replica.AcceptsLocalAppends);
        replica.AcceptsLocalAppends = false;

        AppendResult[] refused = replica.AppendMany(Msg.Create("T", 0, "a"), Msg.Create("T", 1, "b"));
        var results = new AppendResult[1];
        replica.AppendWithoutFlush([Msg.Create("T", 0, "c")], results);

        Assert.All(refused.Append(results[0]), x => Assert.Equal(AppendStatus.NotMaster, x.Status));
        Assert.Equal(0, replica.MaxPhysicalOffset);
        master.StartEpoch(1);
        master.AppendOne(Msg.Create("T", 0, "from master"));
        ReplicaLog.Ship(master, replica);
        Assert.Equal(master.MaxPhysicalOffset, replica.MaxPhysicalOffset);
        Assert.Single(replica.ReadAll("T", 0));

        replica.AcceptsLocalAppends = true;
        Assert.True(replica.AppendOne(Msg.Create("T", 0, "promoted")).IsOk);
    }

    [Fact]
    public void StartAt_BeginsAnEmptyReplicaAtTheMastersFirstSegment_AndSurvivesRestart()
    {
        using var masterDir = new TempDir();
        using var replicaDir = new TempDir();
        using MessageStore master = MessageStore.Open(Msg.Small(masterDir.Path));
        master.StartEpoch(3);
        for (int i = 0; i < 50; i++)
        {
            master.AppendOne(Msg.Create("T", 0, new string('z', 200) + i));
        }
        using (MessageStore replica = MessageStore.Open(Msg.Small(replicaDir.Path)))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => replica.StartAt(100));
            replica.StartAt(8192);
            Assert.Equal((8192L, 8192L), (replica.MinPhysicalOffset, replica.MaxPhysicalOffset));
        }
        using (MessageStore replica = MessageStore.Open(Msg.Small(replicaDir.Path)))
        {
            Assert.Equal(8192, replica.MaxPhysicalOffset);
            ReplicaLog.Ship(master, replica);
            Assert.Equal(new[] { new EpochEntry(3, 8192) }, replica.Epochs.Entries);
            Assert.Throws<InvalidOperationException>(() => replica.StartAt(0));
            List<QueueEntry> tail = master.ReadAll("T", 0).Where(e => e.CommitLogOffset >= 8192).ToList();
            Assert.Equal(tail, replica.ReadAll("T", 0));
        }
        using (MessageStore replica = MessageStore.Open(Msg.Small(replicaDir.Path)))
        {
            Assert.Equal((8192L, master.MaxPhysicalOffset), (replica.MinPhysicalOffset, replica.MaxPhysicalOffset));
        }
    }

    [Fact]
    public void EpochTaggedAppend_RefusesAnEpochOlderThanTheNewestRecorded()
    {
        using var masterDir = new TempDir();
        using var replicaDir = new TempDir();
        using MessageStore master = MessageStore.Open(Msg.Small(masterDir.Path));
        using MessageStore replica = MessageStore.Open(Msg.Small(replicaDir.Path));
        master.StartEpoch(5);
        master.AppendOne(Msg.Create("T", 0, "one"));
        ReplicaLog.Ship(master, replica);
        master.AppendOne(Msg.Create("T", 0, "two"));
        var buf = new ArrayBufferWriter<byte>();
        long from = replica.MaxPhysicalOffset;
        master.ReadLogChunk(from, 1000, long.MaxValue, buf);

        Assert.Equal(ReplicaAppendStatus.InvalidRecords, replica.AppendReplicated(buf.WrittenSpan, from, new EpochEntry(4, 0)));
        Assert.Equal(ReplicaAppendStatus.InvalidRecords, replica.AppendReplicated(buf.WrittenSpan, from, new EpochEntry(6, from + 1)));
        Assert.Equal(from, replica.MaxPhysicalOffset);
        Assert.Equal(new[] { new EpochEntry(5, 0) }, replica.Epochs.Entries);
        Assert.Equal(ReplicaAppendStatus.Ok, replica.AppendReplicated(buf.WrittenSpan, from, new EpochEntry(6, from)));
        Assert.Equal(new[] { new EpochEntry(5, 0), new EpochEntry(6, from) }, replica.Epochs.Entries);
    }
}
