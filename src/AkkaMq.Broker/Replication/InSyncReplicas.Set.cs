using AkkaMq.Cluster.Coordination;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.Replication;

/// <summary>Leadership, follower progress and changes of the in-sync set.</summary>
public sealed partial class InSyncReplicas
{
    /// <summary>
    /// This broker (member <paramref name="selfMemberId"/>) is master of <paramref name="set"/>'s master epoch with
    /// that in-sync set. A new epoch forgets every follower's progress (progress counts only in the epoch it was
    /// reported in); the same epoch again applies the set as <see cref="ChangeAccepted"/> does; an older epoch is ignored.
    /// </summary>
    public void Lead(long selfMemberId, SyncStateSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        List<AckWaiter> done = [];
        lock (_lock)
        {
            if (_disposed)
            {
                _log.LogWarning("In-sync set of master epoch {Epoch} ignored: the gate is stopped", set.MasterEpoch);
            }
            else if (!_leading || _current is not { } current || set.MasterEpoch > current.MasterEpoch)
            {
                StartLeading(selfMemberId, set, done);
            }
            else if (set.MasterEpoch == current.MasterEpoch && selfMemberId == _self)
            {
                ApplySet(set, done);
            }
            else
            {
                _log.LogWarning("In-sync set of master epoch {Epoch} for member {Member} ignored: leading epoch {Current} as member {Self}",
                    set.MasterEpoch, selfMemberId, current.MasterEpoch, _self);
            }
        }

        CompleteLater(done, ReplicaAck.Ok);
    }

    /// <summary>A new leadership: progress of earlier epochs is forgotten; sends still waiting keep waiting. Under the lock.</summary>
    private void StartLeading(long selfMemberId, SyncStateSet set, List<AckWaiter> done)
    {
        _leading = true;
        _self = selfMemberId;
        _current = set;
        _pending = null;
        _pendingUnsent = false;
        _proposing = false;
        _followers.Clear();
        _highestAcked = 0;
        _epochStart = _masterEndOffset();
        long now = _time.GetTimestamp();
        foreach (long member in set.Members)
        {
            if (member != _self)
            {
                _followers[member] = new FollowerState(now);
            }
        }

        Recompute(done);
        _log.LogInformation("Master of epoch {Epoch} (member {Self}) acknowledges with in-sync set [{Set}] (set epoch {SetEpoch}); the epoch starts at {Start}",
            set.MasterEpoch, _self, string.Join(",", set.Members), set.SyncStateSetEpoch, _epochStart);
    }

    /// <summary>Not master any more: every waiting send completes <see cref="ReplicaAck.NotMaster"/>, progress is forgotten.</summary>
    public void Resign()
    {
        List<AckWaiter> done = [];
        lock (_lock)
        {
            _leading = false;
            _pending = null;
            _pendingUnsent = false;
            _followers.Clear();
            _required = [];
            _copies = 0;
            _confirmed = 0;
            _waiters.TakeAll(done);
        }

        CompleteLater(done, ReplicaAck.NotMaster);
    }

    /// <summary>
    /// A follower's FETCH report (wire <see cref="ReplicationServer.ProgressReported"/> here). Counts only when
    /// <see cref="FollowerProgress.MasterEpoch"/> is the epoch this broker leads. Once <see cref="ProposeChange"/>
    /// has been called in this leadership (someone takes proposals to the controller), a follower outside the set
    /// whose offset reaches everything acknowledged in this epoch (and the epoch's start) is proposed for the set at
    /// once, in the same step as the check: from then on acks wait for it too, so nothing acknowledged later can be
    /// missing on it; the next <see cref="ProposeChange"/> returns the proposal.
    /// </summary>
    public void OnProgress(FollowerProgress progress)
    {
        List<AckWaiter> done = [];
        lock (_lock)
        {
            if (!_leading || _current is not { } current || progress.MasterEpoch != current.MasterEpoch || progress.BrokerId == _self)
            {
                return;
            }

            long now = _time.GetTimestamp();
            if (!_followers.TryGetValue(progress.BrokerId, out var state))
            {
                _followers[progress.BrokerId] = state = new FollowerState(now);
            }

            state.Session = true;
            state.EverConnected = true;
            state.Acked = _options.UseFlushedOffsets ? progress.FlushedOffset : progress.WrittenOffset;
            if (progress.CaughtUp || progress.WrittenOffset >= progress.MasterEndOffset)
            {
                state.LastCaughtUp = now;
            }

            if (Array.IndexOf(_required, progress.BrokerId) >= 0)
            {
                Drain(done);
            }
            else if (_proposing && _pending is null && !current.Members.Contains(progress.BrokerId) && state.Acked >= _highestAcked && state.Acked >= _epochStart)
            {
                _pending = [.. current.Members, progress.BrokerId];
                _pendingUnsent = true;
                Recompute(done);
                _log.LogInformation("Follower {Id} caught up at {Offset} (acknowledged {Acked}); proposing in-sync set [{Set}]",
                    progress.BrokerId, state.Acked, _highestAcked, string.Join(",", _pending));
            }
        }

        // On the fetch handler's thread: the sends' answers are queued on their connections from here, without waking a pool thread per report.
        CompleteAll(done, ReplicaAck.Ok);
    }

    /// <summary>Every connection of follower <paramref name="memberId"/> closed: it has no session (the next <see cref="ProposeChange"/> drops it from the set).</summary>
    public void OnFollowerGone(long memberId)
    {
        lock (_lock)
        {
            if (_followers.TryGetValue(memberId, out var state))
            {
                state.Session = false;
            }
        }
    }

    /// <summary>
    /// The change to ask the controller for (the full new set, the master included), now marked pending; null when
    /// nothing changes or a change is pending. Shrinks by followers of the set not caught up for max-lag-time or
    /// whose connection closed; expands by followers <see cref="OnProgress"/> found caught up. Never applies anything:
    /// only <see cref="ChangeAccepted"/> does.
    /// </summary>
    public IReadOnlyList<long>? ProposeChange()
    {
        lock (_lock)
        {
            if (!_leading || _current is not { } current)
            {
                return null;
            }

            _proposing = true;
            if (_pending is not null)
            {
                bool unsent = _pendingUnsent;
                _pendingUnsent = false;
                return unsent ? _pending : null;
            }

            long now = _time.GetTimestamp();
            var keep = new List<long>(current.Members.Count);
            foreach (long member in current.Members)
            {
                if (member == _self || (_followers.TryGetValue(member, out var state) && !Lagging(state, now)))
                {
                    keep.Add(member);
                }
            }

            if (keep.Count == current.Members.Count)
            {
                return null;
            }

            _pending = keep;
            _log.LogInformation("In-sync set [{Set}] of epoch {Epoch}: proposing [{New}] (followers lagging more than {MaxLag} or disconnected)",
                string.Join(",", current.Members), current.MasterEpoch, string.Join(",", keep), _options.MaxLagTime);
            return keep;
        }
    }

    /// <summary>The controller persisted <paramref name="set"/> (or an assignment carries a newer one): acknowledge with it from now on.</summary>
    public void ChangeAccepted(SyncStateSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        List<AckWaiter> done = [];
        lock (_lock)
        {
            if (!_leading || _current is not { } current || set.MasterEpoch != current.MasterEpoch)
            {
                _log.LogInformation("In-sync set of master epoch {Epoch} ignored: not leading that epoch", set.MasterEpoch);
                return;
            }

            ApplySet(set, done);
        }

        CompleteLater(done, ReplicaAck.Ok);
    }

    /// <summary>The controller refused the pending change: forget it (the next <see cref="ProposeChange"/> may propose again).</summary>
    public void ChangeRefused(string reason)
    {
        List<AckWaiter> done = [];
        lock (_lock)
        {
            if (_pending is null)
            {
                return;
            }

            _log.LogWarning("In-sync set change to [{Set}] refused: {Reason}", string.Join(",", _pending), reason);
            _pending = null;
            _pendingUnsent = false;
            if (_leading)
            {
                Recompute(done);
            }
        }

        CompleteLater(done, ReplicaAck.Ok);
    }

    private bool Lagging(FollowerState state, long now) =>
        (state.EverConnected && !state.Session) || _time.GetElapsedTime(state.LastCaughtUp, now) > _options.MaxLagTime;

    /// <summary>Applies a set of the epoch being led, unless older than the current one. Under the lock.</summary>
    private void ApplySet(SyncStateSet set, List<AckWaiter> done)
    {
        if (set.SyncStateSetEpoch < _current!.SyncStateSetEpoch)
        {
            _log.LogInformation("In-sync set epoch {SetEpoch} ignored: set epoch {Current} already applied", set.SyncStateSetEpoch, _current.SyncStateSetEpoch);
            return;
        }

        // The member re-reads the Controller's set every sync interval: only a change is news.
        bool changed = set.SyncStateSetEpoch != _current.SyncStateSetEpoch || set.MasterEpoch != _current.MasterEpoch || !set.Members.SequenceEqual(_current.Members);
        _current = set;
        _pending = null;
        _pendingUnsent = false;
        long now = _time.GetTimestamp();
        foreach (long member in set.Members)
        {
            if (member != _self && !_followers.ContainsKey(member))
            {
                _followers[member] = new FollowerState(now);
            }
        }

        if (changed)
        {
            _log.LogInformation("In-sync set of epoch {Epoch} is now [{Set}] (set epoch {SetEpoch})", set.MasterEpoch, string.Join(",", set.Members), set.SyncStateSetEpoch);
        }

        Recompute(done);
    }

    /// <summary>
    /// After a change of the current or pending set: recomputes the followers acks wait for (current ∪ pending, minus
    /// the master) and the number of copies, then <see cref="Drain"/>s. Under the lock.
    /// </summary>
    private void Recompute(List<AckWaiter> done)
    {
        var union = new HashSet<long>(_current!.Members) { _self };
        if (_pending is not null)
        {
            union.UnionWith(_pending);
        }

        _copies = union.Count;
        union.Remove(_self);
        _required = [.. union];
        Drain(done);
    }

    /// <summary>
    /// Recomputes the confirmed offset (the lowest offset the required followers reported) and decides the waiters it
    /// covers into <paramref name="done"/>. When the set is too small, the waiting sends can never be acknowledged: they
    /// complete NotEnoughReplicas. Under the lock; allocates nothing on the progress path.
    /// </summary>
    private void Drain(List<AckWaiter> done)
    {
        long confirmed = long.MaxValue;
        foreach (long follower in _required)
        {
            long acked = _followers.TryGetValue(follower, out var state) ? state.Acked : -1;
            confirmed = Math.Min(confirmed, acked);
        }

        _confirmed = confirmed;
        if (_options.Mode == ReplicationMode.Sync)
        {
            // What every in-sync member holds may be read; what this master holds from before its epoch is the group's log.
            ReadableChanged?.Invoke(Math.Max(confirmed, _epochStart));
        }

        if (_copies < _options.MinInSyncReplicas)
        {
            var refused = new List<AckWaiter>();
            _waiters.TakeAll(refused);
            CompleteLater(refused, ReplicaAck.NotEnoughReplicas);
            return;
        }

        long highest = _waiters.TakeConfirmed(confirmed, done);
        _highestAcked = Math.Max(_highestAcked, highest);
    }
}
