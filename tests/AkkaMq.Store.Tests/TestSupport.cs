using System.Text;

namespace AkkaMq.Store.Tests;

/// <summary>A directory under the temp dir, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "akkamq-store-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class FakeTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

public static class Msg
{
    public static readonly IPv4Endpoint Born = new(0x0A000001, 50000);
    public static readonly IPv4Endpoint Store = new(0xC0A80101, 10911);

    public static MessageToStore Create(string topic, int queueId, string body, string? tags = null, string? keys = null,
        string? uniq = null, int sysFlag = 0)
    {
        var props = new StringBuilder();
        Add(props, "TAGS", tags);
        Add(props, "KEYS", keys);
        Add(props, "UNIQ_KEY", uniq);
        return new MessageToStore(topic, queueId, 7, Encoding.UTF8.GetBytes(body), props.ToString(), 1_700_000_000_000, Born, Store, sysFlag);
    }

    public static StoreSettings Small(string dir, FlushMode mode = FlushMode.Async) => new()
    {
        Dir = dir,
        CommitLogSegmentSize = 4096,
        ConsumeQueueEntriesPerFile = 8,
        IndexHashSlots = 17,
        IndexEntriesPerFile = 16,
        FlushMode = mode,
        FlushInterval = TimeSpan.FromMilliseconds(50),
        // Tests must not depend on how full the machine's disk is; the watermark has its own test.
        DiskWatermarkRatio = 1.0,
        MaxMessageSize = 2048,
    };

    public static AppendResult AppendOne(this MessageStore store, MessageToStore m)
    {
        var results = new AppendResult[1];
        store.Append([m], results);
        return results[0];
    }

    public static AppendResult[] AppendMany(this MessageStore store, params MessageToStore[] batch)
    {
        var results = new AppendResult[batch.Length];
        store.Append(batch, results);
        return results;
    }

    public static StoredMessage Read(this MessageStore store, AppendResult r)
    {
        Assert.True(store.TryGetMessage(r.CommitLogOffset, r.StoredSize, out StoredBytes b), $"no record at {r.CommitLogOffset}");
        using (b)
        {
            return StoredMessage.Decode(b.Span);
        }
    }

    public static List<QueueEntry> ReadAll(this MessageStore store, string topic, int queueId, params int[] tagCodes)
    {
        var all = new List<QueueEntry>();
        var buf = new QueueEntry[7];
        long from = store.GetMinOffset(topic, queueId);
        while (true)
        {
            QueueReadResult r = store.ReadQueue(topic, queueId, from, buf, tagCodes);
            all.AddRange(buf.AsSpan(0, r.Count).ToArray());
            if (r.NextQueueOffset >= store.GetMaxOffset(topic, queueId) || r.NextQueueOffset == from)
            {
                return all;
            }
            from = r.NextQueueOffset;
        }
    }

    private static void Add(StringBuilder sb, string key, string? value)
    {
        if (value is not null)
        {
            sb.Append(key).Append('\u0001').Append(value).Append('\u0002');
        }
    }
}
