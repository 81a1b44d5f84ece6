using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// The drill's own traffic: producers sending one message at a time at a paced total rate (a
/// producer waits for each answer, so its messages keep their order on a queue), a push consumer
/// that records every delivery, and a watcher of the group's committed offsets. Every send, answer
/// and delivery is recorded with its time for <see cref="DrillAccounting"/>.
/// </summary>
public sealed class DrillLoad : IAsyncDisposable
{
    private readonly DrillCluster _cluster;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _producing = [];
    private readonly List<Producer> _producers = [];
    private readonly ConcurrentQueue<AckRecord> _acks = new();
    private readonly ConcurrentQueue<FailRecord> _failures = new();
    private readonly ConcurrentQueue<ConsumeRecord> _deliveries = new();
    private readonly ConcurrentQueue<string> _rewinds = new();
    private readonly ConcurrentDictionary<string, byte> _consumedKeys = new();
    private readonly ConcurrentDictionary<string, byte> _ackedKeys = new();
    private PushConsumer? _consumer;
    private Task? _watching;
    private volatile bool _sending = true;

    /// <summary>The prefix of this run's message keys, so messages of earlier drills on the topic are told apart.</summary>
    private readonly string _run = Guid.NewGuid().ToString("N")[..6] + "-";
    private int _watchErrors;

    private DrillLoad(DrillCluster cluster, Stopwatch clock, string topic, string group)
    {
        _cluster = cluster;
        _clock = clock;
        Topic = topic;
        ConsumerGroup = group;
    }

    public string Topic { get; }

    public string ConsumerGroup { get; }

    public int Acknowledged => _ackedKeys.Count;

    public int Consumed => _consumedKeys.Count;

    public IReadOnlyCollection<AckRecord> Acks => _acks;

    public IReadOnlyCollection<FailRecord> Failures => _failures;

    public IReadOnlyCollection<ConsumeRecord> Deliveries => _deliveries;

    public IReadOnlyCollection<string> Rewinds => _rewinds;

    /// <summary>Rounds of the offset watcher that got no answer (a group failing over).</summary>
    public int OffsetWatchErrors => Volatile.Read(ref _watchErrors);

    /// <summary>
    /// Creates <paramref name="topic"/> (4 queues) on every group's master, then starts the consumer and
    /// <paramref name="producers"/> producers sending <paramref name="rate"/> messages a second in all.
    /// </summary>
    public static async Task<DrillLoad> StartAsync(DrillCluster cluster, Stopwatch clock, string topic, int producers, int rate, CancellationToken ct)
    {
        await CreateTopicAsync(cluster, topic, ct).ConfigureAwait(false);
        var load = new DrillLoad(cluster, clock, topic, topic + "-readers");
        var consumer = new PushConsumer(load.ConsumerGroup, cluster.ClientOptions("drill-consumer")) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe(topic);
        consumer.RegisterListener((messages, _) =>
        {
            var at = clock.Elapsed;
            foreach (var m in messages)
            {
                string key = Encoding.UTF8.GetString(m.Body);
                if (!key.StartsWith(load._run, StringComparison.Ordinal))
                {
                    // Left on the topic by an earlier drill against the same cluster.
                    continue;
                }

                load._deliveries.Enqueue(new ConsumeRecord(key, at, m.BrokerName ?? "?", m.QueueId, m.QueueOffset));
                load._consumedKeys.TryAdd(key, 0);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync().ConfigureAwait(false);
        load._consumer = consumer;
        var interval = TimeSpan.FromSeconds(producers / (double)Math.Max(1, rate));
        for (int p = 0; p < producers; p++)
        {
            var producer = new Producer("drill-producer", cluster.ClientOptions("drill-p" + p)) { RetryTimesWhenSendFailed = 0 };
            await producer.StartAsync().ConfigureAwait(false);
            load._producers.Add(producer);
            int index = p;
            load._producing.Add(Task.Run(() => load.ProduceAsync(producer, index, interval)));
        }

        load._watching = Task.Run(load.WatchOffsetsAsync);
        return load;
    }

    /// <summary>Waits until <paramref name="count"/> more sends than now are acknowledged, or the deadline passes.</summary>
    public async Task<bool> WaitForMoreAcksAsync(int count, TimeSpan deadline, CancellationToken ct)
    {
        int target = Acknowledged + count;
        var clock = Stopwatch.StartNew();
        while (Acknowledged < target)
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Waits until <paramref name="group"/> acknowledged <paramref name="count"/> sends made after <paramref name="after"/>, or the deadline passes.</summary>
    public async Task<bool> WaitForGroupAcksAsync(string group, TimeSpan after, int count, TimeSpan deadline, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (_acks.Count(a => a.Group == group && a.SentAt >= after) < count)
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Stops sending and waits until every acknowledged message was delivered, or the deadline passes.</summary>
    public async Task DrainAsync(TimeSpan deadline, CancellationToken ct)
    {
        _sending = false;
        await Task.WhenAll(_producing).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline && !_ackedKeys.Keys.All(_consumedKeys.ContainsKey))
        {
            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        // One more offset round after the last commits, then the watcher stops.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watching is { } watching)
        {
            await watching.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sending = false;
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_producing.Append(_watching ?? Task.CompletedTask).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        foreach (var producer in _producers)
        {
            await producer.DisposeAsync().ConfigureAwait(false);
        }

        if (_consumer is { } consumer)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private static async Task CreateTopicAsync(DrillCluster cluster, string topic, CancellationToken ct)
    {
        var groups = cluster.Groups;
        await using var admin = new AdminClient(cluster.ClientOptions("drill-admin"));
        foreach (var group in groups)
        {
            var master = await cluster.MasterAddressAsync(group, ct).ConfigureAwait(false)
                ?? throw new DrillException("no master of " + group + " to create the topic on");
            await admin.CreateOrUpdateTopicAsync(master.Address, new TopicConfigOptions(topic) { ReadQueueNums = 4, WriteQueueNums = 4 }, ct)
                .ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await admin.GetTopicRouteAsync(topic, ct).ConfigureAwait(false)).QueueDatas.Count == groups.Count)
                {
                    return;
                }
            }
            catch (Exception e) when (e is MQClientException or MQBrokerException && clock.Elapsed < DrillCluster.ReadyDeadline)
            {
                // Not routed yet.
            }

            if (clock.Elapsed > DrillCluster.ReadyDeadline)
            {
                throw new DrillException($"{topic} not routed to {groups.Count} groups within {DrillCluster.ReadyDeadline.TotalSeconds:0}s");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    private async Task ProduceAsync(Producer producer, int index, TimeSpan interval)
    {
        var next = _clock.Elapsed;
        for (long seq = 0; _sending && !_stop.IsCancellationRequested; seq++)
        {
            // Paced: at most one second of catching up after a stall, never a burst beyond it.
            var now = _clock.Elapsed;
            next = next < now - TimeSpan.FromSeconds(1) ? now - TimeSpan.FromSeconds(1) : next;
            if (next > now)
            {
                await Task.Delay(next - now).ConfigureAwait(false);
            }

            next += interval;
            string key = $"{_run}p{index}-{seq}";
            var sent = _clock.Elapsed;
            try
            {
                var result = await producer.SendAsync(new Message(Topic, "drill", Encoding.UTF8.GetBytes(key)) { Keys = key }).ConfigureAwait(false);
                var at = _clock.Elapsed;
                if (result.Status == SendStatus.SendOk)
                {
                    _acks.Enqueue(new AckRecord(key, index, seq, sent, at, result.MessageQueue.BrokerName, result.MessageQueue.QueueId, result.QueueOffset, result.OffsetMsgId));
                    _ackedKeys.TryAdd(key, 0);
                }
                else
                {
                    _failures.Enqueue(new FailRecord(at, result.Status.ToString()));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                string kind = e is MQBrokerException broker ? "code " + broker.ResponseCode : e.GetType().Name;
                _failures.Enqueue(new FailRecord(_clock.Elapsed, kind));
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads the group's committed offsets every 250 ms and reports a queue whose offset fell below a
    /// settled one (see <see cref="OffsetHistory"/>).
    /// </summary>
    private async Task WatchOffsetsAsync()
    {
        await using var admin = new AdminClient(_cluster.ClientOptions("drill-offsets"));
        var seen = new Dictionary<(string, int), OffsetHistory>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var stats = await admin.GetConsumeStatsAsync(ConsumerGroup, Topic, _stop.Token).ConfigureAwait(false);
                var now = _clock.Elapsed;
                foreach (var (queue, wrapper) in stats.OffsetTable)
                {
                    var key = (queue.BrokerName, queue.QueueId);
                    var history = seen.TryGetValue(key, out var h) ? h : seen[key] = new OffsetHistory();
                    if (history.Observe(now, wrapper.ConsumerOffset) is { } settled)
                    {
                        _rewinds.Enqueue(
                            $"{queue.BrokerName}/{queue.QueueId} at {now.TotalSeconds:F1}s: committed offset {wrapper.ConsumerOffset} after {settled.Offset} (seen at {settled.At.TotalSeconds:F1}s, still held {settled.ConfirmedAt.TotalSeconds:F1}s)");
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // A group may be failing over right now (a request timed out, a broker refused): the next round asks again.
                Interlocked.Increment(ref _watchErrors);
            }

            await Task.Delay(250, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// One queue's committed offsets as the watcher saw them. A commit lives in the master's memory
/// until its delta record is written (within 100 ms), so a crash may take back the last moment's
/// commits, as a RocketMQ broker takes back those since its last offset flush. An offset counts as
/// settled once the broker still reported it (or more) at least a second after it was first seen:
/// by then it is in the log. A later offset below a settled one is a rewind.
/// </summary>
public sealed class OffsetHistory
{
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    private readonly List<(TimeSpan At, long Offset)> _pending = [];
    private Settled? _settled;

    /// <summary>The highest settled offset: seen at <see cref="At"/>, still reported at <see cref="ConfirmedAt"/>.</summary>
    public sealed record Settled(long Offset, TimeSpan At, TimeSpan ConfirmedAt);

    /// <summary>The highest settled offset so far, or null.</summary>
    public Settled? Current => _settled;

    /// <summary>Records an observation; returns the settled offset it falls below, or null.</summary>
    public Settled? Observe(TimeSpan at, long offset)
    {
        if (offset < 0)
        {
            // The group has no offset on the queue (or the broker does not know it yet): nothing to compare.
            return null;
        }

        Settled? rewound = _settled is { } s && offset < s.Offset ? s : null;
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            var (seenAt, seenOffset) = _pending[i];
            if (at - seenAt >= SettleTime && offset >= seenOffset)
            {
                if (_settled is null || seenOffset > _settled.Offset)
                {
                    _settled = new Settled(seenOffset, seenAt, at);
                }

                _pending.RemoveAt(i);
            }
            else if (_settled is { } known && seenOffset <= known.Offset)
            {
                _pending.RemoveAt(i);
            }
        }

        _pending.Add((at, offset));
        if (_pending.Count > 64)
        {
            _pending.RemoveRange(0, _pending.Count - 64);
        }

        return rewound;
    }
}

/// <summary>A send answered SEND_OK: when it was sent and answered, and where the broker put it.</summary>
public sealed record AckRecord(string Key, int Producer, long Seq, TimeSpan SentAt, TimeSpan At, string Group, int QueueId, long QueueOffset, string OffsetMsgId);

/// <summary>A send answered with anything else (status, response code or exception type).</summary>
public sealed record FailRecord(TimeSpan At, string Kind);

/// <summary>A delivery to the drill's consumer.</summary>
public sealed record ConsumeRecord(string Key, TimeSpan At, string Group, int QueueId, long QueueOffset);
