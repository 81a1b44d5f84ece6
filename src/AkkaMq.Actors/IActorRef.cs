namespace AkkaMq.Actors;

/// <summary>
/// A handle to an actor. Telling never blocks and never throws: a message to a stopped actor
/// becomes a dead letter.
/// </summary>
public interface IActorRef
{
    /// <summary>The value to pass as sender when there is none; replies then go to dead letters.</summary>
    static IActorRef? NoSender => null;

    /// <summary>The actor's path.</summary>
    ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/> in the actor's mailbox.</summary>
    void Tell(object message, IActorRef? sender = null);
}

/// <summary>A reference that also takes the kernel's system messages (watch, stop, supervision).</summary>
internal interface IInternalActorRef : IActorRef
{
    void SendSystemMessage(SystemMessage message);
}

/// <summary>One queued message and who sent it. A struct, so queuing it does not allocate.</summary>
internal readonly record struct Envelope(object Message, IActorRef? Sender);
