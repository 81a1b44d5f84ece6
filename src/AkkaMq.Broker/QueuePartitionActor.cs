using Akka.Actor;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// One queue partition (topic, queue id), created by the <see cref="BrokerActor"/> on first use.
/// Owns that queue's long-poll holds (suspended pulls woken when the store actor reports new
/// records, or by the puller's own timeout, which completes the wake task itself) and its
/// ordered-consumption locks per consumer group. Pulls read the consume queue and commit log
/// directly; only a pull that finds nothing new comes here to wait.
/// </summary>
public sealed class QueuePartitionActor : ReceiveActor, IWithTimers
{
    /// <summary>RocketMQ's rocketmq.broker.rebalance.lockMaxLiveTime: a lock lapses this long after its last renewal (clients renew every 20 s).</summary>
    public static readonly TimeSpan LockLease = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    /// <summary>How soon a hold on a record not yet confirmed by the in-sync members looks again.</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(5);

    private readonly MessageStore _store;
    private readonly string _topic;
    private readonly int _queueId;
    private readonly TimeProvider _time;
    private readonly List<HoldPull> _holds = [];
    private readonly Dictionary<string, LockEntry> _locks = new(StringComparer.Ordinal);

    public QueuePartitionActor(MessageStore store, string topic, int queueId, TimeProvider time)
    {
        _store = store;
        _topic = topic;
        _queueId = queueId;
        _time = time;
        Receive<HoldPull>(Hold);
        Receive<MessageArrived>(_ => WakeArrived());
        Receive<SweepHolds>(_ => Sweep());
        Receive<ReleaseAllHolds>(_ => ReleaseAll());
        Receive<WakeHolds>(_ => ReleaseAll());
        Receive<LockQueue>(m => Sender.Tell(new QueueLockReply(m.Queue, TryLock(m.Group, m.ClientId)), Self));
        Receive<UnlockQueue>(m =>
        {
            Unlock(m.Group, m.ClientId);
            Sender.Tell(new QueueLockReply(m.Queue, false), Self);
        });
    }

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(MessageStore store, string topic, int queueId, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new QueuePartitionActor(store, topic, queueId, time));

    /// <summary>The child name of a partition: topic names may hold '%' and '|', which actor names may not.</summary>
    public static string ActorName(string topic, int queueId) =>
        "queue-" + Uri.EscapeDataString(topic) + "-" + queueId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override void PostStop() => ReleaseAll();

    private void Hold(HoldPull hold)
    {
        // A record may have landed between the pull's read and this registration: check first.
        if (HasReadableRecordAt(hold.Offset))
        {
            hold.Wake.TrySetResult(true);
            return;
        }

        _holds.Add(hold);
        if (!Timers.IsTimerActive("sweep"))
        {
            Timers.StartPeriodicTimer("sweep", SweepHolds.Instance, SweepInterval);
        }

        if (_store.GetMaxOffset(_topic, _queueId) > hold.Offset)
        {
            RecheckSoon();
        }
    }

    private void WakeArrived()
    {
        if (_holds.Count == 0)
        {
            return;
        }

        bool unconfirmed = false;
        _holds.RemoveAll(hold =>
        {
            if (hold.Wake.Task.IsCompleted)
            {
                return true;
            }

            if (HasReadableRecordAt(hold.Offset))
            {
                return hold.Wake.TrySetResult(true);
            }

            unconfirmed |= _store.GetMaxOffset(_topic, _queueId) > hold.Offset;
            return false;
        });
        if (unconfirmed)
        {
            RecheckSoon();
        }
    }

    /// <summary>The queue has a record at <paramref name="offset"/> that every in-sync member holds (see <see cref="MessageStore.ReadableOffset"/>).</summary>
    private bool HasReadableRecordAt(long offset) =>
        _store.GetMaxOffset(_topic, _queueId) > offset
        && (_store.ReadableOffset == long.MaxValue || (_store.TryGetQueueEntry(_topic, _queueId, offset, out var entry) && _store.IsReadable(entry)));

    /// <summary>A held pull's record is there but not yet on every in-sync member: look again shortly (confirmations wake no one).</summary>
    private void RecheckSoon()
    {
        if (!Timers.IsTimerActive("recheck"))
        {
            Timers.StartSingleTimer("recheck", new MessageArrived(_topic, _queueId), RecheckInterval);
        }
    }

    /// <summary>Drops holds whose pullers timed out or went away; the timer stops once none are left.</summary>
    private void Sweep()
    {
        _holds.RemoveAll(static h => h.Wake.Task.IsCompleted);
        if (_holds.Count == 0)
        {
            Timers.Cancel("sweep");
        }
    }

    private void ReleaseAll()
    {
        foreach (var hold in _holds)
        {
            hold.Wake.TrySetResult(false);
        }

        _holds.Clear();
    }

    /// <summary>Locks the queue for the client when it is free, already the client's, or lapsed.</summary>
    private bool TryLock(string group, string clientId)
    {
        var now = _time.GetUtcNow();
        if (_locks.TryGetValue(group, out var entry) && entry.ClientId != clientId && now - entry.RenewedAt <= LockLease)
        {
            return false;
        }

        _locks[group] = new LockEntry(clientId, now);
        return true;
    }

    private void Unlock(string group, string clientId)
    {
        if (_locks.TryGetValue(group, out var entry) && entry.ClientId == clientId)
        {
            _locks.Remove(group);
        }
    }

    private readonly record struct LockEntry(string ClientId, DateTimeOffset RenewedAt);

    private sealed class SweepHolds
    {
        public static readonly SweepHolds Instance = new();
    }
}

/// <summary>A message for one queue partition; the broker actor forwards it to the partition's actor, creating it when needed.</summary>
public interface IQueuePartitionMessage
{
    string Topic { get; }

    int QueueId { get; }
}

/// <summary>Wake <paramref name="Wake"/> (true) when the queue's max offset passes <paramref name="Offset"/>.</summary>
public sealed record HoldPull(string Topic, int QueueId, long Offset, TaskCompletionSource<bool> Wake) : IQueuePartitionMessage;

/// <summary>Answer the queue's held pulls now (an operator reset its offsets: held pullers must learn where to go).</summary>
public sealed record WakeHolds(string Topic, int QueueId) : IQueuePartitionMessage;

/// <summary>The store actor appended records to this queue.</summary>
public sealed record MessageArrived(string Topic, int QueueId) : IQueuePartitionMessage;

/// <summary>Lock one queue for a client of a group; replies <see cref="QueueLockReply"/>.</summary>
public sealed record LockQueue(string Group, string ClientId, MessageQueue Queue) : IQueuePartitionMessage
{
    public string Topic => Queue.Topic;

    public int QueueId => Queue.QueueId;
}

/// <summary>Release the client's lock on one queue; replies <see cref="QueueLockReply"/> (not locked).</summary>
public sealed record UnlockQueue(string Group, string ClientId, MessageQueue Queue) : IQueuePartitionMessage
{
    public string Topic => Queue.Topic;

    public int QueueId => Queue.QueueId;
}

public sealed record QueueLockReply(MessageQueue Queue, bool Locked);

/// <summary>Answer every held pull now (shutdown); the broker actor passes it to every partition.</summary>
public sealed record ReleaseAllHolds
{
    public static ReleaseAllHolds Instance { get; } = new();
}

/// <summary>Lock what is free (or already ours, or lapsed); the broker replies <see cref="LockedQueues"/> with the queues now held.</summary>
public sealed record LockQueues(string Group, string ClientId, IReadOnlyList<MessageQueue> Queues);

/// <summary>Release the caller's locks; the broker replies an empty <see cref="LockedQueues"/>.</summary>
public sealed record UnlockQueues(string Group, string ClientId, IReadOnlyList<MessageQueue> Queues);

public sealed record LockedQueues(IReadOnlyList<MessageQueue> Queues);
