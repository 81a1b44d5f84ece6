namespace AkkaMq.Actors;

/// <summary>
/// Messages an actor sets aside until it changes behaviour. Unstashed messages are processed
/// before anything still in the mailbox, in the order they were stashed. A restart unstashes
/// everything; a stop turns the stash into dead letters. Loop-owned: use it only from the actor's
/// own handlers. In a batch handler <see cref="Stash()"/> sets aside only the batch's first message.
/// </summary>
public interface IStash
{
    /// <summary>How many messages are stashed.</summary>
    int Count { get; }

    /// <summary>Sets the message being handled aside.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message back at the head of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message back at the head of the mailbox.</summary>
    void UnstashAll();
}

internal sealed class StashBuffer : IStash
{
    private readonly ActorCell _cell;
    private readonly List<Envelope> _items = [];

    public StashBuffer(ActorCell cell) => _cell = cell;

    public int Count => _items.Count;

    public void Stash() => _cell.StashCurrent();

    public void Unstash() => _cell.UnstashOne();

    public void UnstashAll() => _cell.UnstashAll();

    internal void Add(Envelope envelope) => _items.Add(envelope);

    internal Envelope[] TakeAll()
    {
        Envelope[] all = _items.ToArray();
        _items.Clear();
        return all;
    }

    internal bool TryTakeFirst(out Envelope first)
    {
        if (_items.Count == 0)
        {
            first = default;
            return false;
        }

        first = _items[0];
        _items.RemoveAt(0);
        return true;
    }
}
