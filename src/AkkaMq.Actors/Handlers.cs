namespace AkkaMq.Actors;

/// <summary>
/// One entry of a behaviour. Generic per message type so that matching is a type test with no
/// allocation; a synchronous handler returns a null task.
/// </summary>
internal abstract class Handler
{
    public abstract bool TryInvoke(object message, ActorCell cell, out Task? task);
}

internal sealed class ActionHandler<T>(Action<T> action, Predicate<T>? predicate) : Handler
{
    public override bool TryInvoke(object message, ActorCell cell, out Task? task)
    {
        task = null;
        if (message is T typed && (predicate is null || predicate(typed)))
        {
            action(typed);
            return true;
        }

        return false;
    }
}

internal sealed class AsyncHandler<T>(Func<T, Task> action, Predicate<T>? predicate) : Handler
{
    public override bool TryInvoke(object message, ActorCell cell, out Task? task)
    {
        if (message is T typed && (predicate is null || predicate(typed)))
        {
            task = action(typed);
            return true;
        }

        task = null;
        return false;
    }
}

internal sealed class BatchHandler<T>(Func<MessageBatch<T>, Task> action, int maxBatchSize) : Handler
{
    private readonly MessageBatch<T> _batch = new();

    public override bool TryInvoke(object message, ActorCell cell, out Task? task)
    {
        if (message is not T first)
        {
            task = null;
            return false;
        }

        _batch.Reset();
        _batch.Add(first, cell.CurrentSender);
        while (_batch.Count < maxBatchSize && cell.TryTakeNextOf(out T next, out IActorRef? sender))
        {
            _batch.Add(next, sender);
        }

        task = action(_batch);
        return true;
    }
}

internal sealed class AnyHandler(Action<object> action) : Handler
{
    public override bool TryInvoke(object message, ActorCell cell, out Task? task)
    {
        task = null;
        action(message);
        return true;
    }
}
