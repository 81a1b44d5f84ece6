using System.Buffers;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;

namespace AkkaMq.Broker.Replication;

/// <summary>FETCH: progress report, long poll and one batch of records.</summary>
public sealed partial class ReplicationServer
{
    private async ValueTask<RemotingCommand> FetchAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        long offset = ReplicationProtocol.Long(request, ReplicationProtocol.Offset);
        long flushed = ReplicationProtocol.Long(request, ReplicationProtocol.FlushedOffset);
        int knownEpoch = ReplicationProtocol.Int(request, ReplicationProtocol.KnownEpoch);
        ReplicationLeadership? leader = _leadership;
        if (leader is null)
        {
            return Refuse(request, ReplicationProtocol.NotMaster, "this node is not the master of its group");
        }
        if (knownEpoch > leader.Epoch)
        {
            return Refuse(request, ReplicationProtocol.NotMaster, $"this node's epoch {leader.Epoch} is older than epoch {knownEpoch} the follower knows");
        }
        if (!_sessions.TryGetValue(connection, out FollowerSession? session) || !session.Hello)
        {
            return Refuse(request, ReplicationProtocol.HelloFirst, "say HELLO on this connection before fetching");
        }
        if (session.HelloEpoch != leader.Epoch)
        {
            // This node leads a newer epoch than the one the follower said HELLO in: its log may have been truncated
            // since; the follower must compare epochs again before its progress counts.
            return Refuse(request, ReplicationProtocol.HelloFirst, $"this master now leads epoch {leader.Epoch}; say HELLO again");
        }
        if (!session.TryBeginFetch())
        {
            return Refuse(request, ReplicationProtocol.FetchInFlight, "a fetch from this follower is already in flight");
        }
        try
        {
            // The follower fetching again confirms the previous answer: that batch is no longer held for it.
            Interlocked.Add(ref _bufferedBatchBytes, -session.TakeOutstanding());
            long end = _store.MaxPhysicalOffset;
            bool caughtUp = session.Report(offset, flushed, end, _time.GetUtcNow());
            ProgressReported?.Invoke(new FollowerProgress(session.BrokerId, offset, flushed, end) { MasterEpoch = leader.Epoch, CaughtUp = caughtUp });
            return await ReadBatchAsync(request, session, leader, offset, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            session.EndFetch();
        }
    }

    private async ValueTask<RemotingCommand> ReadBatchAsync(RemotingCommand request, FollowerSession session, ReplicationLeadership leader,
        long offset, CancellationToken cancellationToken)
    {
        long deadline = _time.GetTimestamp() + (long)(_options.FetchWait.TotalSeconds * _time.TimestampFrequency);
        var buffer = session.BatchBuffer(_options.MaxBatchSize);
        bool gathered = _options.BatchDelay <= TimeSpan.Zero;
        while (true)
        {
            long available = _store.MaxPhysicalOffset - offset;
            if (!gathered && available > 0 && available < _options.MaxBatchSize / 4 && _store.ReadableOffset == session.ReadableSent && _leadership == leader)
            {
                // Async replication: only a little is new; wait once for more before reading, so the answer is one larger batch.
                gathered = true;
                await Task.Delay(_options.BatchDelay, _time, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            EpochEntry epoch = EpochAt(offset, out long limit);
            long endAtRead = _store.MaxPhysicalOffset;
            LogChunk chunk = _store.ReadLogChunk(offset, _options.MaxBatchSize, limit, buffer);
            if (chunk.Status != LogChunkStatus.Ok)
            {
                return Refuse(request, ReplicationProtocol.OffsetUnavailable,
                    $"offset {offset} is not readable here ({chunk.Status}; log spans [{_store.MinPhysicalOffset}, {_store.MaxPhysicalOffset})); say hello again");
            }
            TimeSpan left = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            // A readable offset the follower was not told yet (this very report may have moved it) is answered at once,
            // so the follower's consumers see what the group holds without waiting out fetch-wait.
            bool readableMoved = _store.ReadableOffset != session.ReadableSent;
            if (chunk.Length > 0 || readableMoved || left <= TimeSpan.Zero || _leadership != leader || cancellationToken.IsCancellationRequested)
            {
                session.Hold(chunk.Length);
                session.Answered(endAtRead);
                Interlocked.Add(ref _bufferedBatchBytes, chunk.Length);
                RemotingCommand response = request.CreateResponse(ResponseCode.Success);
                response.ExtFields[ReplicationProtocol.MasterEpoch] = ReplicationProtocol.Text(leader.Epoch);
                response.ExtFields[ReplicationProtocol.RecordsEpoch] = ReplicationProtocol.Text(epoch.Epoch);
                response.ExtFields[ReplicationProtocol.RecordsEpochStart] = ReplicationProtocol.Text(epoch.StartOffset);
                response.ExtFields[ReplicationProtocol.MasterEndOffset] = ReplicationProtocol.Text(_store.MaxPhysicalOffset);
                response.ExtFields[ReplicationProtocol.NextOffset] = ReplicationProtocol.Text(chunk.NextOffset);
                response.ExtFields[ReplicationProtocol.MasterFlushedOffset] = ReplicationProtocol.Text(_store.FlushedPhysicalOffset);
                long readable = _store.ReadableOffset;
                session.ReadableSent = readable;
                response.ExtFields[ReplicationProtocol.ReadableOffset] = ReplicationProtocol.Text(readable == long.MaxValue ? -1 : readable);
                response.Body = buffer.WrittenMemory;
                return response;
            }
            await WaitForAppendAsync(offset, left, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the log grows past <paramref name="offset"/>, <see cref="NotifyAppended"/> is called, or <paramref name="wait"/> passes.</summary>
    private async Task WaitForAppendAsync(long offset, TimeSpan wait, CancellationToken cancellationToken)
    {
        TaskCompletionSource signal = Volatile.Read(ref _appended) ?? CreateSignal();
        if (_store.MaxPhysicalOffset > offset || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        await signal.Task.WaitAsync(Timeout.InfiniteTimeSpan, _time, timeout.Token).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private TaskCompletionSource CreateSignal()
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref _appended, created, null) ?? created;
    }

    /// <summary>The epoch the record at <paramref name="offset"/> belongs to, and where the next epoch starts (a batch stops there).</summary>
    private EpochEntry EpochAt(long offset, out long nextEpochStart)
    {
        IReadOnlyList<EpochEntry> entries = _store.Epochs.Entries;
        nextEpochStart = long.MaxValue;
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].StartOffset <= offset)
            {
                return entries[i];
            }
            nextEpochStart = entries[i].StartOffset;
        }
        return new EpochEntry(0, _store.MinPhysicalOffset);
    }
}
