using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace AkkaMq.Actors;

/// <summary>
/// The runtime of one actor: its mailbox, its processing loop, its children and its lifecycle.
/// </summary>
/// <remarks>
/// Threading: the cell is a thread-pool work item. <see cref="Schedule"/> queues it at most once
/// (<c>_scheduled</c> goes 0 → 1); <see cref="Execute"/> is therefore never run by two threads at
/// once, and every field not marked otherwise is owned by that loop. The loop drains system
/// messages first, then user messages one at a time. When a handler returns an unfinished task
/// the loop registers a continuation and returns <em>without</em> clearing <c>_scheduled</c>, so
/// nothing else (user or system message) is processed until the task completes; the continuation
/// re-enters <see cref="Execute"/>. This is how async handlers keep one-message-at-a-time.
/// </remarks>
internal sealed partial class ActorCell : IActorContext, IThreadPoolWorkItem
{
    [ThreadStatic]
    private static ActorCell? t_constructing;

    private readonly ActorSystem _system;
    private readonly ActorCell? _parent;
    private readonly Props _props;
    private readonly ChannelWriter<Envelope> _writer;
    private readonly ChannelReader<Envelope> _reader;
    private readonly ConcurrentQueue<SystemMessage> _systemQueue = new();

    // Loop-owned: unstashed messages and Terminated notifications, taken before the channel.
    private readonly Queue<Envelope> _front = new();
    private readonly Action _onPendingCompleted;
    private readonly TaskCompletionSource _whenTerminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _scheduled;
    private int _systemPending;
    private Task? _pending;
    private object? _pendingMessage;
    private Envelope _current;
    private ReceiveActor? _actor;
    private bool _suspended = true;
    private volatile bool _terminated;

    public ActorCell(ActorSystem system, ActorCell? parent, ActorPath path, Props props)
    {
        _system = system;
        _parent = parent;
        _props = props;
        Path = path;
        Self = new LocalActorRef(this);
        Channel<Envelope> mailbox = props.Mailbox.Capacity is int capacity
            ? Channel.CreateBounded<Envelope>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            })
            : Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
        _writer = mailbox.Writer;
        _reader = mailbox.Reader;
        _onPendingCompleted = OnPendingCompleted;
    }

    /// <summary>The cell whose actor is being constructed on this thread (read by the actor's base constructor).</summary>
    internal static ActorCell? Constructing => t_constructing;

    public ActorPath Path { get; }

    public LocalActorRef Self { get; }

    IActorRef IActorContext.Self => Self;

    public IActorRef Sender => _current.Sender ?? _system.DeadLetters;

    internal IActorRef? CurrentSender => _current.Sender;

    public IActorRef Parent => _parent is null ? Self : _parent.Self;

    public ActorSystem System => _system;

    public bool IsTerminated => _terminated;

    public Task WhenTerminated => _whenTerminated.Task;

    /// <summary>Failures since the last successfully handled message; drives restart back-off.</summary>
    internal int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    internal TimeProvider TimeProvider => _system.TimeProvider;

    /// <summary>Enqueues a user message; a stopped actor or full bounded mailbox makes it a dead letter.</summary>
    public void Post(Envelope envelope)
    {
        if (_writer.TryWrite(envelope))
        {
            Schedule();
            return;
        }

        PublishDead(envelope, _terminated ? "recipient stopped" : "mailbox full");
    }

    public ValueTask PostAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        if (_writer.TryWrite(envelope))
        {
            Schedule();
            return ValueTask.CompletedTask;
        }

        if (_terminated)
        {
            _system.DeadLetters.Publish(envelope.Message, envelope.Sender, Self, "recipient stopped");
            return ValueTask.CompletedTask;
        }

        return PostWhenRoomAsync(envelope, cancellationToken);
    }

    public void SendSystem(SystemMessage message)
    {
        _systemQueue.Enqueue(message);
        Volatile.Write(ref _systemPending, 1);
        Schedule();
    }

    public void Execute()
    {
        int budget = _system.Throughput;
        while (true)
        {
            ProcessSystemMessages();
            if (_suspended || _terminated || !TryTakeNext(out Envelope envelope))
            {
                break;
            }

            InvokeUser(envelope);
            if (_pending is not null)
            {
                // Keep _scheduled = 1 until the handler's task completes.
                _pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onPendingCompleted);
                return;
            }

            if (--budget == 0)
            {
                // Yield the thread only if other work is waiting for one; otherwise a yield is a
                // pure cost (a thread-pool round trip) with nobody to be fair to.
                if (ThreadPool.PendingWorkItemCount > 0)
                {
                    break;
                }

                budget = _system.Throughput;
            }
        }

        // Interlocked, not Volatile.Write: a release store may be reordered after the loads in
        // HasWork, losing a wake-up from a sender that still saw _scheduled == 1.
        Interlocked.Exchange(ref _scheduled, 0);
        if (HasWork())
        {
            Schedule();
        }
    }

    private void Schedule()
    {
        // Dekker-style hand-off with the release at the end of Execute ("clear the flag, then look
        // at the queues"); this side is "enqueue, then test the flag". Both need a full fence
        // between their store and their load, or each may see stale state and a message is never
        // processed. The fence here is on the thread's own stack (no shared cache line), so busy
        // senders of a scheduled actor only read _scheduled instead of bouncing it with a CAS.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private bool HasWork() =>
        Volatile.Read(ref _systemPending) != 0 || (!_suspended && !_terminated && (_front.Count > 0 || _reader.TryPeek(out _)));

    private void ProcessSystemMessages()
    {
        // A flag read per user message is cheaper than probing the queue. Senders set it after
        // enqueueing; it is cleared here with a full fence before draining, so a message the
        // drain misses always leaves it set (a plain store could land after a sender's 1).
        if (Volatile.Read(ref _systemPending) == 0 || Interlocked.Exchange(ref _systemPending, 0) == 0)
        {
            return;
        }

        while (_systemQueue.TryDequeue(out SystemMessage? message))
        {
            HandleSystem(message);
        }
    }

    private bool TryTakeNext(out Envelope envelope)
    {
        if (_front.Count > 0)
        {
            envelope = _front.Dequeue();
            return true;
        }

        return _reader.TryRead(out envelope);
    }

    /// <summary>Takes the next queued message if it is a <typeparamref name="T"/> (used by batch handlers).</summary>
    internal bool TryTakeNextOf<T>(out T message, out IActorRef? sender)
    {
        Envelope next;
        bool found = _front.Count > 0 ? _front.TryPeek(out next) : _reader.TryPeek(out next);
        if (found && next.Message is T typed)
        {
            TryTakeNext(out _);
            message = typed;
            sender = next.Sender;
            return true;
        }

        message = default!;
        sender = null;
        return false;
    }

    private void InvokeUser(Envelope envelope)
    {
        _current = envelope;
        object message = envelope.Message;
        try
        {
            if (message is TimerScheduler.Fired fired)
            {
                if (_timers is null || !_timers.TryAccept(fired))
                {
                    return;
                }

                message = fired.Message;
            }
            else if (ReferenceEquals(message, PoisonPill.Instance))
            {
                BeginTerminate();
                return;
            }
            else if (ReferenceEquals(message, Kill.Instance))
            {
                throw new ActorKilledException($"{Path} received Kill");
            }

            Task? task = _actor!.Dispatch(message, this);
            if (task is null || task.IsCompletedSuccessfully)
            {
                MarkSuccess();
            }
            else if (task.IsCompleted)
            {
                Fail(Unwrap(task), message);
            }
            else
            {
                _pending = task;
                _pendingMessage = message;
            }
        }
        catch (Exception ex)
        {
            // Not swallowed: the failure goes to the supervisor, which logs it and decides.
            Fail(ex, message);
        }
    }

    private void OnPendingCompleted()
    {
        Task task = _pending!;
        object? message = _pendingMessage;
        _pending = null;
        _pendingMessage = null;
        if (task.IsCompletedSuccessfully)
        {
            MarkSuccess();
        }
        else
        {
            Fail(Unwrap(task), message);
        }

        // Back through the thread pool rather than inline: the continuation may run on whatever
        // thread completed the task (a test's SetResult, a virtual clock's Advance), which must
        // not end up running this actor's loop. _scheduled is still 1, so this is the only run.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    private void MarkSuccess()
    {
        if (_consecutiveFailures != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
    }

    private static Exception Unwrap(Task task) =>
        task.Exception?.InnerException ?? task.Exception ?? (Exception)new TaskCanceledException(task);

    private async ValueTask PostWhenRoomAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await _writer.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            _system.DeadLetters.Publish(envelope.Message, envelope.Sender, Self, "recipient stopped");
            return;
        }

        Schedule();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DrainToDeadLetters()
    {
        while (_front.TryDequeue(out Envelope envelope))
        {
            PublishDead(envelope, "recipient stopped");
        }

        while (_reader.TryRead(out Envelope envelope))
        {
            PublishDead(envelope, "recipient stopped");
        }
    }

    /// <summary>A timer's own delivery is not a dead letter: the timer died with the actor.</summary>
    private void PublishDead(Envelope envelope, string reason)
    {
        if (envelope.Message is not TimerScheduler.Fired)
        {
            _system.DeadLetters.Publish(envelope.Message, envelope.Sender, Self, reason);
        }
    }
}
