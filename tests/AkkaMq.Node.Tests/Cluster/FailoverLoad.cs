using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Continuous load through a fault: producers sending one message at a time (each waits for its answer, so
/// one producer's messages keep their order on a queue), a push consumer, and a watcher of the group's
/// committed offsets. Afterwards <see cref="VerifyAsync"/> checks the promises of failover: every
/// acknowledged (SEND_OK) message is consumed, at the queue position it was acknowledged with, each
/// producer's messages in order on every queue, no committed offset going back, and no two brokers
/// acknowledging writes in one master epoch.
/// </summary>
public sealed class FailoverLoad : IAsyncDisposable
{
    private readonly ClusterFixture _cluster;
    private readonly string _topic;
    private readonly string _group;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly List<Producer> _producers = [];
    private readonly ConcurrentDictionary<string, SendResult> _acked = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<MessageExt>> _consumed = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentQueue<string> _rewinds = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private PushConsumer? _consumer;
    private long _lastAckTicks;
    private long _longestGapTicks;

    private FailoverLoad(ClusterFixture cluster, string topic, string group)
    {
        _cluster = cluster;
        _topic = topic;
        _group = group;
        _lastAckTicks = _clock.ElapsedTicks;
    }

    /// <summary>The broker group whose master fails over (its epochs are given to <see cref="VerifyAsync"/>).</summary>
    public const string FailedOverGroup = "broker-a";

    /// <summary>Messages acknowledged with SEND_OK so far.</summary>
    public int Acknowledged => _acked.Count;

    /// <summary>Distinct messages consumed so far.</summary>
    public int Consumed => _consumed.Count;

    /// <summary>Sends answered with anything but SEND_OK (statuses and exceptions), by kind.</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>The longest time without an acknowledged send since the load started.</summary>
    public TimeSpan LongestWithoutAck =>
        TimeSpan.FromSeconds(Math.Max(_longestGapTicks, (_stoppedTicks ?? _clock.ElapsedTicks) - Interlocked.Read(ref _lastAckTicks)) / (double)Stopwatch.Frequency);

    /// <summary>Starts <paramref name="producers"/> producers and one push consumer of <paramref name="group"/> on <paramref name="topic"/>.</summary>
    public static async Task<FailoverLoad> StartAsync(ClusterFixture cluster, string topic, string group, int producers = 2)
    {
        var load = new FailoverLoad(cluster, topic, group);
        var consumer = new PushConsumer(group, cluster.ClientOptions(group + "-c")) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe(topic);
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var m in messages)
            {
                load._consumed.GetOrAdd(Encoding.UTF8.GetString(m.Body), _ => []).Add(m);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();
        load._consumer = consumer;
        for (var p = 0; p < producers; p++)
        {
            var producer = new Producer($"{group}-producer", cluster.ClientOptions($"{group}-p{p}")) { RetryTimesWhenSendFailed = 0 };
            await producer.StartAsync();
            load._producers.Add(producer);
            var index = p;
            load._workers.Add(Task.Run(() => load.ProduceAsync(producer, index)));
        }

        load._workers.Add(Task.Run(load.WatchOffsetsAsync));
        return load;
    }

    /// <summary>Waits until at least <paramref name="count"/> more messages are acknowledged than now.</summary>
    public Task WaitForMoreAcksAsync(int count, string why, TimeSpan deadline)
    {
        int target = Acknowledged + count;
        return ClusterFixture.WaitUntilAsync(() => Acknowledged >= target, () => $"{count} more acknowledged sends {why} (acknowledged {Acknowledged}, failures {Describe(_failures)})", deadline);
    }

    /// <summary>Stops the producers, waits until every acknowledged message is consumed (or the deadline), and checks the promises.</summary>
    public async Task<FailoverReport> VerifyAsync(Func<IReadOnlyList<EpochRange>> epochs, TimeSpan deadline)
    {
        await StopProducingAsync();
        await ClusterFixture.WaitUntilAsync(
            () => _acked.Keys.All(_consumed.ContainsKey),
            () => $"every acknowledged message consumed: {_acked.Keys.Count(k => !_consumed.ContainsKey(k))} of {_acked.Count} missing, e.g. "
                + string.Join(", ", _acked.Keys.Where(k => !_consumed.ContainsKey(k)).Take(5)),
            deadline);
        _stop.Cancel();
        await Task.WhenAll(_workers);

        // Consumed at the position acknowledged, and one producer's messages in order on each queue.
        foreach (var (body, result) in _acked)
        {
            var at = _consumed[body].Select(m => (m.BrokerName, m.QueueId, m.QueueOffset)).ToHashSet();
            Assert.Contains((result.MessageQueue.BrokerName, result.MessageQueue.QueueId, result.QueueOffset), at);
        }

        foreach (var queue in _acked.GroupBy(e => (e.Value.MessageQueue.BrokerName, e.Value.MessageQueue.QueueId, Producer: e.Key.Split('-')[0])))
        {
            var bySeq = queue.OrderBy(e => long.Parse(e.Key.Split('-')[1], CultureInfo.InvariantCulture)).Select(e => e.Value.QueueOffset).ToList();
            Assert.True(bySeq.SequenceEqual(bySeq.Order()), $"producer {queue.Key.Producer}'s messages out of order on {queue.Key.BrokerName}/{queue.Key.QueueId}");
        }

        Assert.True(_rewinds.IsEmpty, "committed offsets went back: " + string.Join("; ", _rewinds.Take(5)));

        // No two brokers acknowledged writes of the failed-over group in one master epoch (the acknowledging broker is in the message id).
        var ranges = epochs();
        foreach (var perEpoch in _acked.Values.Where(r => r.MessageQueue.BrokerName == FailedOverGroup).GroupBy(r => EpochOf(ranges, CommitLogOffset(r.OffsetMsgId))))
        {
            var hosts = perEpoch.GroupBy(r => r.OffsetMsgId[..16]).ToList();
            Assert.True(hosts.Count == 1, $"epoch {perEpoch.Key}: writes acknowledged by {hosts.Count} brokers: "
                + string.Join("; ", hosts.Select(h => $"{h.Key} offsets {h.Min(r => CommitLogOffset(r.OffsetMsgId))}..{h.Max(r => CommitLogOffset(r.OffsetMsgId))} ({h.Count()})"))
                + "; epochs " + string.Join(", ", ranges.Select(r => $"{r.Epoch}@{r.StartOffset}")));
        }

        int duplicates = _consumed.Values.Sum(b => b.Count - 1);
        return new FailoverReport(_acked.Count, _consumed.Count, duplicates, LongestWithoutAck, new Dictionary<string, int>(_failures));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_workers.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        foreach (var producer in _producers)
        {
            await producer.DisposeAsync();
        }

        if (_consumer is { } consumer)
        {
            await consumer.DisposeAsync();
        }
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(e => e.Key).Select(e => $"{e.Key}: {e.Value}"));

    private static long CommitLogOffset(string offsetMsgId) => long.Parse(offsetMsgId[16..32], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static int EpochOf(IReadOnlyList<EpochRange> ranges, long offset) =>
        ranges.LastOrDefault(r => r.StartOffset <= offset)?.Epoch ?? 0;

    private async Task StopProducingAsync()
    {
        _producing = false;
        _stoppedTicks = _clock.ElapsedTicks;
        await Task.WhenAll(_workers.Take(_producers.Count));
    }

    private long? _stoppedTicks;

    private volatile bool _producing = true;

    private async Task ProduceAsync(Producer producer, int index)
    {
        for (long seq = 0; _producing && !_stop.IsCancellationRequested; seq++)
        {
            string body = $"p{index}-{seq}";
            try
            {
                var result = await producer.SendAsync(new Message(_topic, "t", Encoding.UTF8.GetBytes(body)) { Keys = body });
                if (result.Status == SendStatus.SendOk)
                {
                    _acked[body] = result;
                    long now = _clock.ElapsedTicks;
                    long gap = now - Interlocked.Exchange(ref _lastAckTicks, now);
                    if (gap > Interlocked.Read(ref _longestGapTicks))
                    {
                        Interlocked.Exchange(ref _longestGapTicks, gap);
                    }
                }
                else
                {
                    _failures.AddOrUpdate(result.Status.ToString(), 1, (_, n) => n + 1);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                _failures.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                await Task.Delay(50);
            }
        }
    }

    /// <summary>
    /// Reads the group's committed offsets every 250 ms. An offset may be seen in the master's memory up to
    /// ~100 ms before its record reaches the log; a value below one seen more than a second earlier is a rewind.
    /// </summary>
    private async Task WatchOffsetsAsync()
    {
        await using var admin = new AdminClient(_cluster.ClientOptions(_group + "-watch"));
        var seen = new Dictionary<(string, int), List<(TimeSpan At, long Offset)>>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var stats = await admin.GetConsumeStatsAsync(_group, _topic, _stop.Token);
                var now = _clock.Elapsed;
                foreach (var (queue, wrapper) in stats.OffsetTable)
                {
                    var history = seen.TryGetValue((queue.BrokerName, queue.QueueId), out var h) ? h : seen[(queue.BrokerName, queue.QueueId)] = [];
                    var settled = history.Where(e => now - e.At > TimeSpan.FromSeconds(1)).Select(e => e.Offset).DefaultIfEmpty(-1).Max();
                    if (wrapper.ConsumerOffset >= 0 && wrapper.ConsumerOffset < settled)
                    {
                        _rewinds.Enqueue($"{queue.BrokerName}/{queue.QueueId} at {now.TotalSeconds:F1}s: {wrapper.ConsumerOffset} < {settled} (seen before: "
                            + string.Join(" ", history.TakeLast(6).Select(e => $"{e.At.TotalSeconds:F1}s={e.Offset}")) + ")");
                    }

                    history.Add((now, wrapper.ConsumerOffset));
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The load stopped while a round was asking: the watch is over.
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The group's broker may be failing over right now: the next round asks again.
                _failures.AddOrUpdate("offset-watch " + e.GetType().Name, 1, (_, n) => n + 1);
            }

            await Task.Delay(250, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

/// <summary>A master epoch and the commit-log offset where it starts.</summary>
public sealed record EpochRange(int Epoch, long StartOffset);

/// <summary>What a run of <see cref="FailoverLoad"/> counted.</summary>
public sealed record FailoverReport(int Acknowledged, int Consumed, int Duplicates, TimeSpan LongestWithoutAck, IReadOnlyDictionary<string, int> Failures)
{
    public override string ToString() =>
        $"acknowledged {Acknowledged}, consumed {Consumed}, duplicates {Duplicates}, longest without an acknowledged send {LongestWithoutAck.TotalSeconds:F2}s, "
        + "failures: " + (Failures.Count == 0 ? "none" : string.Join(", ", Failures.OrderBy(e => e.Key).Select(e => $"{e.Key} {e.Value}")));
}
