using Akka.Actor;

namespace AkkaMq.Broker;

/// <summary>
/// The offsets actor's bookkeeping for delta records: which entries changed since the last delta
/// was taken, which keys were set whole, and who waits for them to be stored. Owned by the actor
/// (no locking).
/// </summary>
internal sealed class OffsetDeltas
{
    private Dictionary<string, HashSet<int>> _changed = new(StringComparer.Ordinal);
    private HashSet<string> _replaced = new(StringComparer.Ordinal);
    private List<IActorRef> _waiting = [];

    /// <summary>True when something changed since the last delta was taken.</summary>
    public bool HasChanges => _changed.Count > 0;

    public void Changed(string key, int queueId)
    {
        if (!_changed.TryGetValue(key, out var queueIds))
        {
            _changed[key] = queueIds = [];
        }

        queueIds.Add(queueId);
    }

    /// <summary>The key's entries were set whole (a clone): the delta carries all of them and loading replaces the key.</summary>
    public void Replaced(string key)
    {
        _replaced.Add(key);
        if (!_changed.ContainsKey(key))
        {
            _changed[key] = [];
        }
    }

    /// <summary><paramref name="replyTo"/> is answered once the next delta taken is stored (or failed).</summary>
    public void Wait(IActorRef replyTo) => _waiting.Add(replyTo);

    /// <summary>Encodes the changes into a delta body and starts collecting anew.</summary>
    public PendingDelta Take(Dictionary<string, Dictionary<int, long>> table)
    {
        var delta = new PendingDelta(OffsetSnapshot.EncodeDelta(table, _changed, _replaced), _changed, _replaced, _waiting);
        _changed = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        _replaced = new HashSet<string>(StringComparer.Ordinal);
        _waiting = [];
        return delta;
    }

    /// <summary>A delta that was not stored: its entries are written with the next one (with their values then).</summary>
    public void Restore(PendingDelta failed)
    {
        foreach (var (key, queueIds) in failed.Changed)
        {
            if (failed.Replaced.Contains(key))
            {
                Replaced(key);
            }

            foreach (int queueId in queueIds)
            {
                Changed(key, queueId);
            }
        }
    }

    /// <summary>Forgets every change (the table was replaced from the log) and returns who was waiting.</summary>
    public List<IActorRef> Clear()
    {
        var waiting = _waiting;
        _changed = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        _replaced = new HashSet<string>(StringComparer.Ordinal);
        _waiting = [];
        return waiting;
    }
}

/// <summary>A delta record on its way to the log: its body, the changes it holds and who waits for it.</summary>
internal sealed record PendingDelta(byte[] Body, Dictionary<string, HashSet<int>> Changed, HashSet<string> Replaced, List<IActorRef> Waiting);
