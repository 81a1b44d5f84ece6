using System.Collections.Frozen;
using System.Globalization;
using AkkaMq.Store;

namespace AkkaMq.Broker.Stats;

/// <summary>
/// The broker's per-topic and per-group counters, named and keyed as RocketMQ's
/// BrokerStatsManager names and keys them, so mqadmin's <c>statsAll</c> and
/// VIEW_BROKER_STATS_DATA (315) read them unchanged. Counting is an interlocked add on an item
/// found without allocating; three timers on the broker's clock sample every item (10 s, 10 min,
/// 1 h, each first at start-up as RocketMQ's are).
/// </summary>
internal sealed class BrokerStatsService : IDisposable
{
    public const string TopicPutNums = "TOPIC_PUT_NUMS";
    public const string TopicPutSize = "TOPIC_PUT_SIZE";
    public const string GroupGetNums = "GROUP_GET_NUMS";
    public const string GroupGetSize = "GROUP_GET_SIZE";
    public const string GroupGetLatency = "GROUP_GET_LATENCY";
    public const string SendBackPutNums = "SNDBCK_PUT_NUMS";
    public const string BrokerPutNums = "BROKER_PUT_NUMS";
    public const string BrokerGetNums = "BROKER_GET_NUMS";

    private readonly StatsItemSet _topicPutNums = new(TopicPutNums, StatsKeyShape.Topic);
    private readonly StatsItemSet _topicPutSize = new(TopicPutSize, StatsKeyShape.Topic);
    private readonly StatsItemSet _groupGetNums = new(GroupGetNums, StatsKeyShape.TopicGroup);
    private readonly StatsItemSet _groupGetSize = new(GroupGetSize, StatsKeyShape.TopicGroup);
    private readonly StatsItemSet _groupGetLatency = new(GroupGetLatency, StatsKeyShape.QueueTopicGroup);
    private readonly StatsItemSet _sendBackPutNums = new(SendBackPutNums, StatsKeyShape.TopicGroup);
    private readonly StatsItemSet _brokerPutNums = new(BrokerPutNums, StatsKeyShape.Topic, forgetIdle: false);
    private readonly StatsItemSet _brokerGetNums = new(BrokerGetNums, StatsKeyShape.Topic, forgetIdle: false);
    private readonly FrozenDictionary<string, StatsItemSet> _byName;
    private readonly StatsKey _clusterKey;
    private readonly TimeProvider _time;
    private readonly ITimer[] _timers;

    /// <param name="clusterName">The key of the broker-wide totals (RocketMQ keys them by cluster name).</param>
    public BrokerStatsService(string clusterName, TimeProvider time)
    {
        _clusterKey = new StatsKey(clusterName);
        _time = time;
        BootTime = time.GetUtcNow();
        StatsItemSet[] all = [_topicPutNums, _topicPutSize, _groupGetNums, _groupGetSize, _groupGetLatency, _sendBackPutNums, _brokerPutNums, _brokerGetNums];
        _byName = all.ToFrozenDictionary(static s => s.Name, StringComparer.Ordinal);
        _timers =
        [
            time.CreateTimer(static s => ((BrokerStatsService)s!).Sample(Window.Minute), this, TimeSpan.Zero, TimeSpan.FromSeconds(10)),
            time.CreateTimer(static s => ((BrokerStatsService)s!).Sample(Window.Hour), this, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            time.CreateTimer(static s => ((BrokerStatsService)s!).Sample(Window.Day), this, TimeSpan.Zero, TimeSpan.FromHours(1)),
        ];
    }

    private enum Window
    {
        Minute,
        Hour,
        Day,
    }

    /// <summary>
    /// A successful send of <paramref name="results"/>.Length messages stored in <paramref name="topic"/>
    /// (the topic as stored: a delayed message counts under the schedule topic, as in RocketMQ).
    /// One call per request, the size being the bytes written.
    /// </summary>
    public void OnPut(string topic, ReadOnlySpan<AppendResult> results)
    {
        long size = 0;
        foreach (ref readonly var result in results)
        {
            size += result.StoredSize;
        }

        var key = new StatsKey(topic);
        _topicPutNums.Add(key, results.Length, 1);
        _topicPutSize.Add(key, size, 1);
        _brokerPutNums.Add(_clusterKey, results.Length, 0);
    }

    /// <summary>A pull that returned <paramref name="count"/> messages of <paramref name="bytes"/> bytes after <paramref name="latencyMillis"/> ms.</summary>
    public void OnGet(string group, string topic, int queueId, int count, int bytes, long latencyMillis)
    {
        var key = new StatsKey(topic, group);
        _groupGetNums.Add(key, count, 1);
        _groupGetSize.Add(key, bytes, 1);
        _brokerGetNums.Add(_clusterKey, count, 0);
        _groupGetLatency.Add(key with { QueueId = queueId }, latencyMillis, 1);
    }

    /// <summary>A message of <paramref name="topic"/> (its original topic) handed back by <paramref name="group"/>.</summary>
    public void OnSendBack(string group, string topic) => _sendBackPutNums.Add(new StatsKey(topic, group), 1, 1);

    /// <summary>A message stored by the broker itself (a send-back parked in the schedule topic).</summary>
    public void OnInternalPut(string topic, int storedSize)
    {
        var key = new StatsKey(topic);
        _topicPutNums.Add(key, 1, 1);
        _topicPutSize.Add(key, storedSize, 1);
    }

    /// <summary>When the broker started counting (runtime info's bootTimestamp).</summary>
    public DateTimeOffset BootTime { get; }

    /// <summary>Messages sent to this broker since it started (runtime info's msgPutTotalTodayNow).</summary>
    public long PutTotal => Total(_brokerPutNums);

    /// <summary>Messages pulled from this broker since it started (runtime info's msgGetTotalTodayNow).</summary>
    public long GetTotal => Total(_brokerGetNums);

    /// <summary>The broker's clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>A timestamp of the broker's clock, for <see cref="MillisSince"/>.</summary>
    public long Timestamp() => _time.GetTimestamp();

    public long MillisSince(long timestamp) => (long)_time.GetElapsedTime(timestamp).TotalMilliseconds;

    /// <summary>The item of a stats name and wire key, as VIEW_BROKER_STATS_DATA asks for it.</summary>
    public bool TryGetItem(string statsName, string statsKey, out StatsItem item)
    {
        item = null!;
        return _byName.TryGetValue(statsName, out var set) && set.TryGet(statsKey, out item);
    }

    /// <summary>Messages per second a group took from a topic over the last minute (the consumeTps of consume stats).</summary>
    public double GroupGetTps(string topic, string group) =>
        _groupGetNums.TryGet(new StatsKey(topic, group), out var item) ? item.Minute.Tps : 0;

    /// <summary>Broker-wide messages put per second over the last 10 s, minute and 10 min.</summary>
    public (double Last10s, double LastMinute, double Last10Min) PutTps() => Rates(_brokerPutNums);

    /// <summary>Broker-wide messages pulled per second over the last 10 s, minute and 10 min.</summary>
    public (double Last10s, double LastMinute, double Last10Min) GetTps() => Rates(_brokerGetNums);

    /// <summary>Rates as GET_BROKER_RUNTIME_INFO's <c>putTps</c> and <c>getTransferedTps</c> give them: <c>10s 60s 600s</c>, two decimals.</summary>
    public static string FormatRates((double Last10s, double LastMinute, double Last10Min) rates) =>
        string.Create(CultureInfo.InvariantCulture, $"{rates.Last10s:0.00} {rates.LastMinute:0.00} {rates.Last10Min:0.00}");

    /// <summary>Forgets a deleted topic's items (RocketMQ's onTopicDeleted).</summary>
    public void OnTopicDeleted(string topic)
    {
        foreach (var set in _byName.Values)
        {
            if (set != _brokerPutNums && set != _brokerGetNums)
            {
                set.RemoveWhere(k => k.Topic == topic);
            }
        }
    }

    /// <summary>Forgets a deleted group's items (RocketMQ's onGroupDeleted).</summary>
    public void OnGroupDeleted(string group)
    {
        _groupGetNums.RemoveWhere(k => k.Group == group);
        _groupGetSize.RemoveWhere(k => k.Group == group);
        _groupGetLatency.RemoveWhere(k => k.Group == group);
        _sendBackPutNums.RemoveWhere(k => k.Group == group);
    }

    public void Dispose()
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }
    }

    private long Total(StatsItemSet set) => set.TryGet(_clusterKey, out var item) ? item.Value : 0;

    private (double, double, double) Rates(StatsItemSet set) =>
        set.TryGet(_clusterKey, out var item) ? (item.LatestMinuteTps, item.Minute.Tps, item.LatestHourTps) : (0, 0, 0);

    private void Sample(Window window)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var set in _byName.Values)
        {
            switch (window)
            {
                case Window.Minute:
                    set.SampleMinute(now);
                    break;
                case Window.Hour:
                    set.SampleHour(now);
                    break;
                default:
                    set.SampleDay(now);
                    break;
            }
        }
    }
}
