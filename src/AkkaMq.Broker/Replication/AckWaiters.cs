using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace AkkaMq.Broker.Replication;

/// <summary>
/// One send waiting for its replicas: a pooled <see cref="IValueTaskSource{TResult}"/>, so a waiting send
/// allocates nothing. Lifecycle: <see cref="Rent"/>, hand out <see cref="Task"/>, complete once with
/// <see cref="Complete"/>; the awaiter's <c>GetResult</c> returns it to the pool. <see cref="Generation"/>
/// grows on every reuse, so an entry left behind in a queue can tell it is stale.
/// </summary>
internal sealed class AckWaiter : IValueTaskSource<ReplicaAck>
{
    private const int MaxPooled = 4096;
    private static readonly ConcurrentQueue<AckWaiter> Pool = new();

    // Continuations run on the thread that completes the waiter: the completer is always a pool work
    // item that completes a whole batch, never a fetch handler or an actor.
    private ManualResetValueTaskSourceCore<ReplicaAck> _core = new() { RunContinuationsAsynchronously = false };

    /// <summary>Grows on every reuse (read and written under the owner's lock, or before the waiter is shared).</summary>
    public int Generation { get; private set; }

    /// <summary>Set by the owner, under its lock, when the waiter's outcome is decided.</summary>
    public bool Decided { get; set; }

    public ValueTask<ReplicaAck> Task => new(this, _core.Version);

    public static AckWaiter Rent()
    {
        var waiter = Pool.TryDequeue(out var pooled) ? pooled : new AckWaiter();
        waiter.Decided = false;
        return waiter;
    }

    public void Complete(ReplicaAck ack) => _core.SetResult(ack);

    ReplicaAck IValueTaskSource<ReplicaAck>.GetResult(short token)
    {
        ReplicaAck result = _core.GetResult(token);
        _core.Reset();
        Generation++;
        if (Pool.Count < MaxPooled)
        {
            Pool.Enqueue(this);
        }

        return result;
    }

    ValueTaskSourceStatus IValueTaskSource<ReplicaAck>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<ReplicaAck>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>A waiter as queued: the offset it needs, its deadline (a <see cref="TimeProvider"/> timestamp) and the generation it was queued under.</summary>
internal readonly record struct AckEntry(long EndOffset, long Deadline, AckWaiter Waiter, int Generation)
{
    /// <summary>Still waiting: not decided and not reused since it was queued.</summary>
    public bool Live => Waiter.Generation == Generation && !Waiter.Decided;
}

/// <summary>
/// Waiting sends ordered two ways: by end offset (a min-heap drained when the confirmed offset grows) and by
/// arrival (a FIFO; with one ack timeout for all, arrival order is deadline order, so one sweep pops the expired
/// ones from its head). A waiter decided through one queue stays in the other as a stale entry, skipped when met
/// and dropped by <see cref="Compact"/> when stale entries outnumber live ones. Not thread-safe: the owner locks.
/// </summary>
internal sealed class AckWaiterQueue
{
    private readonly PriorityQueue<AckEntry, long> _byOffset = new();
    private readonly Queue<AckEntry> _byArrival = new();

    /// <summary>Waiters not yet decided.</summary>
    public int Live { get; private set; }

    /// <summary>No entries at all, live or stale (a sweep has nothing to drop).</summary>
    public bool IsEmpty => _byArrival.Count == 0 && _byOffset.Count == 0;

    public void Add(AckEntry entry)
    {
        _byOffset.Enqueue(entry, entry.EndOffset);
        _byArrival.Enqueue(entry);
        Live++;
    }

    /// <summary>
    /// Decides every live waiter with an end offset at or below <paramref name="confirmed"/> into
    /// <paramref name="done"/>; returns the highest end offset decided (-1: none).
    /// </summary>
    public long TakeConfirmed(long confirmed, List<AckWaiter> done)
    {
        long highest = -1;
        while (_byOffset.TryPeek(out AckEntry entry, out long offset) && offset <= confirmed)
        {
            _byOffset.Dequeue();
            if (Decide(entry, done))
            {
                highest = offset;
            }
        }

        return highest;
    }

    /// <summary>Decides every live waiter whose deadline is at or before <paramref name="now"/> into <paramref name="done"/>.</summary>
    public void TakeExpired(long now, List<AckWaiter> done)
    {
        while (_byArrival.TryPeek(out AckEntry entry) && (entry.Deadline <= now || !entry.Live))
        {
            _byArrival.Dequeue();
            _ = Decide(entry, done);
        }

        Compact();
    }

    /// <summary>Decides every live waiter into <paramref name="done"/> and empties both queues.</summary>
    public void TakeAll(List<AckWaiter> done)
    {
        while (_byArrival.TryDequeue(out AckEntry entry))
        {
            _ = Decide(entry, done);
        }

        _byOffset.Clear();
        Live = 0;
    }

    /// <summary>Marks a live entry's waiter decided and adds it to <paramref name="done"/>; false for a stale entry.</summary>
    private bool Decide(AckEntry entry, List<AckWaiter> done)
    {
        if (!entry.Live)
        {
            return false;
        }

        entry.Waiter.Decided = true;
        done.Add(entry.Waiter);
        Live--;
        return true;
    }

    /// <summary>Rebuilds the offset heap without stale entries once they outnumber the live ones (a long outage times out many sends).</summary>
    private void Compact()
    {
        if (_byOffset.Count < 1024 || _byOffset.Count < 2 * Live)
        {
            return;
        }

        var live = new List<(AckEntry, long)>(Live);
        foreach (var (entry, offset) in _byOffset.UnorderedItems)
        {
            if (entry.Live)
            {
                live.Add((entry, offset));
            }
        }

        _byOffset.Clear();
        _byOffset.EnqueueRange(live);
    }
}
