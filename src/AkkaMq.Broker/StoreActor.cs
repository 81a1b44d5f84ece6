using Akka.Actor;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// The single writer of the commit log. Appends are collected as they arrive and written as ONE
/// store append when a self-sent <see cref="Drain"/> comes round — every append queued before it
/// joins the batch, so a busy mailbox makes large batches and an idle one answers at once. Then it
/// tells the queue partitions which queues got data. Owns nothing but its staging arrays; the
/// store serialises writers internally as well. Without a partition router (a store driven on
/// its own, as in the crash writer and the store benchmark) arrivals are not announced.
/// </summary>
/// <remarks>
/// Senders are never answered on this actor's thread: a batch's senders wait in a
/// <see cref="FlushGeneration"/>, and one <see cref="CompletionWork"/> at a time (with the group-commit flush
/// first, in that mode) answers them off the writer, so the next batches are written while it
/// runs. It runs on Akka's default dispatcher: a dedicated thread (PinnedDispatcher) measured
/// 10–20 % slower at full load and no better at a low fixed rate, since it has to be woken for
/// every batch (tests/AkkaMq.Benchmarks/README.md).
/// </remarks>
public sealed class StoreActor : ReceiveActor
{
    /// <summary>More queued appends than this are written without waiting for the drain message.</summary>
    private const int MaxBatch = 1024;

    private readonly MessageStore _store;
    private readonly IActorRef? _partitions;
    private readonly ILogger _log;
    private readonly SendQueue? _sendQueue;
    private readonly Membership.BrokerMembership? _membership;
    private readonly Action? _afterAppend;
    private readonly List<AppendMessages> _pending = [];
    private MessageToStore[] _staging = new MessageToStore[256];
    private AppendResult[] _results = new AppendResult[256];
    private bool _drainQueued;
    private bool _closed;

    // Pipelined completion: a batch is written at once and its senders wait in _awaitingFlush;
    // one completion at a time runs off this actor's thread (flushing first in group-commit
    // mode), so every sender is answered only after a flush that covers it.
    private readonly bool _groupCommit;
    private FlushGeneration _awaitingFlush = new();
    private FlushGeneration _spare = new();
    private readonly CompletionWork _completion;

    public StoreActor(MessageStore store, IActorRef? partitions, ILogger log, SendQueue? sendQueue = null, Action? beforeFlush = null, Membership.BrokerMembership? membership = null, Action? afterAppend = null)
    {
        _afterAppend = afterAppend;
        _membership = membership;
        _store = store;
        _partitions = partitions;
        _log = log;
        _sendQueue = sendQueue;
        _groupCommit = store.Settings.FlushMode == FlushMode.GroupCommit;
        _completion = new CompletionWork(store, Self, sendQueue, beforeFlush);
        Receive<AppendMessages>(Enqueue);
        Receive<Drain>(_ =>
        {
            _drainQueued = false;
            WritePending();
        });
        Receive<CompletionWork>(OnCompleted);
        Receive<FlushStore>(_ =>
        {
            WritePending();
            if (!_closed)
            {
                FlushForShutdown();
            }

            Sender.Tell(StoreFlushed.Instance, Self);
        });
        Receive<CleanConsumeQueues>(m => Sender.Tell(new ConsumeQueuesCleaned(_closed ? 0 : _store.CleanConsumeQueues(m.IsTopicKept)), Self));
        Receive<DeleteExpiredFiles>(_ => Sender.Tell(new ExpiredFilesDeleted(_closed ? 0 : _store.DeleteExpiredFiles()), Self));
        Receive<CloseStore>(_ =>
        {
            WritePending();
            _closed = true;
            Sender.Tell(StoreFlushed.Instance, Self);
        });
    }

    /// <param name="sendQueue">The broker's send queue: queued sends are shed by its rules, and flushes mark the disk busy.</param>
    /// <param name="beforeFlush">Runs before each group-commit flush on the flushing thread; tests make the disk slow with it.</param>
    /// <param name="membership">While it says follower, every append is refused (ServiceNotAvailable): a follower's log holds only the master's records.</param>
    /// <param name="afterAppend">Runs after each batch is written (before its flush): the replication server wakes the followers' held fetches.</param>
    public static Props Props(MessageStore store, IActorRef? partitions, ILogger log, SendQueue? sendQueue = null, Action? beforeFlush = null,
        Membership.BrokerMembership? membership = null, Action? afterAppend = null) =>
        Akka.Actor.Props.Create(() => new StoreActor(store, partitions, log, sendQueue, beforeFlush, membership, afterAppend));

    /// <summary>
    /// A flush asked for by the broker's shutdown or a test. A failure is logged, not thrown: the
    /// actor must keep answering (a failed store's flush of data it could not write throws every
    /// time, and the failure was reported when it happened).
    /// </summary>
    private void FlushForShutdown()
    {
        try
        {
            _store.Flush();
        }
        catch (IOException e)
        {
            _log.LogError(e, "Flush of the commit log failed{Failed}", _store.FatalError is null ? string.Empty : "; the store failed: " + _store.FatalError);
        }
    }

    private void Enqueue(AppendMessages append)
    {
        if (append.QueuedAt != 0 && _sendQueue is { } queue && queue.ShouldShed(append.QueuedAt, out var reason, out long waited))
        {
            // BrokerFastFailure: refused before it is written, so the client may send it again.
            append.Completion.Shed(reason, waited, queue.Count - 1);
            return;
        }

        _pending.Add(append);
        if (_pending.Count >= MaxBatch)
        {
            WritePending();
        }
        else if (!_drainQueued)
        {
            _drainQueued = true;
            Self.Tell(Drain.Instance);
        }
    }

    private void WritePending()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        int n = Stage();
        if (_closed || _membership is { IsMaster: false })
        {
            Array.Fill(_results, AppendResult.Failed(AppendStatus.ServiceNotAvailable), 0, n);
        }
        else if (!TryAppend(n))
        {
            _pending.Clear();
            return;
        }

        AwaitCompletion();
        _afterAppend?.Invoke();
        NotifyArrivals(n);
        Array.Clear(_staging, 0, n);
        _pending.Clear();
    }

    private int Stage()
    {
        int total = 0;
        foreach (var append in _pending)
        {
            total += append.Messages.Length;
        }

        EnsureCapacity(total);
        int n = 0;
        foreach (var append in _pending)
        {
            append.Messages.Span.CopyTo(_staging.AsSpan(n));
            n += append.Messages.Length;
        }

        return n;
    }

    private bool TryAppend(int n)
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
            foreach (var append in _pending)
            {
                append.Completion.Fail(e);
            }

            Array.Clear(_staging, 0, n);
            return false;
        }
    }

    private void AwaitCompletion()
    {
        int n = 0;
        foreach (var append in _pending)
        {
            int count = append.Messages.Length;
            _awaitingFlush.Add(append.Completion, _results.AsSpan(n, count));
            n += count;
        }

        StartCompletionIfIdle();
    }

    /// <summary>
    /// Hands the waiting senders to the completion work item: on a pool thread it flushes (group
    /// commit, unless closed) and then answers them. One is in flight at a time, so the item is reused.
    /// </summary>
    private void StartCompletionIfIdle()
    {
        if (_completion.Covered is not null || _awaitingFlush.Count == 0)
        {
            return;
        }

        _completion.Start(_awaitingFlush, flush: _groupCommit && !_closed);
        _awaitingFlush = _spare;
        ThreadPool.UnsafeQueueUserWorkItem(_completion, preferLocal: false);
    }

    private void OnCompleted(CompletionWork done)
    {
        if (done.Error is not null)
        {
            _log.LogError(done.Error, "Flush of the commit log failed; the sends it covered were answered as failed");
        }

        _spare = done.Finish();

        // Appends collected since the last drain join the flush that starts now rather than the one after it.
        WritePending();
        StartCompletionIfIdle();
    }

    private void NotifyArrivals(int n)
    {
        if (_partitions is null)
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
                _partitions.Tell(new MessageArrived(m.Topic, m.QueueId));
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

    /// <summary>Write what has been collected: every append queued before this message joins the batch.</summary>
    private sealed class Drain
    {
        public static readonly Drain Instance = new();
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
    private readonly List<RemotingConnection> _replyTo = [];
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
        if (completion.ReplyTo is { } connection && (_replyTo.Count == 0 || _replyTo[^1] != connection))
        {
            _replyTo.Add(connection);
        }

        _used += results.Length;
    }

    /// <summary>
    /// Answers every waiting sender (each completion copies its results) and empties the
    /// generation for reuse. The senders' connections hold their writers meanwhile, so each
    /// connection's answers leave in one write.
    /// </summary>
    public void CompleteAll(Exception? error)
    {
        foreach (var connection in _replyTo)
        {
            connection.HoldWrites();
        }

        try
        {
            Answer(error);
        }
        finally
        {
            foreach (var connection in _replyTo)
            {
                connection.ReleaseWrites();
            }

            _replyTo.Clear();
        }
    }

    private void Answer(Exception? error)
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

/// <summary>
/// The store actor's completion of one generation of senders, run on a pool thread: flush (when
/// asked), answer every sender (failed if the flush failed), then hand itself back to the actor as
/// the message that it is done. Reused: the actor starts it again only after that message.
/// </summary>
internal sealed class CompletionWork(MessageStore store, IActorRef owner, SendQueue? sendQueue, Action? beforeFlush) : IThreadPoolWorkItem
{
    private bool _flush;

    /// <summary>The senders being answered; null while the item is idle.</summary>
    public FlushGeneration? Covered { get; private set; }

    public Exception? Error { get; private set; }

    public void Start(FlushGeneration covered, bool flush)
    {
        Covered = covered;
        _flush = flush;
        Error = null;
    }

    public void Execute()
    {
        try
        {
            if (_flush)
            {
                sendQueue?.FlushStarted();
                beforeFlush?.Invoke();
                store.Flush();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Error = e;
        }
        finally
        {
            sendQueue?.FlushEnded();
        }

        // Each answered sender queues its response on its connection, held meanwhile: the
        // answers of one flush leave in one write per connection.
        Covered!.CompleteAll(Error);

        owner.Tell(this, ActorRefs.NoSender);
    }

    /// <summary>Marks the item idle and returns the answered (now empty) generation for reuse.</summary>
    public FlushGeneration Finish()
    {
        var done = Covered!;
        Covered = null;
        return done;
    }
}

/// <summary>Append these records; <paramref name="Completion"/> gets one result per record once the batch is durable.</summary>
/// <param name="QueuedAt">
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp when a client's send was queued, for the
/// send queue's fast failure; 0 (the broker's own appends) is never shed.
/// </param>
public sealed record AppendMessages(ReadOnlyMemory<MessageToStore> Messages, IAppendCompletion Completion, long QueuedAt = 0);

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
