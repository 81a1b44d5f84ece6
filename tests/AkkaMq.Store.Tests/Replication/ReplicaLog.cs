using System.Buffers;

namespace AkkaMq.Store.Tests.Replication;

/// <summary>Ships a master's log to a replica the way the replication stream does, and compares logs.</summary>
public static class ReplicaLog
{
    /// <summary>Copies everything from the replica's end to the master's end in chunks of at most <paramref name="maxBytes"/>.</summary>
    public static int Ship(MessageStore master, MessageStore replica, int maxBytes = 1024)
    {
        int chunks = 0;
        var buffer = new ArrayBufferWriter<byte>();
        while (replica.MaxPhysicalOffset < master.MaxPhysicalOffset)
        {
            long from = replica.MaxPhysicalOffset;
            EpochEntry epoch = master.Epochs.Find(from) ?? new EpochEntry(0, 0);
            long limit = master.Epochs.Entries.Where(e => e.StartOffset > from).Select(e => e.StartOffset).DefaultIfEmpty(long.MaxValue).First();
            buffer.Clear();
            LogChunk chunk = master.ReadLogChunk(from, maxBytes, limit, buffer);
            Assert.Equal(LogChunkStatus.Ok, chunk.Status);
            Assert.True(chunk.Length > 0, $"no progress at {from}");
            Assert.Equal(ReplicaAppendStatus.Ok, replica.AppendReplicated(buffer.WrittenSpan, from, epoch));
            Assert.Equal(chunk.NextOffset, replica.MaxPhysicalOffset);
            chunks++;
        }
        return chunks;
    }

    /// <summary>Asserts both commit-log directories hold the same segment files with the same bytes.</summary>
    public static void AssertSameCommitLog(string masterDir, string replicaDir)
    {
        string[] names = Files(masterDir);
        Assert.Equal(names, Files(replicaDir));
        foreach (string name in names)
        {
            Assert.True(Read(Path.Combine(masterDir, "commitlog", name)).AsSpan().SequenceEqual(Read(Path.Combine(replicaDir, "commitlog", name))),
                $"segment {name} differs");
        }
    }

    private static string[] Files(string dir) =>
        [.. Directory.GetFiles(Path.Combine(dir, "commitlog")).Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Order()!];

    private static byte[] Read(string file)
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var b = new byte[fs.Length];
        fs.ReadExactly(b);
        return b;
    }
}
