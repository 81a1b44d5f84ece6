using System.Collections.Concurrent;

namespace AkkaMq.Broker;

/// <summary>
/// Offsets an operator reset that the group's consumers have not picked up yet (RocketMQ 5's
/// server-side reset). Until a queue is pulled again, a pull from any other offset is answered
/// PULL_OFFSET_MOVED with the reset offset as the next one, and commits of the queue's old
/// position (pull-carried or UPDATE_CONSUMER_OFFSET) are ignored. This moves consumers that do
/// not handle RESET_CONSUMER_CLIENT_OFFSET (ali-ons ignores every broker-initiated request).
/// <para>
/// Ownership: <see cref="OffsetsActor"/> assigns and clears entries; the pull path takes them
/// (an atomic remove, so exactly one pull sees each). An entry lapses after <see cref="Lifetime"/>:
/// a live consumer pulls every queue it holds far more often, and a lapsed entry must not block
/// commits for ever (e.g. the group went offline and the admin's per-queue path writes offsets).
/// </para>
/// </summary>
public sealed class OffsetResets(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(string Topic, string Group, int QueueId), Pending> _pending = new();
    private int _count;

    /// <summary>How many resets wait (lapsed ones included until they are swept).</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>Called by the offsets actor only. Sweeps lapsed entries first: a queue nobody pulls again would otherwise keep its entry for ever.</summary>
    internal void Assign(string topic, string group, int queueId, long offset)
    {
        var now = time.GetUtcNow();
        foreach (var (key, lapsed) in _pending)
        {
            if (lapsed.Expires <= now && _pending.TryRemove(new KeyValuePair<(string, string, int), Pending>(key, lapsed)))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        var pending = new Pending(offset, now + Lifetime);

        // Only this actor adds, so the add factory runs once per added entry and the count stays exact.
        _pending.AddOrUpdate(
            (topic, group, queueId),
            _ =>
            {
                Interlocked.Increment(ref _count);
                return pending;
            },
            (_, _) => pending);
    }

    /// <summary>Called by the offsets actor only: forget every pending reset of the group on the topic.</summary>
    internal void Clear(string topic, string group)
    {
        foreach (var key in _pending.Keys)
        {
            if (key.Topic == topic && key.Group == group && _pending.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    /// <summary>True while a reset of the queue is waiting for its first pull.</summary>
    public bool IsPending(string topic, string group, int queueId)
    {
        if (Volatile.Read(ref _count) == 0 || !_pending.TryGetValue((topic, group, queueId), out var pending))
        {
            return false;
        }

        if (pending.Expires > time.GetUtcNow())
        {
            return true;
        }

        Take(topic, group, queueId);
        return false;
    }

    /// <summary>
    /// The pull path: removes the queue's pending reset and returns its offset, or −1 when there
    /// is none (the common case costs one volatile read) or it lapsed.
    /// </summary>
    public long Take(string topic, string group, int queueId)
    {
        if (Volatile.Read(ref _count) == 0 || !_pending.TryRemove((topic, group, queueId), out var pending))
        {
            return -1;
        }

        Interlocked.Decrement(ref _count);
        return pending.Expires > time.GetUtcNow() ? pending.Offset : -1;
    }

    private readonly record struct Pending(long Offset, DateTimeOffset Expires);
}
