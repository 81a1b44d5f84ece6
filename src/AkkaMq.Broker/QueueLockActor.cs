using AkkaMq.Actors;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker;

/// <summary>
/// Ordered-consumption queue locks (LOCK_BATCH_MQ 41 / UNLOCK_BATCH_MQ 42): per consumer group,
/// which client holds each queue. A lock lapses <see cref="LockLease"/> after its last renewal
/// (clients renew every 20 s). Owns the lock table.
/// </summary>
public sealed class QueueLockActor : ReceiveActor
{
    /// <summary>RocketMQ's rocketmq.broker.rebalance.lockMaxLiveTime.</summary>
    public static readonly TimeSpan LockLease = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _time;
    private readonly Dictionary<string, Dictionary<MessageQueue, LockEntry>> _groups = new(StringComparer.Ordinal);

    private QueueLockActor(TimeProvider time)
    {
        _time = time;
        Receive<LockQueues>(m => Sender.Tell(new LockedQueues(Lock(m.Group, m.ClientId, m.Queues)), Self));
        Receive<UnlockQueues>(m =>
        {
            Unlock(m.Group, m.ClientId, m.Queues);
            Sender.Tell(new LockedQueues([]), Self);
        });
    }

    public static Props Props(TimeProvider time) => AkkaMq.Actors.Props.Create(() => new QueueLockActor(time));

    private List<MessageQueue> Lock(string group, string clientId, IReadOnlyList<MessageQueue> queues)
    {
        if (!_groups.TryGetValue(group, out var locks))
        {
            _groups[group] = locks = [];
        }

        var now = _time.GetUtcNow();
        var granted = new List<MessageQueue>();
        foreach (var queue in queues)
        {
            if (!locks.TryGetValue(queue, out var entry) || entry.ClientId == clientId || now - entry.RenewedAt > LockLease)
            {
                locks[queue] = new LockEntry(clientId, now);
                granted.Add(queue);
            }
        }

        return granted;
    }

    private void Unlock(string group, string clientId, IReadOnlyList<MessageQueue> queues)
    {
        if (!_groups.TryGetValue(group, out var locks))
        {
            return;
        }

        foreach (var queue in queues)
        {
            if (locks.TryGetValue(queue, out var entry) && entry.ClientId == clientId)
            {
                locks.Remove(queue);
            }
        }
    }

    private readonly record struct LockEntry(string ClientId, DateTimeOffset RenewedAt);
}

/// <summary>Lock what is free (or already ours, or lapsed); replies <see cref="LockedQueues"/> with the queues now held.</summary>
public sealed record LockQueues(string Group, string ClientId, IReadOnlyList<MessageQueue> Queues);

/// <summary>Release the caller's locks; replies an empty <see cref="LockedQueues"/>.</summary>
public sealed record UnlockQueues(string Group, string ClientId, IReadOnlyList<MessageQueue> Queues);

public sealed record LockedQueues(IReadOnlyList<MessageQueue> Queues);
