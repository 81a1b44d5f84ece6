namespace AkkaMq.Broker;

/// <summary>
/// What queries see: on a synchronously replicated master, an offset is answered once the record holding it
/// is on every in-sync member (below the store's readable offset), so no one reads a committed offset that a
/// failover could take back. Elsewhere (standalone, async, following) queries see the table itself.
/// </summary>
public sealed partial class OffsetsActor
{
    private readonly Func<long> _readableOffset;
    private readonly Queue<(long EndOffset, Dictionary<string, Dictionary<int, long>> Values, HashSet<string> Replaced)> _unconfirmed = new();
    private Dictionary<string, Dictionary<int, long>> _visible = new(StringComparer.Ordinal);

    /// <summary>The table queries answer from: <see cref="_table"/> when everything written is readable, else the confirmed view.</summary>
    private Dictionary<string, Dictionary<int, long>> ReadTable()
    {
        long readable = _readableOffset();
        Advance(readable);
        return readable == long.MaxValue ? _table : _visible;
    }

    /// <summary>Applies to the confirmed view every written delta that lies below <paramref name="readable"/>.</summary>
    private void Advance(long readable)
    {
        while (_unconfirmed.TryPeek(out var head) && head.EndOffset <= readable)
        {
            _unconfirmed.Dequeue();
            foreach (var key in head.Replaced)
            {
                _visible[key] = [];
            }

            foreach (var (key, queues) in head.Values)
            {
                var entries = _visible.TryGetValue(key, out var e) ? e : _visible[key] = [];
                foreach (var (queueId, offset) in queues)
                {
                    entries[queueId] = offset;
                }
            }
        }
    }

    /// <summary>The values a delta carries, taken when it is written.</summary>
    private Dictionary<string, Dictionary<int, long>> ValuesOf(PendingDelta delta)
    {
        var values = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        foreach (var key in delta.Replaced)
        {
            values[key] = _table.TryGetValue(key, out var all) ? new Dictionary<int, long>(all) : [];
        }

        foreach (var (key, queueIds) in delta.Changed)
        {
            if (!_table.TryGetValue(key, out var queues))
            {
                continue;
            }

            var entries = values.TryGetValue(key, out var e) ? e : values[key] = [];
            foreach (int queueId in queueIds)
            {
                if (queues.TryGetValue(queueId, out long offset))
                {
                    entries[queueId] = offset;
                }
            }
        }

        return values;
    }

    /// <summary>A delta holding <paramref name="values"/> is in the log up to <paramref name="endOffset"/>: visible once the in-sync members hold it.</summary>
    private void Written(long endOffset, Dictionary<string, Dictionary<int, long>> values, HashSet<string> replaced)
    {
        _unconfirmed.Enqueue((endOffset, values, replaced));
        Advance(_readableOffset());
    }

    /// <summary>The table was replaced from the log: it is what the group holds, so queries see it as it is.</summary>
    private void VisibleIsTable()
    {
        _unconfirmed.Clear();
        _visible = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        foreach (var (key, queues) in _table)
        {
            _visible[key] = new Dictionary<int, long>(queues);
        }
    }
}
