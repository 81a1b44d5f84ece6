namespace AkkaMq.Actors;

/// <summary>How to build an actor: its factory and its mailbox. Immutable.</summary>
public sealed class Props
{
    private Props(Func<ReceiveActor> factory, Type actorType, MailboxOptions mailbox)
    {
        Factory = factory;
        ActorType = actorType;
        Mailbox = mailbox;
    }

    /// <summary>The actor's type, for logs.</summary>
    public Type ActorType { get; }

    /// <summary>The mailbox the actor gets.</summary>
    public MailboxOptions Mailbox { get; }

    internal Func<ReceiveActor> Factory { get; }

    /// <summary>
    /// Props for an actor built by <paramref name="factory"/>. The factory runs again on every
    /// restart, so it must build a fresh instance each time.
    /// </summary>
    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ReceiveActor
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, typeof(TActor), MailboxOptions.Unbounded);
    }

    /// <summary>The same props with another mailbox.</summary>
    public Props WithMailbox(MailboxOptions mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return new Props(Factory, ActorType, mailbox);
    }

    /// <summary>The same props with a bounded mailbox of <paramref name="capacity"/> messages.</summary>
    public Props WithBoundedMailbox(int capacity) => WithMailbox(MailboxOptions.Bounded(capacity));
}

/// <summary>
/// Mailbox kind. Unbounded (the default) never refuses a message. Bounded holds at most
/// <see cref="Capacity"/> user messages: <c>TellAsync</c> waits for room (back-pressure), a plain
/// <c>Tell</c> to a full mailbox becomes a dead letter. System messages are never bounded.
/// </summary>
public sealed record MailboxOptions
{
    private MailboxOptions(int? capacity) => Capacity = capacity;

    /// <summary>The capacity, or null for unbounded.</summary>
    public int? Capacity { get; }

    /// <summary>An unbounded mailbox.</summary>
    public static MailboxOptions Unbounded { get; } = new((int?)null);

    /// <summary>A bounded mailbox for hot actors whose senders must slow down.</summary>
    public static MailboxOptions Bounded(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new MailboxOptions(capacity);
    }
}
