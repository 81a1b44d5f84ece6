using System.Collections.Concurrent;
using System.Globalization;

namespace AkkaMq.Broker.Stats;

/// <summary>How a stats name spells its keys on the wire (RocketMQ's BrokerStatsManager.buildStatsKey).</summary>
internal enum StatsKeyShape
{
    /// <summary><c>topic</c> (TOPIC_PUT_NUMS, TOPIC_PUT_SIZE), or the cluster name for the broker totals.</summary>
    Topic,

    /// <summary><c>topic@group</c> (GROUP_GET_NUMS, GROUP_GET_SIZE, SNDBCK_PUT_NUMS).</summary>
    TopicGroup,

    /// <summary><c>queueId@topic@group</c> (GROUP_GET_LATENCY with RocketMQ's default enableDetailStat=true).</summary>
    QueueTopicGroup,
}

/// <summary>
/// A stats key as the counting paths hold it: the strings they already have, so counting a
/// send or a pull looks its item up without building a key string. Topic and group names
/// cannot contain '@' (topic name rules), so the wire form is unambiguous.
/// </summary>
internal readonly record struct StatsKey(string Topic, string? Group = null, int QueueId = 0)
{
    public string Format(StatsKeyShape shape) => shape switch
    {
        StatsKeyShape.TopicGroup => Topic + "@" + Group,
        StatsKeyShape.QueueTopicGroup => QueueId.ToString(CultureInfo.InvariantCulture) + "@" + Topic + "@" + Group,
        _ => Topic,
    };
}

/// <summary>
/// Every item of one stats name (RocketMQ's StatsItemSet). Items are created on first count and
/// live until their topic or group is deleted; the wire-key index is filled when an item is
/// created, so a VIEW_BROKER_STATS_DATA lookup never scans.
/// </summary>
internal sealed class StatsItemSet(string name, StatsKeyShape shape)
{
    private readonly ConcurrentDictionary<StatsKey, StatsItem> _items = new();
    private readonly ConcurrentDictionary<string, StatsItem> _byWireKey = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public int Count => _items.Count;

    public void Add(StatsKey key, long value, long times)
    {
        if (!_items.TryGetValue(key, out var item))
        {
            item = Create(key);
        }

        item.Add(value, times);
    }

    public bool TryGet(StatsKey key, out StatsItem item) => _items.TryGetValue(key, out item!);

    public bool TryGet(string wireKey, out StatsItem item) => _byWireKey.TryGetValue(wireKey, out item!);

    /// <summary>Drops the items of a deleted topic or group.</summary>
    public void RemoveWhere(Func<StatsKey, bool> match)
    {
        foreach (var key in _items.Keys)
        {
            if (match(key) && _items.TryRemove(key, out var item))
            {
                _byWireKey.TryRemove(item.Key, out _);
            }
        }
    }

    internal void SampleMinute(long nowMillis)
    {
        foreach (var item in _items.Values)
        {
            item.SampleMinute(nowMillis);
        }
    }

    internal void SampleHour(long nowMillis)
    {
        foreach (var item in _items.Values)
        {
            item.SampleHour(nowMillis);
        }
    }

    internal void SampleDay(long nowMillis)
    {
        foreach (var item in _items.Values)
        {
            item.SampleDay(nowMillis);
        }
    }

    /// <summary>Rare (once per key): two threads may both build an item, only the stored one is used.</summary>
    private StatsItem Create(StatsKey key)
    {
        var item = _items.GetOrAdd(key, static (k, s) => new StatsItem(k.Format(s)), shape);
        _byWireKey.TryAdd(item.Key, item);
        return item;
    }
}
