using System.Buffers;
using System.Buffers.Binary;

namespace AkkaMq.Store;

/// <summary>Why a read of raw log bytes for a replica returned nothing.</summary>
public enum LogChunkStatus
{
    /// <summary>Bytes were read (or none yet: the offset is the end of the log).</summary>
    Ok = 0,
    /// <summary>The offset lies below the first segment still kept (retention deleted it).</summary>
    BelowMinOffset,
    /// <summary>The offset lies beyond the end of the log.</summary>
    BeyondEnd,
    /// <summary>No record starts at the offset.</summary>
    NotRecordBoundary,
}

/// <summary>
/// Outcome of <see cref="MessageStore.ReadLogChunk"/>: <paramref name="Length"/> bytes were written
/// to the output; the replica continues at <paramref name="NextOffset"/> (past a segment's blank
/// filler, of which only the 8-byte header is shipped, NextOffset is the next segment's start).
/// </summary>
public readonly record struct LogChunk(LogChunkStatus Status, int Length, long NextOffset);

/// <summary>Reading the log for replicas, the local-append fence and the start of a replica's log.</summary>
public sealed partial class MessageStore
{
    private volatile bool _acceptsLocalAppends = true;

    /// <summary>
    /// False on a follower: <see cref="Append"/> and <see cref="AppendWithoutFlush"/> then fail every
    /// record with <see cref="AppendStatus.NotMaster"/> and only <see cref="AppendReplicated(ReadOnlySpan{byte}, long)"/>
    /// writes, so the log stays byte-identical to the master's. Default true.
    /// </summary>
    public bool AcceptsLocalAppends
    {
        get => _acceptsLocalAppends;
        set => _acceptsLocalAppends = value;
    }

    /// <summary>
    /// Copies whole published records starting at the record boundary <paramref name="offset"/> into
    /// <paramref name="output"/>: at most <paramref name="maxBytes"/> bytes (but always the first
    /// record, whatever its size), never past the end of the segment holding <paramref name="offset"/>
    /// (a blank filler is shipped as its 8-byte header and ends the chunk) and never past
    /// <paramref name="limitOffset"/> (the start of the next epoch, so a chunk never spans epochs).
    /// Runs beside the writer without taking its lock.
    /// </summary>
    public LogChunk ReadLogChunk(long offset, int maxBytes, long limitOffset, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        long end = _log.MaxOffset;
        if (offset > end)
        {
            return new LogChunk(LogChunkStatus.BeyondEnd, 0, offset);
        }
        if (offset < _log.MinOffset)
        {
            return new LogChunk(LogChunkStatus.BelowMinOffset, 0, offset);
        }
        limitOffset = Math.Min(limitOffset, end);
        if (offset >= limitOffset)
        {
            return new LogChunk(LogChunkStatus.Ok, 0, offset);
        }
        MappedSegment? seg = _log.TryAcquire(offset, MessageRecordLayout.BlankSize);
        if (seg is null)
        {
            return new LogChunk(offset % _settings.CommitLogSegmentSize == 0 ? LogChunkStatus.Ok : LogChunkStatus.NotRecordBoundary, 0, offset);
        }
        try
        {
            return CopyRecords(seg, offset, maxBytes, limitOffset, output);
        }
        finally
        {
            seg.Release();
        }
    }

    /// <summary>The end of the commit log as last made durable (msync).</summary>
    public long FlushedPhysicalOffset => _log.FlushedOffset;

    private LogChunk CopyRecords(MappedSegment seg, long offset, int maxBytes, long limitOffset, IBufferWriter<byte> output)
    {
        long pos = offset;
        int written = 0;
        while (pos + MessageRecordLayout.BlankSize <= Math.Min(limitOffset, seg.EndOffset))
        {
            ReadOnlySpan<byte> head = seg.Span(pos - seg.StartOffset, MessageRecordLayout.BlankSize);
            int size = MessageRecordLayout.ReadTotalSize(head);
            int magic = BinaryPrimitives.ReadInt32BigEndian(head.Slice(4));
            if (magic == MessageRecordLayout.BlankMagic && size == seg.EndOffset - pos)
            {
                head.CopyTo(output.GetSpan(head.Length));
                output.Advance(head.Length);
                return new LogChunk(LogChunkStatus.Ok, written + head.Length, seg.EndOffset);
            }
            if (magic != MessageRecordLayout.MessageMagic || size < MessageRecordLayout.FixedSize || pos + size > seg.EndOffset)
            {
                return new LogChunk(written == 0 ? LogChunkStatus.NotRecordBoundary : LogChunkStatus.Ok, written, pos);
            }
            if (pos + size > limitOffset || (written > 0 && written + size > maxBytes))
            {
                break;
            }
            seg.Span(pos - seg.StartOffset, size).CopyTo(output.GetSpan(size));
            output.Advance(size);
            written += size;
            pos += size;
        }
        return new LogChunk(LogChunkStatus.Ok, written, pos);
    }

    /// <summary>
    /// Starts an empty log at <paramref name="offset"/> (a segment start): a replica whose master's log
    /// begins above 0 because retention deleted older segments. Survives a restart. Throws when the
    /// log holds any segment or the offset is not a multiple of the segment size. The epoch table is
    /// cleared (an empty log holds no epoch).
    /// </summary>
    public void StartAt(long offset)
    {
        if (offset < 0 || offset % _settings.CommitLogSegmentSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"{offset} is not a commit-log segment start (segment size {_settings.CommitLogSegmentSize}).");
        }
        lock (_writeLock)
        {
            if (_log.Segments.Count != 0)
            {
                throw new InvalidOperationException($"The commit log is not empty (it spans [{_log.MinOffset}, {_log.MaxOffset})); truncate it first.");
            }
            lock (_checkpointLock)
            {
                _log.TruncateTo(offset);
                // An empty log holds no epoch: the first replicated records record theirs.
                Epochs.TruncateFrom(long.MinValue);
                Volatile.Write(ref _dispatchedOffset, offset);
                _checkpoint.Save(offset, offset, Now());
            }
        }
    }

    /// <summary>
    /// <see cref="AppendReplicated(ReadOnlySpan{byte}, long)"/> for records the master wrote in
    /// <paramref name="masterEpoch"/> (its epoch and the offset the master started it at): when it is
    /// not this log's newest epoch, it is recorded first, so a later rejoin can compare epoch tables.
    /// An epoch older than the newest recorded one, or starting after the records, is refused as
    /// <see cref="ReplicaAppendStatus.InvalidRecords"/> and nothing is written.
    /// </summary>
    public ReplicaAppendStatus AppendReplicated(ReadOnlySpan<byte> records, long expectedStartOffset, EpochEntry masterEpoch)
    {
        lock (_writeLock)
        {
            EpochEntry? last = Epochs.Last;
            if (last is { } l && (masterEpoch.Epoch < l.Epoch || (masterEpoch.Epoch > l.Epoch && masterEpoch.StartOffset < l.StartOffset)))
            {
                return ReplicaAppendStatus.InvalidRecords;
            }
            if (masterEpoch.StartOffset > expectedStartOffset)
            {
                return ReplicaAppendStatus.InvalidRecords;
            }
            if (last?.Epoch != masterEpoch.Epoch && expectedStartOffset == _log.MaxOffset && records.Length > 0)
            {
                Epochs.Add(masterEpoch.Epoch, Math.Max(masterEpoch.StartOffset, _log.MinOffset));
            }
            return AppendReplicated(records, expectedStartOffset);
        }
    }
}
