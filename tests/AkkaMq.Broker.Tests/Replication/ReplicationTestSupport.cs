using System.Diagnostics;
using System.Net;
using System.Text;
using AkkaMq.Broker.Replication;
using AkkaMq.Codec;
using AkkaMq.Store;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>A store in a temp dir (deleted on dispose), with small segments so tests roll several.</summary>
public sealed class TempStore : IDisposable
{
    private MessageStore? _store;

    public TempStore() => Directory.CreateDirectory(Dir = Path.Combine(Path.GetTempPath(), "akkamq-repl-" + Guid.NewGuid().ToString("N")));

    public string Dir { get; }

    public MessageStore Store => _store ??= Open();

    public StoreSettings Settings => new()
    {
        Dir = Dir,
        CommitLogSegmentSize = 4096,
        ConsumeQueueEntriesPerFile = 8,
        IndexHashSlots = 17,
        IndexEntriesPerFile = 16,
        FlushMode = FlushMode.Async,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        DiskWatermarkRatio = 1.0,
        MaxMessageSize = 2048,
    };

    public MessageStore Open() => _store = MessageStore.Open(Settings);

    public void Close()
    {
        _store?.Dispose();
        _store = null;
    }

    public void Dispose()
    {
        Close();
        Directory.Delete(Dir, recursive: true);
    }
}

public static class ReplicationTestSupport
{
    private static readonly IPv4Endpoint Born = new(0x0A000001, 50000);
    private static readonly IPv4Endpoint StoreHost = new(0xC0A80101, 10911);

    public static AppendResult Put(this MessageStore store, string topic, int queueId, string body, string? keys = null)
    {
        string props = keys is null ? "" : "KEYS\u0001" + keys + "\u0002";
        var results = new AppendResult[1];
        store.Append([new MessageToStore(topic, queueId, 0, Encoding.UTF8.GetBytes(body), props, 1_700_000_000_000, Born, StoreHost, 0)], results);
        return results[0];
    }

    /// <summary>Appends <paramref name="count"/> messages over 3 queues, waking held fetches after each as the store actor would.</summary>
    public static void PutMany(this MessageStore store, ReplicationServer? server, int count, string prefix)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(store.Put("T", i % 3, prefix + i + new string('p', 60 + (i % 90)), keys: prefix + i).IsOk);
            server?.NotifyAppended();
        }
    }

    public static ReplicationServer StartServer(MessageStore store, string group = "g1", int epoch = 1, int maxBatch = 2048, TimeSpan? batchDelay = null)
    {
        var server = new ReplicationServer(store, new ReplicationServerOptions(new IPEndPoint(IPAddress.Loopback, 0))
        {
            MaxBatchSize = maxBatch,
            FetchWait = TimeSpan.FromMilliseconds(200),
            BatchDelay = batchDelay ?? TimeSpan.Zero,
        })
        { Leadership = new ReplicationLeadership(group, epoch) };
        server.Start();
        return server;
    }

    public static ReplicationFollower StartFollower(MessageStore store, ReplicationServer server, string group = "g1", int knownEpoch = 0)
    {
        var follower = new ReplicationFollower(store, new ReplicationFollowerOptions($"127.0.0.1:{server.LocalEndPoint.Port}", group, 1, "node-b")
        {
            MinBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            KnownEpoch = knownEpoch,
        });
        follower.Start();
        return follower;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or 10 s pass.</summary>
    public static void Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting for " + what);
            Thread.Sleep(10);
        }
    }

    /// <summary>Both logs hold the same segment files with the same bytes, the same queue entries and epochs.</summary>
    public static void AssertSameLog(TempStore master, TempStore replica, int queues = 3)
    {
        Assert.Equal(master.Store.MaxPhysicalOffset, replica.Store.MaxPhysicalOffset);
        Assert.Equal(master.Store.MinPhysicalOffset, replica.Store.MinPhysicalOffset);
        string[] names = Segments(master.Dir);
        Assert.Equal(names, Segments(replica.Dir));
        foreach (string name in names)
        {
            Assert.True(Read(master.Dir, name).AsSpan().SequenceEqual(Read(replica.Dir, name)), $"segment {name} differs");
        }
        for (int q = 0; q < queues; q++)
        {
            Assert.Equal(Entries(master.Store, q), Entries(replica.Store, q));
        }
        Assert.Equal(master.Store.Epochs.Entries, replica.Store.Epochs.Entries);
    }

    private static List<QueueEntry> Entries(MessageStore store, int queueId)
    {
        var buf = new QueueEntry[1000];
        QueueReadResult r = store.ReadQueue("T", queueId, store.GetMinOffset("T", queueId), buf);
        return [.. buf.AsSpan(0, r.Count).ToArray()];
    }

    private static string[] Segments(string dir) =>
        [.. Directory.GetFiles(Path.Combine(dir, "commitlog")).Select(f => Path.GetFileName(f)).Where(n => n.All(char.IsAsciiDigit)).Order()];

    private static byte[] Read(string dir, string name)
    {
        using var fs = new FileStream(Path.Combine(dir, "commitlog", name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var b = new byte[fs.Length];
        fs.ReadExactly(b);
        return b;
    }
}
