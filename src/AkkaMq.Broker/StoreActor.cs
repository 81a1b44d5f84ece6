using AkkaMq.Actors;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// The single writer of the commit log. It drains every queued <see cref="AppendMessages"/> at
/// once and hands them to the store as ONE append (one msync in group-commit mode), completes
/// each sender's task, then tells the pull-hold actor which queues got data. Owns nothing but
/// its staging arrays; the store serialises writers internally as well. Without a pull-hold
/// actor (a store driven on its own, as in the crash writer and the store benchmark) arrivals
/// are not announced.
/// </summary>
public sealed class StoreActor : ReceiveActor
{
    private readonly MessageStore _store;
    private readonly IActorRef? _pullHolds;
    private readonly ILogger _log;
    private MessageToStore[] _staging = new MessageToStore[256];
    private AppendResult[] _results = new AppendResult[256];
    private bool _closed;

    // Group commit, pipelined: a batch is written to the log at once and its senders wait in
    // _awaitingFlush; one flush at a time runs off this actor's thread, so the next batches are
    // written while it runs, and every sender is answered only after a flush that covers it.
    private readonly bool _groupCommit;
    private FlushGeneration _awaitingFlush = new();
    private FlushGeneration _spare = new();
    private bool _flushing;

    private StoreActor(MessageStore store, IActorRef? pullHolds, ILogger log)
    {
        _store = store;
        _pullHolds = pullHolds;
        _log = log;
        _groupCommit = store.Settings.FlushMode == FlushMode.GroupCommit;
        ReceiveBatch<AppendMessages>(AppendBatch);
        Receive<FlushCompleted>(OnFlushCompleted);
        Receive<FlushStore>(_ =>
        {
            if (!_closed)
            {
                _store.Flush();
            }

            Sender.Tell(StoreFlushed.Instance, Self);
        });
        Receive<CloseStore>(_ =>
        {
            _closed = true;
            Sender.Tell(StoreFlushed.Instance, Self);
        });
    }

    public static Props Props(MessageStore store, IActorRef? pullHolds, ILogger log) =>
        AkkaMq.Actors.Props.Create(() => new StoreActor(store, pullHolds, log));

    private Task AppendBatch(MessageBatch<AppendMessages> batch)
    {
        int total = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            total += batch[i].Messages.Length;
        }

        EnsureCapacity(total);
        int n = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            batch[i].Messages.Span.CopyTo(_staging.AsSpan(n));
            n += batch[i].Messages.Length;
        }

        if (_closed)
        {
            Array.Fill(_results, AppendResult.Failed(AppendStatus.ServiceNotAvailable), 0, n);
        }
        else if (!TryAppend(batch, n))
        {
            return Task.CompletedTask;
        }

        if (_groupCommit && !_closed)
        {
            AwaitFlush(batch);
        }
        else
        {
            Complete(batch);
        }

        NotifyArrivals(n);
        Array.Clear(_staging, 0, n);
        return Task.CompletedTask;
    }

    private bool TryAppend(MessageBatch<AppendMessages> batch, int n)
    {
        try
        {
            // Group commit: written to the page cache here, made durable by the flush in flight.
            _store.AppendWithoutFlush(_staging.AsSpan(0, n), _results.AsSpan(0, n));
            return true;
        }
        catch (Exception e) when (e is IOException or StoreCorruptedException or InvalidOperationException)
        {
            // A failed batch is answered as failed to each sender; the actor keeps serving.
            _log.LogError(e, "Append of a {Count}-record batch failed", n);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.Fail(e);
            }

            Array.Clear(_staging, 0, n);
            return false;
        }
    }

    /// <summary>Answers every sender of the batch; their responses leave in one write per connection (see <see cref="OutboundBatch"/>).</summary>
    private void Complete(MessageBatch<AppendMessages> batch)
    {
        using var responses = OutboundBatch.Begin();
        int n = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            int count = request.Messages.Length;
            request.Completion.Complete(_results.AsSpan(n, count));
            n += count;
        }
    }

    private void AwaitFlush(MessageBatch<AppendMessages> batch)
    {
        int n = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            int count = request.Messages.Length;
            _awaitingFlush.Add(request.Completion, _results.AsSpan(n, count));
            n += count;
        }

        StartFlushIfIdle();
    }

    private void StartFlushIfIdle()
    {
        if (_flushing || _awaitingFlush.Count == 0)
        {
            return;
        }

        var covered = _awaitingFlush;
        _awaitingFlush = _spare;
        _flushing = true;
        var self = Self;
        var store = _store;
        _ = Task.Run(() =>
        {
            Exception? error = null;
            try
            {
                store.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                error = e;
            }

            self.Tell(new FlushCompleted(covered, error));
        });
    }

    private void OnFlushCompleted(FlushCompleted done)
    {
        _flushing = false;
        if (done.Error is not null)
        {
            _log.LogError(done.Error, "Flush of the commit log failed; {Count} sends are answered as failed", done.Covered.Count);
        }

        using (OutboundBatch.Begin())
        {
            done.Covered.CompleteAll(done.Error);
        }

        _spare = done.Covered;
        StartFlushIfIdle();
    }

    private void NotifyArrivals(int n)
    {
        if (_pullHolds is null)
        {
            return;
        }

        string? lastTopic = null;
        int lastQueue = -1;
        for (int i = 0; i < n; i++)
        {
            if (!_results[i].IsOk)
            {
                continue;
            }

            ref readonly MessageToStore m = ref _staging[i];
            if (m.QueueId != lastQueue || !string.Equals(m.Topic, lastTopic, StringComparison.Ordinal))
            {
                lastTopic = m.Topic;
                lastQueue = m.QueueId;
                _pullHolds.Tell(new MessageArrived(m.Topic, m.QueueId));
            }
        }
    }

    private void EnsureCapacity(int total)
    {
        if (_staging.Length < total)
        {
            int size = Math.Max(total, _staging.Length * 2);
            _staging = new MessageToStore[size];
            _results = new AppendResult[size];
        }
    }
}

/// <summary>
/// The senders written since the last flush started, with their results in one flat array: two
/// generations alternate (one waiting for the flush in flight, one filling), so a sender waiting
/// for a flush costs no allocation once the arrays have grown to the load.
/// </summary>
internal sealed class FlushGeneration
{
    private readonly List<(IAppendCompletion Completion, int Start, int Count)> _waiting = [];
    private AppendResult[] _results = new AppendResult[256];
    private int _used;

    public int Count => _waiting.Count;

    public void Add(IAppendCompletion completion, ReadOnlySpan<AppendResult> results)
    {
        if (_used + results.Length > _results.Length)
        {
            Array.Resize(ref _results, Math.Max(_used + results.Length, _results.Length * 2));
        }

        results.CopyTo(_results.AsSpan(_used));
        _waiting.Add((completion, _used, results.Length));
        _used += results.Length;
    }

    /// <summary>Answers every waiting sender (each completion copies its results) and empties the generation for reuse.</summary>
    public void CompleteAll(Exception? error)
    {
        foreach (var (completion, start, count) in _waiting)
        {
            if (error is null)
            {
                completion.Complete(_results.AsSpan(start, count));
            }
            else
            {
                completion.Fail(error);
            }
        }

        _waiting.Clear();
        Array.Clear(_results, 0, _used);
        _used = 0;
    }
}

/// <summary>The flush in flight finished (or failed) for the senders it covers.</summary>
internal sealed record FlushCompleted(FlushGeneration Covered, Exception? Error);

/// <summary>Append these records; <paramref name="Completion"/> gets one result per record once the batch is durable.</summary>
public sealed record AppendMessages(ReadOnlyMemory<MessageToStore> Messages, IAppendCompletion Completion);

/// <summary>msync everything appended so far; replies <see cref="StoreFlushed"/>.</summary>
public sealed record FlushStore
{
    public static FlushStore Instance { get; } = new();
}

/// <summary>Refuse further appends (before the store is disposed); replies <see cref="StoreFlushed"/>.</summary>
public sealed record CloseStore
{
    public static CloseStore Instance { get; } = new();
}

public sealed record StoreFlushed
{
    public static StoreFlushed Instance { get; } = new();
}
