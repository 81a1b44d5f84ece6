using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>Recovery, checkpoint, truncation, retention and the background loop.</summary>
public sealed partial class MessageStore
{
    private readonly Dictionary<long, long> _segmentLastStoreTime = new();
    private static readonly TimeSpan RetentionInterval = TimeSpan.FromSeconds(10);

    private Thread? _background;
    private ITimer? _passTimer;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile bool _stopping;
    private Deadline _checkpointDue;
    private Deadline _retentionDue;
    private long _maintenancePasses;

    /// <summary>Passes of the background loop completed so far; the next one is due a FlushInterval after the last (on the store's clock).</summary>
    internal long MaintenancePasses => Interlocked.Read(ref _maintenancePasses);

    /// <summary>
    /// Rewinds log, consume queues, index and epoch table to <paramref name="commitLogOffset"/>
    /// (a record boundary at or below the end; replication truncates what was never replicated).
    /// </summary>
    public void TruncateTo(long commitLogOffset)
    {
        lock (_writeLock)
        {
            if (commitLogOffset > _log.MaxOffset || commitLogOffset < _log.MinOffset || !IsRecordBoundary(commitLogOffset))
            {
                throw new ArgumentOutOfRangeException(nameof(commitLogOffset),
                    $"{commitLogOffset} is not a record boundary in [{_log.MinOffset}, {_log.MaxOffset}].");
            }
            lock (_checkpointLock)
            {
                TruncateDerived(commitLogOffset);
                _log.TruncateTo(commitLogOffset);
                Epochs.TruncateFrom(commitLogOffset);
                Volatile.Write(ref _dispatchedOffset, commitLogOffset);
                _checkpoint.Save(Math.Min(_checkpoint.DispatchedOffset, commitLogOffset), commitLogOffset, Now());
                foreach (long start in _segmentLastStoreTime.Keys.Where(k => k + _settings.CommitLogSegmentSize > commitLogOffset).ToList())
                {
                    _segmentLastStoreTime.Remove(start);
                }
            }
            _logger.LogWarning("Store truncated to commit-log offset {Offset}", commitLogOffset);
        }
    }

    /// <summary>
    /// Retention: deletes whole commit-log segments (never the active one) whose newest record
    /// is older than FileReservedTime, then the consume-queue and index files that only point
    /// into them. Returns the number of commit-log segments deleted.
    /// </summary>
    public int DeleteExpiredFiles()
    {
        lock (_writeLock)
        {
            long cutoff = Now() - (long)FileReservedTime.TotalMilliseconds;
            IReadOnlyList<MappedSegment> segs = _log.Segments;
            int drop = 0;
            while (drop < segs.Count - 1 && LastStoreTime(segs[drop]) < cutoff)
            {
                _segmentLastStoreTime.Remove(segs[drop].StartOffset);
                drop++;
            }
            if (drop == 0)
            {
                return 0;
            }
            _log.DeleteHead(drop);
            long min = _log.MinOffset;
            foreach (ConsumeQueue q in _queues.Values)
            {
                q.DeleteBefore(min);
            }
            _index.DeleteBefore(min);
            _logger.LogInformation("Retention deleted {Count} commit-log segment(s); log now starts at {Min}", drop, min);
            return drop;
        }
    }

    /// <summary>Flushes commit log, consume queues and index, then records the checkpoint; <paramref name="paced"/> from the background loop (see <see cref="IndexFile.Flush"/>).</summary>
    public void Checkpoint(bool paced = false)
    {
        lock (_checkpointLock)
        {
            long dispatched = Volatile.Read(ref _dispatchedOffset);
            FlushLog();
            foreach (ConsumeQueue q in _queues.Values)
            {
                q.Flush();
            }
            _index.Flush(paced);
            if (dispatched != _checkpoint.DispatchedOffset)
            {
                _checkpoint.Save(dispatched, _log.FlushedOffset, Now());
            }
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Recover()
    {
        var sw = Stopwatch.StartNew();
        Epochs.Load();
        long checkpoint = _checkpoint.Load() ? _checkpoint.DispatchedOffset : 0;
        _index.Load();
        LoadQueues();
        TruncateDerived(checkpoint);
        ScanOutcome outcome = _log.Load(checkpoint, (r, o) => Dispatch(r, o, null));
        if (outcome.ValidEnd < checkpoint)
        {
            TruncateDerived(outcome.ValidEnd);
        }
        foreach (ConsumeQueue q in _queues.Values)
        {
            q.DeleteBefore(_log.MinOffset);
        }
        Corruption = outcome.Corruption;
        if (Corruption is null)
        {
            _log.PrepareNextSegment();
        }
        Epochs.TruncateFrom(outcome.ValidEnd + 1);
        _dispatchedOffset = outcome.ValidEnd;
        RecoveryTime = sw.Elapsed;
        _logger.LogInformation(
            "Store recovered in {Ms} ms: log [{Min}, {Max}), checkpoint {Checkpoint}, {Queues} queue(s), torn tail {Dropped} bytes",
            sw.ElapsedMilliseconds, _log.MinOffset, outcome.ValidEnd, checkpoint, _queues.Count, outcome.DroppedTailBytes);
    }

    private void LoadQueues()
    {
        string root = Path.Combine(_settings.Dir, "consumequeue");
        if (!_device.DirectoryExists(root))
        {
            return;
        }
        foreach (string topicDir in _device.EnumerateDirectories(root))
        {
            string topic = Path.GetFileName(topicDir);
            foreach (string queueDir in _device.EnumerateDirectories(topicDir))
            {
                if (!int.TryParse(Path.GetFileName(queueDir), NumberStyles.None, CultureInfo.InvariantCulture, out int queueId))
                {
                    _logger.LogWarning("Ignoring {Path}: not a consume-queue directory; left untouched", queueDir);
                    continue;
                }
                var cq = new ConsumeQueue(topic, queueId, queueDir, _settings.ConsumeQueueEntriesPerFile, _logger, _device);
                cq.Load(0);
                _queues[new QueueKey(topic, queueId)] = cq;
            }
        }
    }

    private void TruncateDerived(long commitLogOffset)
    {
        foreach (ConsumeQueue q in _queues.Values)
        {
            q.TruncateFrom(commitLogOffset);
        }
        _index.TruncateFrom(commitLogOffset);
    }

    private bool IsRecordBoundary(long offset)
    {
        if (offset == _log.MaxOffset || offset % _settings.CommitLogSegmentSize == 0)
        {
            return true;
        }
        long pos = offset - (offset % _settings.CommitLogSegmentSize);
        pos = Math.Max(pos, _log.MinOffset);
        while (pos < offset && _log.TryAcquire(pos, MessageRecordLayout.BlankSize) is { } seg)
        {
            int size = MessageRecordLayout.ReadTotalSize(seg.Span(pos - seg.StartOffset, 4));
            seg.Release();
            if (size <= 0)
            {
                return false;
            }
            pos += size;
        }
        return pos == offset;
    }

    private long LastStoreTime(MappedSegment seg)
    {
        if (_segmentLastStoreTime.TryGetValue(seg.StartOffset, out long ts))
        {
            return ts;
        }
        ts = long.MinValue;
        long pos = 0;
        while (pos + MessageRecordLayout.FixedSize <= seg.Size)
        {
            ReadOnlySpan<byte> r = seg.Span(pos, MessageRecordLayout.FixedSize);
            int size = MessageRecordLayout.ReadTotalSize(r);
            if (size <= 0 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(r.Slice(4)) != MessageRecordLayout.MessageMagic)
            {
                break;
            }
            ts = MessageRecordLayout.ReadStoreTimestamp(r);
            pos += size;
        }
        _segmentLastStoreTime[seg.StartOffset] = ts;
        return ts;
    }

    private void StartBackground()
    {
        // Periods run on the store's clock from here, before the thread starts, so a test clock moved right after Open counts from Open.
        _checkpointDue = new Deadline(_time, _settings.CheckpointInterval);
        _retentionDue = new Deadline(_time, RetentionInterval);
        _passTimer = _time.CreateTimer(static state => ((SemaphoreSlim)state!).Release(), _wake, _settings.FlushInterval, Timeout.InfiniteTimeSpan);
        _background = new Thread(BackgroundLoop) { IsBackground = true, Name = "store-flush" };
        _background.Start();
    }

    private void StopBackground()
    {
        _stopping = true;
        _wake.Release();
        _background?.Join();
        _passTimer?.Dispose();
    }

    /// <summary>
    /// A pass one FlushInterval after the previous one ended: async-mode log flush and disk usage;
    /// consume-queue/index flush + checkpoint every CheckpointInterval; retention every 10 s.
    /// </summary>
    private void BackgroundLoop()
    {
        while (true)
        {
            _wake.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                if (_checkpointDue.Passed())
                {
                    Checkpoint(paced: true);
                }
                else if (_settings.FlushMode == FlushMode.Async)
                {
                    FlushLog();
                }

                RefreshDiskUsage();
                if (_retentionDue.Passed())
                {
                    DeleteExpiredFiles();
                }
            }
            catch (IOException e)
            {
                if (FatalError is null)
                {
                    _logger.LogError(e, "Background flush/checkpoint failed; retrying in {Interval}", _settings.FlushInterval);
                    OnBackgroundFailed(e);
                }
            }

            // Armed before the pass counts, so whoever sees the count can move the clock to the next pass.
            _passTimer!.Change(_settings.FlushInterval, Timeout.InfiniteTimeSpan);
            Interlocked.Increment(ref _maintenancePasses);
        }
    }

    /// <summary>A period of the background loop on the store's clock: <see cref="Passed"/> is true once per period and starts the next.</summary>
    private struct Deadline(TimeProvider time, TimeSpan period)
    {
        private long _start = time.GetTimestamp();

        public bool Passed()
        {
            if (time.GetElapsedTime(_start) < period)
            {
                return false;
            }

            _start = time.GetTimestamp();
            return true;
        }
    }
}
