using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>Called for each record a scan passes.</summary>
public delegate void RecordVisitor(ReadOnlySpan<byte> record, long offset);

/// <summary>Where a start-up scan of the log ended.</summary>
public readonly record struct ScanOutcome(long ValidEnd, long DroppedTailBytes, string? Corruption);

/// <summary>
/// The commit log: records back to back in segments; a record never spans segments (a blank
/// filler closes a segment). Single writer by contract: <see cref="Reserve"/>, writing into the
/// returned span and <see cref="Publish"/> are called by one thread at a time. Readers call
/// <see cref="TryAcquire"/> from any thread and only see bytes below the published end, so they
/// never see a half-written record and never block the writer.
/// </summary>
public sealed class CommitLog : IDisposable
{
    private readonly SegmentedFile _file;
    private readonly int _maxRecordSize;
    private readonly ILogger _logger;
    private long _reserveOffset;
    private readonly bool _writeByFile;
    private byte[] _staging = [];
    private int _stagingLength;
    private MappedSegment? _stagingSegment;
    private long _stagingPosition;
    private long _publishedOffset;
    private long _flushedOffset;
    private readonly object _flushLock = new();
    private static readonly int PageSize = Environment.SystemPageSize;

    /// <param name="writeByFile">
    /// Group-commit mode: stage each batch in memory and pwrite it, then fdatasync, instead of
    /// writing through the mapping and msync-ing it. Syncing pages dirtied through a mapping
    /// measured about 3x slower per sync on ext4 (page_mkwrite faults after every writeback);
    /// readers still read the mapping, which shares the page cache with pwrite.
    /// </param>
    /// <param name="prepareNext">
    /// Zero-fill the next segment in the background before the writer reaches it (group commit:
    /// an fdatasync into written blocks measured about half the time of one into blocks only
    /// allocated). Not for async flushing, where no send waits for a sync and the extra GiB of
    /// writes per segment cost 10–25 % of the throughput in a same-run comparison.
    /// </param>
    /// <param name="device">Where the segments live (the local disk when null).</param>
    public CommitLog(string directory, long segmentSize, int maxRecordSize, ILogger logger, bool writeByFile = false, bool prepareNext = false,
        StoreDevice? device = null)
    {
        _writeByFile = writeByFile && OperatingSystem.IsLinux();
        _file = new SegmentedFile(directory, segmentSize, logger, prepareNext, device);
        _maxRecordSize = maxRecordSize;
        _logger = logger;
    }

    public long SegmentSize => _file.SegmentSize;

    /// <summary>The directory of the segments.</summary>
    public string Directory => _file.Directory;

    /// <summary>Told when a segment cannot be created (its start offset and the error), before the append is refused as DiskFull.</summary>
    public Action<long, IOException>? SegmentCreateFailed { get; set; }

    /// <summary>End of the readable log (next record's offset once the writer publishes).</summary>
    public long MaxOffset => Volatile.Read(ref _publishedOffset);

    /// <summary>Start of the oldest retained segment.</summary>
    public long MinOffset => _file.First?.StartOffset ?? Volatile.Read(ref _publishedOffset);

    public long FlushedOffset => Volatile.Read(ref _flushedOffset);

    public IReadOnlyList<MappedSegment> Segments => _file.Segments;

    /// <summary>Start of the next segment when it is zero-filled ahead and ready to take (see <see cref="SegmentedFile.ReadyPreparedOffset"/>).</summary>
    public long? ReadyPreparedOffset => _file.ReadyPreparedOffset;

    /// <summary>Segments taken ready-made (see <see cref="SegmentedFile.PreparedSegmentsUsed"/>).</summary>
    public int PreparedSegmentsUsed => _file.PreparedSegmentsUsed;

    /// <summary>Background zero fills started (see <see cref="SegmentedFile.PreparationsStarted"/>).</summary>
    public int PreparationsStarted => _file.PreparationsStarted;

    /// <summary>Start-up: map segments and check every record from the segment holding <paramref name="checkpoint"/>.</summary>
    public ScanOutcome Load(long checkpoint, RecordVisitor dispatch)
    {
        _file.Load();
        MappedSegment? first = _file.First;
        if (first is null)
        {
            long start = Math.Max(0, checkpoint - (checkpoint % _file.SegmentSize));
            SetEnd(start);
            return new ScanOutcome(start, 0, null);
        }
        MappedSegment scanFrom = _file.Find(checkpoint) ?? (checkpoint < first.StartOffset ? first : _file.Last!);
        ScanOutcome outcome = Scan(scanFrom.StartOffset, checkpoint, dispatch);
        SetEnd(outcome.ValidEnd);
        return outcome;
    }

    /// <summary>
    /// Reserves <paramref name="size"/> bytes for one record, closing the current segment with a
    /// blank filler and creating the next one when needed. Returns null when the segment cannot
    /// be created (disk full); earlier data is untouched.
    /// </summary>
    public unsafe MappedSegment? Reserve(int size, out long offset, out Span<byte> dest)
    {
        offset = _reserveOffset;
        MappedSegment? seg = _file.Find(offset);
        long pos = seg is null ? 0 : offset - seg.StartOffset;
        if (seg is null || seg.Size - pos < size + MessageRecordLayout.BlankSize)
        {
            if (seg is not null)
            {
                MessageRecordLayout.WriteBlankHeader(Stage(seg, pos, MessageRecordLayout.BlankSize), (int)(seg.Size - pos));
                offset = seg.EndOffset;
            }
            seg = TryCreateSegment(offset);
            if (seg is null)
            {
                dest = default;
                return null;
            }
            _reserveOffset = offset;
            pos = 0;
        }
        dest = Stage(seg, pos, size);
        _reserveOffset = offset + size;
        return seg;
    }

    /// <summary>Writes the blank filler at the reserve position and moves to the next segment's start (replicated fillers).</summary>
    public void CloseSegment()
    {
        MappedSegment? seg = _file.Find(_reserveOffset);
        if (seg is null)
        {
            return;
        }
        long pos = _reserveOffset - seg.StartOffset;
        MessageRecordLayout.WriteBlankHeader(Stage(seg, pos, MessageRecordLayout.BlankSize), (int)(seg.Size - pos));
        _reserveOffset = seg.EndOffset;
    }

    /// <summary>Makes everything reserved so far visible to readers (volatile write after the record bytes).</summary>
    public void Publish()
    {
        WriteStaged();
        Volatile.Write(ref _publishedOffset, _reserveOffset);
    }

    /// <summary>msync (or, when writing by file, fdatasync) of the unflushed published range; thread-safe, flushes serialised, the writer not blocked.</summary>
    public long Flush()
    {
        lock (_flushLock)
        {
            long to = Volatile.Read(ref _publishedOffset);
            long from = Volatile.Read(ref _flushedOffset);
            if (to > from)
            {
                _file.Flush(from, to, wholeFile: _writeByFile);
                Volatile.Write(ref _flushedOffset, to);
            }
            return to;
        }
    }

    /// <summary>
    /// Pins the segment holding [offset, offset+size) and returns it; the caller reads
    /// <c>seg.Span(offset - seg.StartOffset, size)</c> and must call <c>Release()</c>.
    /// </summary>
    public MappedSegment? TryAcquire(long offset, int size)
    {
        if (offset < 0 || size <= 0 || offset + size > MaxOffset)
        {
            return null;
        }
        MappedSegment? seg = _file.Find(offset);
        if (seg is null || offset + size > seg.EndOffset || !seg.TryAcquire())
        {
            return null;
        }
        return seg;
    }

    /// <summary>Copies the whole record at <paramref name="offset"/>; false if there is none there or <paramref name="dest"/> is too small.</summary>
    public bool TryReadRecord(long offset, Span<byte> dest, out int size)
    {
        size = 0;
        MappedSegment? seg = TryAcquire(offset, MessageRecordLayout.BlankSize);
        if (seg is null)
        {
            return false;
        }
        try
        {
            long pos = offset - seg.StartOffset;
            ReadOnlySpan<byte> head = seg.Span(pos, MessageRecordLayout.BlankSize);
            int total = MessageRecordLayout.ReadTotalSize(head);
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(head.Slice(4)) != MessageRecordLayout.MessageMagic
                || total < MessageRecordLayout.FixedSize || offset + total > MaxOffset || total > dest.Length)
            {
                return false;
            }
            seg.Span(pos, total).CopyTo(dest);
            size = total;
            return true;
        }
        finally
        {
            seg.Release();
        }
    }

    /// <summary>Rewinds the log to <paramref name="offset"/> (a record boundary at or below the end). Single-writer call.</summary>
    public void TruncateTo(long offset)
    {
        _file.TruncateTo(offset);
        SetEnd(offset);
        if (_file.First is null)
        {
            _logger.LogInformation("Commit log truncated to {Offset}; no segment left", offset);
        }
    }

    /// <summary>Retention: delete the first <paramref name="count"/> segments.</summary>
    public void DeleteHead(int count) => _file.DeleteHead(count);

    /// <summary>Has the next segment zero-filled ahead of the writer (see <see cref="SegmentedFile.PrepareNext"/>); for a writable log.</summary>
    public void PrepareNextSegment() => _file.PrepareNext();

    public void Dispose() => _file.Dispose();

    /// <summary>Where the writer puts the next <paramref name="length"/> bytes: the mapping, or the pwrite staging buffer.</summary>
    private Span<byte> Stage(MappedSegment seg, long pos, int length)
    {
        if (!_writeByFile)
        {
            return seg.Span(pos, length);
        }
        if (_stagingSegment != seg || pos != _stagingPosition + _stagingLength)
        {
            WriteStaged();
            _stagingSegment = seg;
            _stagingPosition = pos;
        }
        EnsureStaging(_stagingLength + length);
        Span<byte> dest = _staging.AsSpan(_stagingLength, length);
        _stagingLength += length;
        return dest;
    }

    /// <summary>
    /// pwrite of the staged bytes: in the page cache afterwards (visible through the mapping), not
    /// yet on disk. The write runs on with zeros to the end of its last page: beyond the log's end
    /// a segment holds only zeros, so this changes no byte, but it means every page the log
    /// enters is overwritten whole. A partial write into a page that is not in the page cache
    /// makes the kernel read that page from disk first, a synchronous read on the append path
    /// once every few records (measured at 5,000 sends a second: about 1,300 reads a second, each
    /// holding up the batch behind it); a segment zero-filled ahead is not in the page cache.
    /// </summary>
    private void WriteStaged()
    {
        if (_stagingLength == 0)
        {
            return;
        }

        long end = _stagingPosition + _stagingLength;
        long pageEnd = Math.Min((end + PageSize - 1) & ~(PageSize - 1L), _stagingSegment!.Size);
        int length = _stagingLength + (int)(pageEnd - end);
        EnsureStaging(length);
        _staging.AsSpan(_stagingLength, length - _stagingLength).Clear();
        _stagingSegment.Write(_stagingPosition, _staging.AsSpan(0, length));
        _stagingLength = 0;
    }

    private void EnsureStaging(int length)
    {
        if (_staging.Length < length)
        {
            Array.Resize(ref _staging, Math.Max(1 << 20, length * 2));
        }
    }

    private void SetEnd(long offset)
    {
        _stagingLength = 0;
        _stagingSegment = null;
        _reserveOffset = offset;
        Volatile.Write(ref _publishedOffset, offset);
        Volatile.Write(ref _flushedOffset, offset);
    }

    private MappedSegment? TryCreateSegment(long offset)
    {
        try
        {
            return _file.Create(offset);
        }
        catch (IOException e)
        {
            _logger.LogError(e, "Cannot create commit-log segment {Offset} in {Dir}: appends refused, earlier data stays readable",
                offset, _file.Directory);
            SegmentCreateFailed?.Invoke(offset, e);
            return null;
        }
    }

    private ScanOutcome Scan(long from, long dispatchFrom, RecordVisitor dispatch)
    {
        long pos = from;
        RecordCheck check = RecordCheck.Empty;
        MappedSegment? seg;
        while ((seg = _file.Find(pos)) is not null)
        {
            long at = pos - seg.StartOffset;
            ReadOnlySpan<byte> rest = seg.Span(at, (int)(seg.Size - at));
            check = MessageRecordLayout.Check(rest, pos, _maxRecordSize, out int size);
            if (check == RecordCheck.Blank)
            {
                pos = seg.EndOffset;
                continue;
            }
            if (check != RecordCheck.Valid)
            {
                break;
            }
            if (pos >= dispatchFrom)
            {
                dispatch(rest.Slice(0, size), pos);
            }
            pos += size;
        }
        return seg is null ? new ScanOutcome(pos, 0, null) : EndScan(pos, check, dispatchFrom);
    }

    /// <summary>
    /// True when nothing but zeros follows the record at <paramref name="at"/> (as long as its
    /// header says) to the end of the segment: the segment was never finished on disk (its end,
    /// and the filler that closes it, were never synced), which is what a power cut leaves, a
    /// write torn at a sector boundary included. The next segment is only synced after this one,
    /// so its records were never acknowledged either. Damage to synced data leaves this
    /// segment's later records, or its filler, in place instead.
    /// </summary>
    private static bool IsUnsyncedTail(MappedSegment seg, long at)
    {
        int size = at + 4 <= seg.Size ? MessageRecordLayout.ReadTotalSize(seg.Span(at, 4)) : 0;
        long from = size > 0 && size <= seg.Size - at ? at + size : at;
        for (long p = from; p < seg.Size; p += 1 << 20)
        {
            if (seg.Span(p, (int)Math.Min(1 << 20, seg.Size - p)).IndexOfAnyExcept((byte)0) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    private ScanOutcome EndScan(long pos, RecordCheck check, long checkpoint)
    {
        MappedSegment seg = _file.Find(pos)!;
        MappedSegment? next = _file.Find(seg.EndOffset);
        bool laterData = next is not null
            && MessageRecordLayout.Check(next.Span(0, (int)next.Size), next.StartOffset, _maxRecordSize, out _) is RecordCheck.Valid or RecordCheck.Blank
            && !IsUnsyncedTail(seg, pos - seg.StartOffset);
        if (laterData || (check == RecordCheck.Corrupt && pos < checkpoint))
        {
            string what = $"commit log damaged at offset {pos} in {seg.Path} ({check}) with acknowledged data after it; "
                + "the store opens read-only and serves data up to that offset";
            _logger.LogError("Store corruption: {What}", what);
            return new ScanOutcome(pos, 0, what);
        }
        long end = _file.Last!.EndOffset;
        long dropped = check == RecordCheck.Empty ? 0 : seg.EndOffset - pos;
        if (check == RecordCheck.Corrupt)
        {
            _logger.LogWarning("Torn or garbage tail at commit-log offset {Offset} in {Path}: truncated ({Segments} later segment(s) removed)",
                pos, seg.Path, (end - seg.EndOffset) / _file.SegmentSize);
        }
        _file.TruncateTo(pos);
        return new ScanOutcome(pos, dropped, null);
    }
}
