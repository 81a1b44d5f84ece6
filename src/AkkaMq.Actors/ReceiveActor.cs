using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors;

/// <summary>
/// Base class of every actor. Register handlers in the constructor (or inside
/// <see cref="Become"/>); the first matching handler, in registration order, takes a message.
/// Build instances only through <see cref="Props.Create{TActor}"/>.
/// </summary>
/// <remarks>
/// An async handler (<see cref="ReceiveAsync{T}"/>, <see cref="ReceiveBatch{T}"/>) holds the
/// mailbox: the processing loop awaits the returned task before it takes the next message, so
/// state may be touched after an <c>await</c> without locks. A failed or faulted handler is
/// reported to the parent's <see cref="Actors.SupervisorStrategy"/>.
/// </remarks>
public abstract class ReceiveActor
{
    private readonly ActorCell _cell;
    private readonly List<List<Handler>> _behaviours = [[]];
    private List<Handler>? _configuring;

    // The top behaviour as an array: what Dispatch walks for every message.
    private Handler[] _current = [];

    /// <summary>Binds the actor to the cell that is constructing it.</summary>
    protected ReceiveActor()
    {
        _cell = ActorCell.Constructing
            ?? throw new InvalidOperationException("Actors are created by ActorOf with Props.Create, not with new");
        _configuring = _behaviours[0];
    }

    /// <summary>This actor's reference.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>Sender of the message being handled (dead letters when there is none).</summary>
    protected IActorRef Sender => _cell.Sender;

    /// <summary>The actor's context: parent, children, watch, stop.</summary>
    protected IActorContext Context => _cell;

    /// <summary>Timers owned by this actor, cancelled when it stops or restarts.</summary>
    protected ITimerScheduler Timers => _cell.Timers;

    /// <summary>Messages set aside until a behaviour change.</summary>
    protected IStash Stash => _cell.Stash;

    /// <summary>Handles <typeparamref name="T"/> synchronously.</summary>
    protected void Receive<T>(Action<T> handler) => Add(new ActionHandler<T>(handler, null));

    /// <summary>Handles <typeparamref name="T"/> for which <paramref name="predicate"/> holds.</summary>
    protected void Receive<T>(Predicate<T> predicate, Action<T> handler) => Add(new ActionHandler<T>(handler, predicate));

    /// <summary>Handles <typeparamref name="T"/> asynchronously; no other message is processed until the task completes.</summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? predicate = null) => Add(new AsyncHandler<T>(handler, predicate));

    /// <summary>
    /// Handles <typeparamref name="T"/> in batches: a message of this type together with every
    /// <typeparamref name="T"/> queued directly behind it (up to <paramref name="maxBatchSize"/>).
    /// Order is kept: the batch stops at the first message of another type.
    /// </summary>
    protected void ReceiveBatch<T>(Func<MessageBatch<T>, Task> handler, int maxBatchSize = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        Add(new BatchHandler<T>(handler, maxBatchSize));
    }

    /// <summary>Handles any message not taken by an earlier handler.</summary>
    protected void ReceiveAny(Action<object> handler) => Add(new AnyHandler(handler));

    /// <summary>Replaces the current behaviour with the handlers <paramref name="configure"/> registers.</summary>
    protected void Become(Action configure)
    {
        List<Handler> next = Configure(configure);
        _behaviours[^1] = next;
        _current = [.. next];
    }

    /// <summary>Pushes a behaviour; <see cref="UnbecomeStacked"/> returns to the current one.</summary>
    protected void BecomeStacked(Action configure)
    {
        List<Handler> next = Configure(configure);
        _behaviours.Add(next);
        _current = [.. next];
    }

    /// <summary>Pops the behaviour pushed by <see cref="BecomeStacked"/> (the initial one is never popped).</summary>
    protected void UnbecomeStacked()
    {
        if (_behaviours.Count > 1)
        {
            _behaviours.RemoveAt(_behaviours.Count - 1);
            _current = [.. _behaviours[^1]];
        }
    }

    /// <summary>Runs before the first message.</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Runs after the actor stopped (after its children stopped). Release resources here.</summary>
    protected virtual void PostStop()
    {
    }

    /// <summary>Runs on the failed instance before a restart. The default stops all children and calls <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (IActorRef child in Context.Children)
        {
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>Runs on the fresh instance after a restart. The default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children. The default restarts them.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.Default;

    /// <summary>Called for a message no handler took. The default logs it at debug level.</summary>
    protected virtual void Unhandled(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _cell.System.Log.LogDebug("{Path} did not handle {MessageType} from {Sender}", _cell.Path, message.GetType().Name, Sender.Path);
    }

    internal Task? Dispatch(object message, ActorCell cell)
    {
        Handler[] handlers = _current;
        for (int i = 0; i < handlers.Length; i++)
        {
            if (handlers[i].TryInvoke(message, cell, out Task? task))
            {
                return task;
            }
        }

        Unhandled(message);
        return null;
    }

    internal void EndConfiguration()
    {
        _configuring = null;
        _current = [.. _behaviours[^1]];
    }

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy GetSupervisorStrategy() => SupervisorStrategy();

    private List<Handler> Configure(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        List<Handler>? outer = _configuring;
        var next = new List<Handler>();
        _configuring = next;
        try
        {
            configure();
        }
        finally
        {
            _configuring = outer;
        }

        return next;
    }

    private void Add(Handler handler)
    {
        if (_configuring is null)
        {
            throw new InvalidOperationException("Receive may only be called in the constructor or inside Become");
        }

        _configuring.Add(handler);
    }
}
