using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>
/// The consume queue of one topic/queue: fixed 20-byte entries, entry i at byte i*20.
/// <code>
/// 0  8  commit-log offset of the record
/// 8  4  record size
/// 12 8  tags code (Java hashCode of TAGS, 0 if none)
/// </code>
/// Big-endian like RocketMQ. Single writer (the store's writer) appends and truncates; readers
/// read entries below the published max offset from any thread.
/// </summary>
public sealed class ConsumeQueue : IDisposable
{
    public const int EntrySize = 20;

    private readonly SegmentedFile _file;
    private readonly ILogger _logger;
    private long _minOffset;
    private long _maxOffset;
    private long _flushedBytes;
    private long _assigned;

    public ConsumeQueue(string topic, int queueId, string directory, int entriesPerFile, ILogger logger, StoreDevice? device = null)
    {
        Topic = topic;
        QueueId = queueId;
        _file = new SegmentedFile(directory, (long)entriesPerFile * EntrySize, logger, device: device);
        _logger = logger;
    }

    public string Topic { get; }

    public int QueueId { get; }

    /// <summary>First retained queue offset.</summary>
    public long MinOffset => Volatile.Read(ref _minOffset);

    /// <summary>Next queue offset to write.</summary>
    public long MaxOffset => Volatile.Read(ref _maxOffset);

    /// <summary>
    /// Maps files and finds the end (the entry after the last one with a size). The newest files
    /// may hold no entry at all: created, then the power went before their entries were flushed.
    /// </summary>
    public void Load(long commitLogMin)
    {
        _file.Load();
        long end = _file.First is { } first ? first.StartOffset / EntrySize : 0;
        IReadOnlyList<MappedSegment> segments = _file.Segments;
        for (int s = segments.Count - 1; s >= 0 && end == segments[0].StartOffset / EntrySize; s--)
        {
            MappedSegment seg = segments[s];
            for (long i = (seg.Size / EntrySize) - 1; i >= 0; i--)
            {
                if (ReadEntry(seg, i * EntrySize).Size > 0)
                {
                    end = (seg.StartOffset / EntrySize) + i + 1;
                    break;
                }
            }
        }
        _maxOffset = end;
        _assigned = end;
        _flushedBytes = end * EntrySize;
        RecomputeMin(commitLogMin);
    }

    /// <summary>Hands out the next queue offset for a record being written (writer only; the entry is put after the record is published).</summary>
    public long AssignOffset() => _assigned++;

    /// <summary>Writes entry <paramref name="queueOffset"/>; false when the file cannot be created (disk full).</summary>
    public bool Put(long queueOffset, long commitLogOffset, int size, long tagsCode)
    {
        long max = _maxOffset;
        if (queueOffset < max)
        {
            _logger.LogWarning("{Topic}/{Queue}: entry {Offset} rewritten (max {Max})", Topic, QueueId, queueOffset, max);
        }
        long bytePos = queueOffset * EntrySize;
        MappedSegment? seg = _file.Find(bytePos);
        if (seg is null)
        {
            long start = bytePos - (bytePos % _file.SegmentSize);
            try
            {
                seg = _file.Last is null ? CreateFirst(start) : CreateUpTo(start);
            }
            catch (IOException e)
            {
                _logger.LogError(e, "Cannot create consume-queue file for {Topic}/{Queue}", Topic, QueueId);
                return false;
            }
        }
        Span<byte> e8 = seg.Span(bytePos - seg.StartOffset, EntrySize);
        BinaryPrimitives.WriteInt64BigEndian(e8, commitLogOffset);
        BinaryPrimitives.WriteInt64BigEndian(e8.Slice(12), tagsCode);
        BinaryPrimitives.WriteInt32BigEndian(e8.Slice(8), size);
        if (queueOffset >= max)
        {
            Volatile.Write(ref _maxOffset, queueOffset + 1);
        }
        _assigned = Math.Max(_assigned, queueOffset + 1);
        return true;
    }

    /// <summary>
    /// Copies entries from <paramref name="fromOffset"/> into <paramref name="dest"/>, keeping those whose
    /// (int) tags code is in <paramref name="tagCodes"/> (all when empty), scanning at most
    /// <paramref name="maxScan"/> entries.
    /// </summary>
    public QueueReadResult Read(long fromOffset, Span<QueueEntry> dest, ReadOnlySpan<int> tagCodes, int maxScan)
    {
        long q = Math.Max(fromOffset, MinOffset);
        long max = MaxOffset;
        int n = 0;
        while (q < max && n < dest.Length && maxScan-- > 0)
        {
            MappedSegment? seg = _file.Find(q * EntrySize);
            if (seg is null || !seg.TryAcquire())
            {
                q = Math.Max(q + 1, MinOffset);
                continue;
            }
            long segEnd = Math.Min(max, seg.EndOffset / EntrySize);
            for (; q < segEnd && n < dest.Length && maxScan >= 0; q++, maxScan--)
            {
                QueueEntry e = ReadEntry(seg, (q * EntrySize) - seg.StartOffset) with { QueueOffset = q };
                if (e.Size > 0 && (tagCodes.IsEmpty || tagCodes.Contains((int)e.TagsCode)))
                {
                    dest[n++] = e;
                }
            }
            seg.Release();
        }
        return new QueueReadResult(n, q);
    }

    public bool TryGetEntry(long queueOffset, out QueueEntry entry)
    {
        entry = default;
        if (queueOffset < MinOffset || queueOffset >= MaxOffset)
        {
            return false;
        }
        MappedSegment? seg = _file.Find(queueOffset * EntrySize);
        if (seg is null || !seg.TryAcquire())
        {
            return false;
        }
        entry = ReadEntry(seg, (queueOffset * EntrySize) - seg.StartOffset) with { QueueOffset = queueOffset };
        seg.Release();
        return entry.Size > 0;
    }

    /// <summary>Drops every entry pointing at or past <paramref name="commitLogOffset"/> (entries are in log order).</summary>
    public void TruncateFrom(long commitLogOffset)
    {
        long end = _maxOffset;
        while (end > _minOffset && TryGetEntry(end - 1, out QueueEntry e) && e.CommitLogOffset >= commitLogOffset)
        {
            end--;
        }
        if (end == _maxOffset)
        {
            return;
        }
        Volatile.Write(ref _maxOffset, end);
        _assigned = end;
        _file.TruncateTo(end * EntrySize);
        _flushedBytes = Math.Min(_flushedBytes, end * EntrySize);
        if (end <= _minOffset)
        {
            Volatile.Write(ref _minOffset, end);
        }
    }

    /// <summary>Retention: delete whole files whose entries all point below <paramref name="commitLogMin"/>.</summary>
    public void DeleteBefore(long commitLogMin)
    {
        int drop = 0;
        IReadOnlyList<MappedSegment> segs = _file.Segments;
        while (drop < segs.Count - 1 && ReadEntry(segs[drop], segs[drop].Size - EntrySize).CommitLogOffset < commitLogMin)
        {
            drop++;
        }
        _file.DeleteHead(drop);
        RecomputeMin(commitLogMin);
    }

    /// <summary>
    /// Removes the whole queue (writer only, after taking it out of the store's table): readers
    /// still holding it see it empty; each file is deleted once no reader maps it, and the queue's
    /// directory, and its topic's, once empty.
    /// </summary>
    public void Destroy()
    {
        Volatile.Write(ref _maxOffset, 0);
        Volatile.Write(ref _minOffset, 0);
        _assigned = 0;
        Volatile.Write(ref _flushedBytes, 0);
        _file.DeleteHead(_file.Segments.Count);
        string queueDir = _file.Directory;
        if (TryDeleteEmptyDirectory(queueDir) && Path.GetDirectoryName(queueDir) is { } topicDir)
        {
            TryDeleteEmptyDirectory(topicDir);
        }
    }

    /// <summary>msync of entries written since the last flush.</summary>
    public void Flush()
    {
        long to = MaxOffset * EntrySize;
        long from = Volatile.Read(ref _flushedBytes);
        if (to > from)
        {
            _file.Flush(from, to);
            Volatile.Write(ref _flushedBytes, to);
        }
    }

    public void Dispose() => _file.Dispose();

    private bool TryDeleteEmptyDirectory(string path)
    {
        try
        {
            if (!Directory.Exists(path) || Directory.EnumerateFileSystemEntries(path).Any())
            {
                return false;
            }

            Directory.Delete(path);
            return true;
        }
        catch (IOException e)
        {
            // A file a reader still maps is deleted when it lets go; the empty directory stays behind, harmless.
            _logger.LogInformation("Directory {Dir} of a removed consume queue left in place: {Reason}", path, e.Message);
            return false;
        }
    }

    private static QueueEntry ReadEntry(MappedSegment seg, long pos)
    {
        ReadOnlySpan<byte> e = seg.Span(pos, EntrySize);
        return new QueueEntry(0, BinaryPrimitives.ReadInt64BigEndian(e), BinaryPrimitives.ReadInt32BigEndian(e.Slice(8)),
            BinaryPrimitives.ReadInt64BigEndian(e.Slice(12)));
    }

    private MappedSegment CreateFirst(long start)
    {
        MappedSegment seg = _file.Create(start);
        Volatile.Write(ref _minOffset, Math.Max(_minOffset, start / EntrySize));
        return seg;
    }

    private MappedSegment CreateUpTo(long start)
    {
        MappedSegment seg = _file.Last!;
        while (seg.StartOffset < start)
        {
            seg = _file.Create(seg.EndOffset);
        }
        return seg;
    }

    private void RecomputeMin(long commitLogMin)
    {
        MappedSegment? first = _file.First;
        long min = first is null ? _maxOffset : first.StartOffset / EntrySize;
        while (min < _maxOffset)
        {
            MappedSegment seg = _file.Find(min * EntrySize)!;
            QueueEntry e = ReadEntry(seg, (min * EntrySize) - seg.StartOffset);
            if (e.Size > 0 && e.CommitLogOffset >= commitLogMin)
            {
                break;
            }
            min++;
        }
        Volatile.Write(ref _minOffset, min);
    }
}
