using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors;

/// <summary>
/// Where undeliverable messages go: messages to stopped actors, to full bounded mailboxes, and
/// replies to no sender. Each is logged (rate-limited: the first 10, then every 1000th) and
/// published as a <see cref="DeadLetter"/> to every subscriber.
/// </summary>
public sealed class DeadLetterOffice : IActorRef
{
    private readonly ILogger _log;
    private readonly object _gate = new();
    private IActorRef[] _subscribers = [];
    private long _count;

    internal DeadLetterOffice(ActorPath path, ILogger log)
    {
        Path = path;
        _log = log;
    }

    /// <inheritdoc />
    public ActorPath Path { get; }

    /// <summary>How many dead letters there have been.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>A message told directly to dead letters (for example a reply to a message with no sender).</summary>
    public void Tell(object message, IActorRef? sender = null) => Publish(message, sender, this, "no recipient");

    /// <summary>From now on <paramref name="subscriber"/> receives a <see cref="DeadLetter"/> for each dead letter.</summary>
    public void Subscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }
    }

    /// <summary>Stops publishing to <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscriber));
        }
    }

    internal void Publish(object message, IActorRef? sender, IActorRef recipient, string reason)
    {
        if (message is DeadLetter)
        {
            return; // a subscriber that stopped: do not loop
        }

        long count = Interlocked.Increment(ref _count);
        if (count <= 10 || count % 1000 == 0)
        {
            _log.LogInformation(
                "Dead letter #{Count} ({Reason}): {MessageType} from {Sender} to {Recipient}",
                count,
                reason,
                message.GetType().Name,
                sender?.Path.ToString() ?? "no sender",
                recipient.Path);
        }

        IActorRef[] subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return;
        }

        var letter = new DeadLetter(message, sender, recipient);
        foreach (IActorRef subscriber in subscribers)
        {
            subscriber.Tell(letter, this);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Path.ToString();
}
