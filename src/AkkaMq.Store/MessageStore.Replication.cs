namespace AkkaMq.Store;

/// <summary>Appending records copied verbatim from a master.</summary>
public sealed partial class MessageStore
{
    /// <summary>
    /// Appends whole stored records (as read from a master's log, blank fillers included) at
    /// <paramref name="expectedStartOffset"/>, which must be this log's end. Every record's magic,
    /// size, physical offset and CRC is checked before anything is written; then the bytes are
    /// written unchanged (same segment size as the master required), made durable per the flush
    /// mode, and consume queues and index are rebuilt from them.
    /// </summary>
    public ReplicaAppendStatus AppendReplicated(ReadOnlySpan<byte> records, long expectedStartOffset)
    {
        lock (_writeLock)
        {
            if (_closed || Corruption is not null || FatalError is not null)
            {
                return ReplicaAppendStatus.ServiceNotAvailable;
            }
            if (_aboveWatermark)
            {
                return ReplicaAppendStatus.AboveDiskWatermark;
            }
            if (expectedStartOffset != _log.MaxOffset)
            {
                return ReplicaAppendStatus.OffsetMismatch;
            }
            if (!ValidateReplicated(records, expectedStartOffset))
            {
                return ReplicaAppendStatus.InvalidRecords;
            }
            ReplicaAppendStatus status;
            try
            {
                status = WriteReplicated(records);
                _log.Publish();
            }
            catch (IOException e)
            {
                OnWriteFailed($"replicated commit-log write in {_log.Directory}", e, alwaysFatal: true);
                throw;
            }
            if (_settings.FlushMode == FlushMode.GroupCommit)
            {
                FlushLog();
            }
            DispatchRange(expectedStartOffset, _log.MaxOffset);
            Volatile.Write(ref _dispatchedOffset, _log.MaxOffset);
            return status;
        }
    }

    private bool ValidateReplicated(ReadOnlySpan<byte> records, long offset)
    {
        long segmentSize = _settings.CommitLogSegmentSize;
        int pos = 0;
        while (pos < records.Length)
        {
            int segLeft = (int)Math.Min(int.MaxValue, segmentSize - (offset % segmentSize));
            ReadOnlySpan<byte> rest = records.Slice(pos);
            ReadOnlySpan<byte> inSegment = rest.Length > segLeft ? rest.Slice(0, segLeft) : rest;
            RecordCheck check = MessageRecordLayout.Check(inSegment, offset, _settings.MaxRecordSize, out int size);
            bool blankHere = rest.Length >= MessageRecordLayout.BlankSize && MessageRecordLayout.ReadTotalSize(rest) == segLeft
                && System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(rest.Slice(4)) == MessageRecordLayout.BlankMagic;
            if (blankHere)
            {
                // A filler's bytes after its 8-byte header are not sent in full by every master; accept header + rest of input.
                pos += (int)Math.Min(segLeft, rest.Length);
                offset += segLeft;
                continue;
            }
            if (check != RecordCheck.Valid || size + MessageRecordLayout.BlankSize > segLeft)
            {
                return false;
            }
            pos += size;
            offset += size;
        }
        return true;
    }

    private ReplicaAppendStatus WriteReplicated(ReadOnlySpan<byte> records)
    {
        int pos = 0;
        while (pos < records.Length)
        {
            ReadOnlySpan<byte> rest = records.Slice(pos);
            int size = MessageRecordLayout.ReadTotalSize(rest);
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(rest.Slice(4)) == MessageRecordLayout.BlankMagic)
            {
                _log.CloseSegment();
                pos += Math.Min(size, rest.Length);
                continue;
            }
            if (_log.Reserve(size, out _, out Span<byte> dest) is null)
            {
                return ReplicaAppendStatus.DiskFull;
            }
            rest.Slice(0, size).CopyTo(dest);
            pos += size;
        }
        return ReplicaAppendStatus.Ok;
    }

    /// <summary>Builds consume-queue entries and index keys for the published records in [from, to).</summary>
    private void DispatchRange(long from, long to)
    {
        long pos = from;
        while (pos < to && _log.TryAcquire(pos, MessageRecordLayout.BlankSize) is { } seg)
        {
            long at = pos - seg.StartOffset;
            int size = MessageRecordLayout.ReadTotalSize(seg.Span(at, 4));
            bool blank = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(seg.Span(at + 4, 4)) == MessageRecordLayout.BlankMagic;
            if (!blank)
            {
                Dispatch(seg.Span(at, size), pos, null);
            }
            seg.Release();
            pos = blank ? seg.EndOffset : pos + size;
        }
    }
}
