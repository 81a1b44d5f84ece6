using System.Text;

namespace AkkaMq.Store;

/// <summary>Reads: lock-free, any thread.</summary>
public sealed partial class MessageStore
{
    private long _readableOffset = long.MaxValue;

    /// <summary>
    /// Pins the stored record at <paramref name="commitLogOffset"/> of <paramref name="size"/> bytes
    /// (as a consume-queue entry gives them). False if it is not (or no longer) there.
    /// </summary>
    public bool TryGetMessage(long commitLogOffset, int size, out StoredBytes bytes)
    {
        bytes = default;
        MappedSegment? seg = _log.TryAcquire(commitLogOffset, size);
        if (seg is null)
        {
            return false;
        }
        long pos = commitLogOffset - seg.StartOffset;
        ReadOnlySpan<byte> r = seg.Span(pos, size);
        if (size < MessageRecordLayout.FixedSize || MessageRecordLayout.ReadTotalSize(r) != size
            || MessageRecordLayout.ReadPhysicalOffset(r) != commitLogOffset)
        {
            seg.Release();
            return false;
        }
        bytes = new StoredBytes(seg, pos, size);
        return true;
    }

    /// <summary>Copies the record at <paramref name="commitLogOffset"/> (size read from the record) into <paramref name="dest"/>.</summary>
    public bool TryReadMessage(long commitLogOffset, Span<byte> dest, out int size) =>
        _log.TryReadRecord(commitLogOffset, dest, out size);

    /// <summary>Store timestamp of the record at <paramref name="commitLogOffset"/>, or -1.</summary>
    public long GetMessageStoreTimestamp(long commitLogOffset, int size)
    {
        if (!TryGetMessage(commitLogOffset, size, out StoredBytes b))
        {
            return -1;
        }
        using (b)
        {
            return MessageRecordLayout.ReadStoreTimestamp(b.Span);
        }
    }

    /// <summary>Store timestamp of the record at a queue offset, or -1.</summary>
    public long GetMessageStoreTimestamp(string topic, int queueId, long queueOffset)
    {
        ConsumeQueue? cq = FindQueue(topic, queueId);
        return cq is not null && cq.TryGetEntry(queueOffset, out QueueEntry e) ? GetMessageStoreTimestamp(e.CommitLogOffset, e.Size) : -1;
    }

    /// <summary>Reads consume-queue entries from <paramref name="fromQueueOffset"/>; see <see cref="ConsumeQueue.Read"/>.</summary>
    public QueueReadResult ReadQueue(string topic, int queueId, long fromQueueOffset, Span<QueueEntry> dest,
        ReadOnlySpan<int> tagCodes = default, int maxScan = 16_384)
    {
        ConsumeQueue? cq = FindQueue(topic, queueId);
        return cq is null ? new QueueReadResult(0, 0) : cq.Read(fromQueueOffset, dest, tagCodes, maxScan);
    }

    /// <summary>The consume-queue entry at <paramref name="queueOffset"/>, if the queue has it.</summary>
    public bool TryGetQueueEntry(string topic, int queueId, long queueOffset, out QueueEntry entry)
    {
        entry = default;
        return FindQueue(topic, queueId) is { } cq && cq.TryGetEntry(queueOffset, out entry);
    }

    /// <summary>
    /// Commit-log offset up to which records may be served to consumers (the high watermark): a synchronously
    /// replicated master serves only what every in-sync member holds, so no consumer reads a record that a
    /// failover could take back. <see cref="long.MaxValue"/> (the default): everything written.
    /// </summary>
    public long ReadableOffset
    {
        get => Volatile.Read(ref _readableOffset);
        set => Volatile.Write(ref _readableOffset, value);
    }

    /// <summary>Whether the record of <paramref name="entry"/> lies wholly below <see cref="ReadableOffset"/>.</summary>
    public bool IsReadable(in QueueEntry entry) => entry.CommitLogOffset + entry.Size <= ReadableOffset;

    public long GetMinOffset(string topic, int queueId) => FindQueue(topic, queueId)?.MinOffset ?? 0;

    public long GetMaxOffset(string topic, int queueId) => FindQueue(topic, queueId)?.MaxOffset ?? 0;

    /// <summary>Store time of the oldest retained message of the queue, or -1.</summary>
    public long GetEarliestMessageTime(string topic, int queueId) =>
        FindQueue(topic, queueId) is { } cq ? GetMessageStoreTimestamp(topic, queueId, cq.MinOffset) : -1;

    /// <summary>Store time of the oldest record in the log, or -1.</summary>
    public long GetEarliestMessageTime()
    {
        Span<byte> head = stackalloc byte[MessageRecordLayout.BodyOffset];
        long offset = _log.MinOffset;
        if (_log.TryAcquire(offset, head.Length) is not { } seg)
        {
            return -1;
        }
        using var b = new StoredBytes(seg, offset - seg.StartOffset, head.Length);
        return MessageRecordLayout.ReadTotalSize(b.Span) > 0 ? MessageRecordLayout.ReadStoreTimestamp(b.Span) : -1;
    }

    /// <summary>
    /// First queue offset whose message was stored at or after <paramref name="timestamp"/> (binary
    /// search on store time); the max offset if none is.
    /// </summary>
    public long GetOffsetByTime(string topic, int queueId, long timestamp)
    {
        if (FindQueue(topic, queueId) is not { } cq)
        {
            return 0;
        }
        long lo = cq.MinOffset, hi = cq.MaxOffset;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) / 2);
            long ts = GetMessageStoreTimestamp(topic, queueId, mid);
            if (ts >= 0 && ts < timestamp)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Records of <paramref name="topic"/> with <paramref name="key"/> among their KEYS, stored in [beginTs, endTs], newest first.</summary>
    public IReadOnlyList<QueryHit> QueryByKey(string topic, string key, long beginTs, long endTs, int max) =>
        Query(topic, key, beginTs, endTs, max, PropertyString.KeysKey, split: true);

    /// <summary>Records of <paramref name="topic"/> whose UNIQ_KEY is <paramref name="uniqueId"/>.</summary>
    public IReadOnlyList<QueryHit> QueryByUniqueId(string topic, string uniqueId, long beginTs = 0, long endTs = long.MaxValue, int max = 32) =>
        Query(topic, uniqueId, beginTs, endTs, max, PropertyString.UniqueKey, split: false);

    private IReadOnlyList<QueryHit> Query(string topic, string key, long beginTs, long endTs, int max,
        ReadOnlySpan<byte> property, bool split)
    {
        var hits = new List<QueryHit>();
        byte[] topicBytes = Encoding.UTF8.GetBytes(topic);
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        foreach (long offset in _index.Query(topic, key, beginTs, endTs, max * 4))
        {
            if (hits.Count >= max || !TryPin(offset, out StoredBytes b))
            {
                continue;
            }
            using (b)
            {
                ReadOnlySpan<byte> r = b.Span;
                long ts = MessageRecordLayout.ReadStoreTimestamp(r);
                if (ts >= beginTs && ts <= endTs && MessageRecordLayout.Topic(r).SequenceEqual(topicBytes)
                    && PropertyString.TryGetValue(MessageRecordLayout.Properties(r), property, out ReadOnlySpan<byte> v)
                    && ContainsKey(v, keyBytes, split))
                {
                    hits.Add(new QueryHit(offset, r.Length, ts));
                }
            }
        }
        return hits;
    }

    private static bool ContainsKey(ReadOnlySpan<byte> value, ReadOnlySpan<byte> key, bool split)
    {
        if (!split)
        {
            return value.SequenceEqual(key);
        }
        foreach (Range r in value.Split((byte)' '))
        {
            if (value[r].SequenceEqual(key))
            {
                return true;
            }
        }
        return false;
    }

    private bool TryPin(long offset, out StoredBytes bytes)
    {
        bytes = default;
        MappedSegment? seg = _log.TryAcquire(offset, MessageRecordLayout.FixedSize);
        if (seg is null)
        {
            return false;
        }
        int size = MessageRecordLayout.ReadTotalSize(seg.Span(offset - seg.StartOffset, 4));
        seg.Release();
        return size >= MessageRecordLayout.FixedSize && TryGetMessage(offset, size, out bytes);
    }

    private ConsumeQueue? FindQueue(string topic, int queueId) =>
        _queues.TryGetValue(new QueueKey(topic, queueId), out ConsumeQueue? cq) ? cq : null;
}
