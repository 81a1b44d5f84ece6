namespace AkkaMq.Actors;

/// <summary>
/// The messages a batch handler receives: the first message that matched plus every message of
/// the same type queued directly behind it. The instance is reused for the next batch, so a
/// handler must not keep it after its task completes.
/// </summary>
public sealed class MessageBatch<T> : IReadOnlyList<T>
{
    private readonly List<T> _messages = [];
    private readonly List<IActorRef?> _senders = [];

    internal MessageBatch()
    {
    }

    /// <inheritdoc />
    public int Count => _messages.Count;

    /// <inheritdoc />
    public T this[int index] => _messages[index];

    /// <summary>The sender of message <paramref name="index"/>, or null when it had none.</summary>
    public IActorRef? SenderAt(int index) => _senders[index];

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _messages.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Reset()
    {
        _messages.Clear();
        _senders.Clear();
    }

    internal void Add(T message, IActorRef? sender)
    {
        _messages.Add(message);
        _senders.Add(sender);
    }
}
