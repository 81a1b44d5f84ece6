using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Store.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Store.Tests;

/// <summary>One message a producer sent, and where the store put it once appended.</summary>
public sealed record SentMessage(string Topic, int QueueId, string Body, string Key)
{
    public AppendResult Result { get; set; }
}

/// <summary>
/// Appends through the store as the broker's store actor does: one writer appends whatever is
/// waiting as one batch without flushing, while (group commit) one flusher syncs the log and then
/// acknowledges every append made before its flush began; in async mode an append is acknowledged
/// as soon as it is written. Several producers each send one message at a time and record what
/// was acknowledged. A failed append or flush (the device lost power) fails the sends it covered.
/// </summary>
public sealed class AckingStoreFront : IDisposable
{
    private readonly MessageStore _store;
    private readonly bool _groupCommit;
    private readonly BlockingCollection<(SentMessage Message, TaskCompletionSource Done)> _incoming = new();
    private readonly List<(SentMessage Message, TaskCompletionSource Done)> _awaitingFlush = [];
    private readonly Thread _writer;
    private readonly Thread? _flusher;
    private volatile bool _failed;
    private volatile bool _stopping;

    public AckingStoreFront(MessageStore store)
    {
        _store = store;
        _groupCommit = store.Settings.FlushMode == FlushMode.GroupCommit;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "test-store-writer" };
        _writer.Start();
        if (_groupCommit)
        {
            _flusher = new Thread(FlushLoop) { IsBackground = true, Name = "test-store-flusher" };
            _flusher.Start();
        }
    }

    /// <summary>
    /// Every message the store put in the log (acknowledged or not), in no particular order,
    /// including those of a batch whose append failed part way (their bytes may be on disk).
    /// </summary>
    public ConcurrentBag<SentMessage> Appended { get; } = [];

    /// <summary>Every acknowledged message.</summary>
    public ConcurrentBag<SentMessage> Acknowledged { get; } = [];

    public Task SendAsync(SentMessage message)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_failed || _stopping || !_incoming.TryAdd((message, done)))
        {
            done.SetException(new IOException("The store front has stopped."));
        }
        return done.Task;
    }

    /// <summary>
    /// Runs <paramref name="producers"/> producers until <paramref name="stop"/> is cancelled or a send
    /// fails; producer p sends to queue p % 4 of topic "PC" (KEYS "k{p}-{n}", a body of 40–400 bytes).
    /// </summary>
    public Task RunProducersAsync(int producers, int seed, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + p);
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                string body = $"p{p}-m{n}-" + new string((char)('a' + (n % 26)), random.Next(32, 400));
                var sent = new SentMessage("PC", p % 4, body, $"k{p}-{n}");
                try
                {
                    await SendAsync(sent);
                }
                catch (IOException)
                {
                    return;
                }
                Acknowledged.Add(sent);
            }
        })));

    public void Dispose()
    {
        _stopping = true;
        _incoming.CompleteAdding();
        _writer.Join();
        lock (_awaitingFlush)
        {
            Monitor.PulseAll(_awaitingFlush);
        }
        _flusher?.Join();
        _incoming.Dispose();
    }

    private void WriteLoop()
    {
        var batch = new List<(SentMessage Message, TaskCompletionSource Done)>();
        foreach ((SentMessage Message, TaskCompletionSource Done) first in _incoming.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < 64 && _incoming.TryTake(out (SentMessage, TaskCompletionSource) next))
            {
                batch.Add(next);
            }
            if (_failed)
            {
                Fail(batch);
                continue;
            }
            var records = batch.Select(b => Msg.Create(b.Message.Topic, b.Message.QueueId, b.Message.Body, keys: b.Message.Key, uniq: b.Message.Key)).ToArray();
            var results = new AppendResult[records.Length];
            results.AsSpan().Fill(AppendResult.Failed(AppendStatus.ServiceNotAvailable));
            bool written = true;
            try
            {
                _store.AppendWithoutFlush(records, results);
            }
            catch (IOException)
            {
                _failed = true;
                written = false;
            }
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Message.Result = results[i];
                if (results[i].IsOk)
                {
                    Appended.Add(batch[i].Message);
                }
            }
            if (!written)
            {
                Fail(batch);
                continue;
            }
            if (!_groupCommit)
            {
                Complete(batch);
                continue;
            }
            lock (_awaitingFlush)
            {
                _awaitingFlush.AddRange(batch);
                Monitor.Pulse(_awaitingFlush);
            }
        }
    }

    private void FlushLoop()
    {
        var covered = new List<(SentMessage Message, TaskCompletionSource Done)>();
        while (true)
        {
            covered.Clear();
            lock (_awaitingFlush)
            {
                while (_awaitingFlush.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_awaitingFlush);
                }
                if (_awaitingFlush.Count == 0)
                {
                    return;
                }
                covered.AddRange(_awaitingFlush);
                _awaitingFlush.Clear();
            }
            try
            {
                _store.Flush();
            }
            catch (IOException)
            {
                _failed = true;
                Fail(covered);
                continue;
            }
            Complete(covered);
        }
    }

    private static void Complete(List<(SentMessage Message, TaskCompletionSource Done)> items)
    {
        foreach ((SentMessage m, TaskCompletionSource done) in items)
        {
            if (m.Result.IsOk)
            {
                done.SetResult();
            }
            else
            {
                done.SetException(new IOException($"Append refused: {m.Result.Status}."));
            }
        }
    }

    private static void Fail(List<(SentMessage Message, TaskCompletionSource Done)> items)
    {
        foreach ((_, TaskCompletionSource done) in items)
        {
            done.TrySetException(new IOException("The device lost power."));
        }
    }
}

/// <summary>Checks of a store reopened after a power cut against what was sent before it.</summary>
public static class PowerCutChecks
{
    /// <summary>Small files so that a short run rolls commit-log segments, consume-queue files and index files many times.</summary>
    public static StoreSettings Settings(string dir, FlushMode mode, StoreDevice device) => new()
    {
        Dir = dir,
        Device = device,
        CommitLogSegmentSize = 64 * 1024,
        ConsumeQueueEntriesPerFile = 64,
        IndexHashSlots = 101,
        IndexEntriesPerFile = 300,
        FlushMode = mode,
        FlushInterval = TimeSpan.FromMilliseconds(10),
        CheckpointInterval = TimeSpan.FromMilliseconds(30),
        DiskWatermarkRatio = 1.0,
        MaxMessageSize = 2048,
    };

    public static MessageStore Open(StoreSettings settings, TimeProvider? time = null) =>
        MessageStore.Open(settings, NullLogger.Instance, time, diskUsage: static _ => 0);

    /// <summary>
    /// The reopened log holds exactly the first appends in log order, nothing else, with no gap
    /// (blank fillers only at segment ends), each record intact (decoded, body and key as sent);
    /// every message in <paramref name="mustSurvive"/> among them; each consume queue lists exactly
    /// the recovered records of its queue in order from queue offset 0; every recovered record is
    /// found by its key and its unique key; and the store takes new appends after the last queue offset.
    /// </summary>
    public static void VerifyRecovered(MessageStore store, IEnumerable<SentMessage> appended, IEnumerable<SentMessage> mustSurvive)
    {
        Assert.True(store.Corruption is null, store.Corruption);
        var byOffset = appended.ToDictionary(m => m.Result.CommitLogOffset);
        long segment = store.Settings.CommitLogSegmentSize;
        var recovered = new List<SentMessage>();
        long pos = store.MinPhysicalOffset;
        Assert.Equal(0, pos);
        while (pos < store.MaxPhysicalOffset)
        {
            if (!byOffset.TryGetValue(pos, out SentMessage? m))
            {
                long next = ((pos / segment) + 1) * segment;
                Assert.True(pos % segment != 0, $"no record at segment start {pos}");
                Assert.DoesNotContain(byOffset.Keys, o => o > pos && o < next);
                pos = next;
                continue;
            }
            StoredMessage stored = store.Read(m.Result);
            Assert.Equal(m.Body, Encoding.UTF8.GetString(stored.Body));
            Assert.Equal(m.Key, stored.Keys);
            Assert.Equal(m.Result.QueueOffset, stored.QueueOffset);
            recovered.Add(m);
            pos += m.Result.StoredSize;
        }
        Assert.Equal(store.MaxPhysicalOffset, pos);

        var survivors = recovered.ToHashSet();
        foreach (SentMessage m in mustSurvive)
        {
            Assert.True(survivors.Contains(m), $"acknowledged {m.Key} at {m.Result.CommitLogOffset} lost (log recovered to {pos})");
        }

        foreach (IGrouping<int, SentMessage> queue in recovered.GroupBy(m => m.QueueId))
        {
            List<QueueEntry> entries = store.ReadAll("PC", queue.Key);
            Assert.Equal(0, store.GetMinOffset("PC", queue.Key));
            Assert.Equal(queue.Count(), store.GetMaxOffset("PC", queue.Key));
            Assert.Equal(queue.Select((m, i) => (i, m.Result.CommitLogOffset, m.Result.StoredSize)),
                entries.Select(e => ((int)e.QueueOffset, e.CommitLogOffset, e.Size)));
        }
        for (int q = 0; q < 4; q++)
        {
            if (recovered.All(m => m.QueueId != q))
            {
                Assert.Equal(0, store.GetMaxOffset("PC", q));
            }
        }

        foreach (SentMessage m in recovered)
        {
            Assert.Contains(store.QueryByKey("PC", m.Key, 0, long.MaxValue, 8), h => h.CommitLogOffset == m.Result.CommitLogOffset);
            Assert.Contains(store.QueryByUniqueId("PC", m.Key), h => h.CommitLogOffset == m.Result.CommitLogOffset);
        }

        for (int q = 0; q < 4; q++)
        {
            AppendResult after = store.AppendOne(Msg.Create("PC", q, "after the power cut"));
            Assert.True(after.IsOk, after.Status.ToString());
            Assert.Equal(recovered.Count(m => m.QueueId == q), after.QueueOffset);
        }
    }

    /// <summary>Waits for <paramref name="condition"/> with a deadline.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 30)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(2);
        }
    }
}
