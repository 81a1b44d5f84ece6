using AkkaMq.Actors;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// The single writer of the commit log. It drains every queued <see cref="AppendMessages"/> at
/// once and hands them to the store as ONE append (one msync in group-commit mode), completes
/// each sender's task, then tells the pull-hold actor which queues got data. Owns nothing but
/// its staging arrays; the store serialises writers internally as well.
/// </summary>
public sealed class StoreActor : ReceiveActor
{
    private readonly MessageStore _store;
    private readonly IActorRef _pullHolds;
    private readonly ILogger _log;
    private MessageToStore[] _staging = new MessageToStore[256];
    private AppendResult[] _results = new AppendResult[256];
    private bool _closed;

    private StoreActor(MessageStore store, IActorRef pullHolds, ILogger log)
    {
        _store = store;
        _pullHolds = pullHolds;
        _log = log;
        ReceiveBatch<AppendMessages>(AppendBatch);
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

    public static Props Props(MessageStore store, IActorRef pullHolds, ILogger log) =>
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

        Complete(batch);
        NotifyArrivals(n);
        Array.Clear(_staging, 0, n);
        return Task.CompletedTask;
    }

    private bool TryAppend(MessageBatch<AppendMessages> batch, int n)
    {
        try
        {
            _store.Append(_staging.AsSpan(0, n), _results.AsSpan(0, n));
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

    private void Complete(MessageBatch<AppendMessages> batch)
    {
        int n = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            int count = request.Messages.Length;
            request.Completion.Complete(_results.AsSpan(n, count));
            n += count;
        }
    }

    private void NotifyArrivals(int n)
    {
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
