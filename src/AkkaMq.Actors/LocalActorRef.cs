namespace AkkaMq.Actors;

/// <summary>
/// The public face of an <see cref="ActorCell"/>. Kept apart from the cell so that a reference
/// handed to other code cannot be cast to the actor's context.
/// </summary>
internal sealed class LocalActorRef : IInternalActorRef
{
    public LocalActorRef(ActorCell cell) => Cell = cell;

    public ActorCell Cell { get; }

    public ActorPath Path => Cell.Path;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Post(new Envelope(message, sender));
    }

    public void SendSystemMessage(SystemMessage message) => Cell.SendSystem(message);

    public override string ToString() => Cell.Path.ToString();
}

/// <summary>Telling with back-pressure.</summary>
public static class ActorRefExtensions
{
    /// <summary>
    /// Like <see cref="IActorRef.Tell"/>, but when the target has a full bounded mailbox the
    /// returned task completes only once there is room. Completes synchronously otherwise.
    /// </summary>
    public static ValueTask TellAsync(this IActorRef target, object message, IActorRef? sender = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (target is LocalActorRef local)
        {
            return local.Cell.PostAsync(new Envelope(message, sender), cancellationToken);
        }

        target.Tell(message, sender);
        return ValueTask.CompletedTask;
    }

    /// <summary>Passes a message on, keeping the original sender.</summary>
    public static void Forward(this IActorRef target, object message, IActorContext context)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(context);
        target.Tell(message, context.Sender);
    }
}
