using AkkaMq.Cluster.Coordination;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Replication;

/// <summary>The outcome of waiting for a send's replicas.</summary>
public enum ReplicaAck
{
    /// <summary>Every member of the in-sync set holds the send and there are enough of them: answer SEND_OK.</summary>
    Ok,

    /// <summary>Not confirmed within the ack timeout: FLUSH_SLAVE_TIMEOUT (12).</summary>
    Timeout,

    /// <summary>The in-sync set is smaller than min-in-sync-replicas: SLAVE_NOT_AVAILABLE (11).</summary>
    NotEnoughReplicas,

    /// <summary>This broker is not (or no longer) the master: SERVICE_NOT_AVAILABLE (14).</summary>
    NotMaster,
}

/// <summary>
/// How a master acknowledges sends. <paramref name="UseFlushedOffsets"/>: count a follower's flushed offset
/// (the store flushes in group-commit mode) rather than its written one.
/// </summary>
public sealed record InSyncOptions(ReplicationMode Mode, int MinInSyncReplicas, TimeSpan MaxLagTime, TimeSpan AckTimeout, bool UseFlushedOffsets);

/// <summary>
/// The master's in-sync replication gate. In sync mode a send is acknowledged only when every follower of the
/// in-sync set (the union of the current and the pending set while a change is pending) reported an offset at or
/// past the send's end, and the set has at least min-in-sync-replicas members (the master included). The set
/// changes only through the controller: <see cref="ProposeChange"/> proposes, <see cref="ChangeAccepted"/> applies.
/// <para>
/// Threads: every member may be called from any thread; one lock guards the state. Waiters are decided under the
/// lock and completed outside it, in one thread-pool work item per batch (never on a fetch handler's or an actor's
/// thread), or on the timeout sweep's timer thread.
/// </para>
/// </summary>
public sealed partial class InSyncReplicas : IDisposable
{
    private readonly object _lock = new();
    private readonly InSyncOptions _options;
    private readonly Func<long> _masterEndOffset;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ITimer? _sweep;
    private readonly AckWaiterQueue _waiters = new();
    private readonly Dictionary<long, FollowerState> _followers = [];
    private volatile bool _leading;
    private bool _disposed;
    private long _self;
    private SyncStateSet? _current;
    private IReadOnlyList<long>? _pending;
    private bool _pendingUnsent;
    private bool _proposing;
    private long[] _required = [];
    private int _copies;
    private long _confirmed;
    private long _highestAcked;
    private long _epochStart;

    public InSyncReplicas(InSyncOptions options, Func<long> masterEndOffset, TimeProvider? time = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(masterEndOffset);
        if (options.MinInSyncReplicas < 1 || options.MaxLagTime <= TimeSpan.Zero || options.AckTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"min-in-sync-replicas must be at least 1 and max-lag-time and ack-timeout positive (got {options.MinInSyncReplicas}, {options.MaxLagTime}, {options.AckTimeout}).",
                nameof(options));
        }

        _options = options;
        _masterEndOffset = masterEndOffset;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        if (options.Mode == ReplicationMode.Sync)
        {
            TimeSpan tick = TimeSpan.FromTicks(Math.Clamp(options.AckTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 5, TimeSpan.TicksPerMillisecond * 100));
            _sweep = _time.CreateTimer(static s => ((InSyncReplicas)s!).Sweep(), this, tick, tick);
        }
    }

    public InSyncOptions Options => _options;

    /// <summary>
    /// Told the commit-log offset below which every record is held by every in-sync member (the high watermark),
    /// whenever it is recomputed while leading in sync mode; called under the gate's lock, so it must only store
    /// the value. After <see cref="Resign"/> it is not called again until the next <see cref="Lead"/>.
    /// </summary>
    public Action<long>? ReadableChanged { get; set; }

    /// <summary>True between <see cref="Lead"/> and <see cref="Resign"/>.</summary>
    public bool IsLeading => _leading;

    /// <summary>The in-sync set this master acknowledges with (null when not leading).</summary>
    public SyncStateSet? Current
    {
        get
        {
            lock (_lock)
            {
                return _leading ? _current : null;
            }
        }
    }

    /// <summary>The proposed set awaiting the controller (null: none).</summary>
    public IReadOnlyList<long>? Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending;
            }
        }
    }

    /// <summary>The highest end offset acknowledged Ok in the current master epoch (0: none).</summary>
    public long AcknowledgedOffset
    {
        get
        {
            lock (_lock)
            {
                return _highestAcked;
            }
        }
    }

    /// <summary>Sends waiting for their replicas.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Live;
            }
        }
    }

    /// <summary>
    /// Waits until the send ending at <paramref name="endOffset"/> (its last record's commit-log offset plus size)
    /// may be acknowledged. Completes synchronously when the answer is known at once.
    /// </summary>
    public ValueTask<ReplicaAck> WaitAsync(long endOffset)
    {
        if (_options.Mode == ReplicationMode.Async)
        {
            return new(_leading ? ReplicaAck.Ok : ReplicaAck.NotMaster);
        }

        lock (_lock)
        {
            if (!_leading)
            {
                return new(ReplicaAck.NotMaster);
            }

            if (_copies < _options.MinInSyncReplicas)
            {
                return new(ReplicaAck.NotEnoughReplicas);
            }

            if (endOffset <= _confirmed)
            {
                _highestAcked = Math.Max(_highestAcked, endOffset);
                return new(ReplicaAck.Ok);
            }

            var waiter = AckWaiter.Rent();
            long deadline = _time.GetTimestamp() + (long)(_options.AckTimeout.TotalSeconds * _time.TimestampFrequency);
            _waiters.Add(new AckEntry(endOffset, deadline, waiter, waiter.Generation));
            return waiter.Task;
        }
    }

    /// <summary>Stops the timeout sweep; every waiter completes <see cref="ReplicaAck.NotMaster"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _sweep?.Dispose();
        Resign();
    }

    private void Sweep()
    {
        List<AckWaiter>? done = null;
        lock (_lock)
        {
            // Stale entries (waiters acknowledged through the offset heap) are dropped here too, so sweep unless empty.
            if (_waiters.IsEmpty || _disposed)
            {
                return;
            }

            done = [];
            _waiters.TakeExpired(_time.GetTimestamp(), done);
        }

        // The sweep runs on a timer (pool) thread: complete here.
        CompleteAll(done, ReplicaAck.Timeout);
    }

    /// <summary>Completes <paramref name="done"/> on a pool thread (the caller may be an actor or a fetch handler).</summary>
    private static void CompleteLater(List<AckWaiter>? done, ReplicaAck ack)
    {
        if (done is { Count: > 0 })
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => CompleteAll(s.done, s.ack), (done, ack), preferLocal: false);
        }
    }

    private static void CompleteAll(List<AckWaiter>? done, ReplicaAck ack)
    {
        if (done is null)
        {
            return;
        }

        foreach (var waiter in done)
        {
            waiter.Complete(ack);
        }
    }

    /// <summary>One follower's state in the current leadership.</summary>
    private sealed class FollowerState(long since)
    {
        /// <summary>The offset that counts for acks (written or flushed); -1 before its first report in this epoch.</summary>
        public long Acked { get; set; } = -1;

        /// <summary>Timestamp when it last held everything the master had (or when tracking began).</summary>
        public long LastCaughtUp { get; set; } = since;

        /// <summary>It reported progress in this epoch and its connection has not closed since.</summary>
        public bool Session { get; set; }

        /// <summary>It has reported progress in this epoch at least once.</summary>
        public bool EverConnected { get; set; }
    }
}
