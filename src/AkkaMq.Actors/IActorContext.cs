namespace AkkaMq.Actors;

/// <summary>
/// What an actor may do with the kernel while it handles a message. Only valid on the actor's
/// own processing loop (inside its constructor, handlers and lifecycle hooks).
/// </summary>
public interface IActorContext
{
    /// <summary>This actor.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being handled, or dead letters when there is none.</summary>
    IActorRef Sender { get; }

    /// <summary>The supervising parent (the root guardian is its own parent).</summary>
    IActorRef Parent { get; }

    /// <summary>The system this actor belongs to.</summary>
    ActorSystem System { get; }

    /// <summary>A snapshot of the live children.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>The child called <paramref name="name"/>, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>Creates a child supervised by this actor. Names are unique among siblings; null picks one.</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops an actor (its children first, then its PostStop).</summary>
    void Stop(IActorRef actor);

    /// <summary>After this, a <see cref="Terminated"/> arrives when <paramref name="subject"/> stops.</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>No <see cref="Terminated"/> for <paramref name="subject"/> will be delivered after this.</summary>
    IActorRef Unwatch(IActorRef subject);
}
