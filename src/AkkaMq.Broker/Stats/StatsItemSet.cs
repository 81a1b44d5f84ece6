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
/// live until their topic or group is deleted, or until a whole day window passes without a
/// count (a consumer group that went away without being deleted, a tool's one-off group), so
/// the set does not grow with every name ever seen; such an item shows zeros anyway and comes
/// back at its next count. The wire-key index is filled when an item is created, so a
/// VIEW_BROKER_STATS_DATA lookup never scans.
/// </summary>
/// <param name="forgetIdle">False for the broker-wide totals: one item each, kept for the node's life (runtime info reads them).</param>
internal sealed class StatsItemSet(string name, StatsKeyShape shape, bool forgetIdle = true)
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
                Unindex(item);
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

    /// <summary>
    /// Samples the day window, then drops the items idle over all of it. A count racing with the
    /// drop of its item (idle for a day until that instant) may be lost; the next count starts a new item.
    /// </summary>
    internal void SampleDay(long nowMillis)
    {
        foreach (var (key, item) in _items)
        {
            item.SampleDay(nowMillis);
            if (forgetIdle && item.IsIdleForADay && _items.TryRemove(new KeyValuePair<StatsKey, StatsItem>(key, item)))
            {
                Unindex(item);
            }
        }
    }

    /// <summary>Rare (once per key): two threads may both build an item, only the stored one is used.</summary>
    private StatsItem Create(StatsKey key)
    {
        var item = _items.GetOrAdd(key, static (k, s) => new StatsItem(k.Format(s)), shape);

        // Overwrite rather than add: a removed item of the same key may still be indexed while its removal runs.
        _byWireKey[item.Key] = item;
        return item;
    }

    /// <summary>Removes the item's index entry only if it is still this item (a new one of the same key may have replaced it).</summary>
    private void Unindex(StatsItem item) => _byWireKey.TryRemove(new KeyValuePair<string, StatsItem>(item.Key, item));
}
