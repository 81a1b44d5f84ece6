namespace AkkaMq.Actors;

/// <summary>Stops the actor when it reaches the head of the mailbox (messages before it are processed).</summary>
public sealed record PoisonPill
{
    private PoisonPill()
    {
    }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();
}

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/>; the default strategy stops it.</summary>
public sealed record Kill
{
    private Kill()
    {
    }

    /// <summary>The single instance.</summary>
    public static Kill Instance { get; } = new();
}

/// <summary>Delivered to a watcher when a watched actor has stopped.</summary>
public sealed record Terminated(IActorRef ActorRef);

/// <summary>A message that could not be delivered, as published by <see cref="DeadLetterOffice"/>.</summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient);

/// <summary>Replies that carry an outcome rather than a value.</summary>
public static class Status
{
    /// <summary>A successful outcome with an optional value.</summary>
    public sealed record Success(object? Value);

    /// <summary>A failed outcome; an <c>Ask</c> receiving this fails with <see cref="Cause"/>.</summary>
    public sealed record Failure(Exception Cause);
}
