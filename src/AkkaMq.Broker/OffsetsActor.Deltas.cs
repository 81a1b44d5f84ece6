using System.Diagnostics;
using Akka.Actor;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>Delta records: each commit, reset and clone reaches the log within the delta interval.</summary>
public sealed partial class OffsetsActor
{
    private readonly OffsetDeltas _deltas = new();
    private readonly TimeSpan _deltaInterval;
    private readonly CancellationTokenSource _stopping = new();
    private bool _deltaInFlight;
    private bool _deltaDue;
    private bool _holdDelta;
    private int _deltaFailures;
    private long _lastDeltaAt = long.MinValue;

    private bool IsFollower => _membership is { IsMaster: false };

    private void CommitDurably(CommitOffsetDurably m)
    {
        // The delta is written after the waiter joins it, not from inside the commit.
        _holdDelta = true;
        bool changed;
        try
        {
            changed = Commit(m.Commit);
        }
        finally
        {
            _holdDelta = false;
        }

        if (IsFollower || (!changed && !_deltaInFlight && !_deltas.HasChanges))
        {
            // A follower writes no records; an unchanged entry is in the log already (nothing pending or in flight).
            Sender.Tell(OffsetCommitOutcome.Done, Self);
            return;
        }

        if (!changed)
        {
            // The value may travel in the delta in flight or one still to be written: wait for the next.
            _deltas.Changed(OffsetSnapshot.Key(m.Commit.Topic, m.Commit.Group), m.Commit.QueueId);
        }

        _deltas.Wait(Sender);
        ScheduleDelta();
    }

    private void DeltaChanged(string key, int queueId)
    {
        if (IsFollower)
        {
            return;
        }

        _deltas.Changed(key, queueId);
        if (!_holdDelta)
        {
            ScheduleDelta();
        }
    }

    private void DeltaReplaced(string key)
    {
        if (IsFollower)
        {
            return;
        }

        _deltas.Replaced(key);
        ScheduleDelta();
    }

    /// <summary>Writes the delta now when the last one is an interval old and none is in flight; otherwise once it is.</summary>
    private void ScheduleDelta()
    {
        if (_deltaInFlight || _deltaDue || !_deltas.HasChanges)
        {
            return;
        }

        TimeSpan since = _lastDeltaAt == long.MinValue ? TimeSpan.MaxValue : Stopwatch.GetElapsedTime(_lastDeltaAt);
        if (since >= _deltaInterval)
        {
            StoreDelta();
            return;
        }

        // Real time, not the actor system's scheduler: a test's virtual clock must not hold commits back.
        _deltaDue = true;
        IActorRef self = Self;
        Task.Delay(_deltaInterval - since, _stopping.Token).ContinueWith(
            _ => self.Tell(WriteDelta.Instance, ActorRefs.NoSender),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private void OnWriteDelta()
    {
        _deltaDue = false;
        ScheduleDelta();
    }

    private void StoreDelta()
    {
        PendingDelta delta = _deltas.Take(_table);
        var values = ValuesOf(delta);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var record = new MessageToStore(OffsetSnapshot.Topic, 0, 0, delta.Body, string.Empty, now, _storeHost, _storeHost);
        var completion = new TaskAppendCompletion();
        _deltaInFlight = true;
        _lastDeltaAt = Stopwatch.GetTimestamp();
        _storeActor.Tell(new AppendMessages(new[] { record }, completion));
        completion.Task.ContinueWith(
            t => new DeltaStored(delta, t.IsCompletedSuccessfully ? t.Result[0] : null, t.Exception?.GetBaseException().Message) { Values = values },
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).PipeTo(Self);
    }

    private void OnDeltaStored(DeltaStored m)
    {
        _deltaInFlight = false;
        if (m.Result is { IsOk: true } stored)
        {
            _deltaFailures = 0;
            Written(stored.CommitLogOffset + stored.StoredSize, m.Values, m.Delta.Replaced);
            foreach (var waiting in m.Delta.Waiting)
            {
                waiting.Tell(OffsetCommitOutcome.Done, Self);
            }

            ScheduleDelta();
            return;
        }

        string reason = m.Error ?? ("store answered " + m.Result?.Status);
        if (_deltaFailures++ == 0)
        {
            _log.LogWarning("Consumer offsets delta not stored ({Reason}); its entries go with the next commit or the next persist tick", reason);
        }

        var outcome = new OffsetCommitOutcome(false, "consumer offset not stored: " + reason);
        foreach (var waiting in m.Delta.Waiting)
        {
            waiting.Tell(outcome, Self);
        }

        if (!IsFollower)
        {
            // Not retried at once: a store that refuses (failed, full, demoted) would be asked every interval.
            _deltas.Restore(m.Delta);
        }
    }

    /// <summary>Drops the pending changes (the table now comes from the log); whoever waited for them is told.</summary>
    private void ForgetDeltas(string why)
    {
        var outcome = new OffsetCommitOutcome(false, "consumer offset not stored: " + why);
        foreach (var waiting in _deltas.Clear())
        {
            waiting.Tell(outcome, Self);
        }
    }

    /// <summary>The delta interval since the last delta has passed.</summary>
    private sealed record WriteDelta
    {
        public static WriteDelta Instance { get; } = new();
    }

    /// <summary>The store actor's answer for a delta record (<paramref name="Result"/> null when the append failed with <paramref name="Error"/>).</summary>
    private sealed record DeltaStored(PendingDelta Delta, AppendResult? Result, string? Error)
    {
        /// <summary>The values the delta carried, for the confirmed view.</summary>
        public Dictionary<string, Dictionary<int, long>> Values { get; init; } = [];
    }
}
