using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Store;

/// <summary>
/// Commit log + consume queues + index + checkpoint + epoch table in one directory.
/// <para>Threading: appends, truncation and retention are meant for one owner (the store actor)
/// and are additionally serialised by an internal lock, so a stray second caller is safe but
/// gains nothing. Reads (<c>TryGetMessage</c>, consume-queue reads, queries) run on any thread,
/// take no lock, never wait for the writer and see only whole, published records.</para>
/// </summary>
public sealed partial class MessageStore : IDisposable
{
    private readonly StoreSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, double> _diskUsage;
    private readonly object _writeLock = new();
    private readonly object _checkpointLock = new();
    private readonly ConcurrentDictionary<QueueKey, ConsumeQueue> _queues = new();
    private readonly CommitLog _log;
    private readonly IndexService _index;
    private readonly StoreCheckpoint _checkpoint;
    private readonly StoreDevice _device;
    private readonly IDisposable _lock;
    private ConsumeQueue?[] _batchQueues = new ConsumeQueue?[64];
    private long _dispatchedOffset;
    private volatile bool _aboveWatermark;
    private volatile bool _closed;
    private long _flushCount;
    private long _appendedRecords;

    private MessageStore(StoreSettings settings, ILogger logger, TimeProvider time, Func<string, double> diskUsage)
    {
        _settings = settings;
        _logger = logger;
        _time = time;
        _diskUsage = diskUsage;
        _device = settings.Device;
        _device.CreateDirectoryDurably(settings.Dir);
        _lock = _device.Lock(settings.Dir);
        // Both flush modes write with pwrite from a staging buffer (on Linux). Writing async mode
        // through the mapping instead cost more end to end: each first write to a page faults it
        // in (zero-filled, with readahead), which showed as a third of the node's CPU and as 20 ms
        // stalls of the writer; pwrite measured 130k vs 90-104k msgs/s, p99 8.6 vs 22 ms
        // (bench produce, 8 connections, 256 in flight).
        _log = new CommitLog(Path.Combine(settings.Dir, "commitlog"), settings.CommitLogSegmentSize, settings.MaxRecordSize, logger,
            writeByFile: true, prepareNext: settings.FlushMode == FlushMode.GroupCommit, device: _device);
        _log.SegmentCreateFailed = (offset, e) => OnWriteFailed($"creating commit-log segment {offset} in {_log.Directory}", e, alwaysFatal: false);
        _index = new IndexService(Path.Combine(settings.Dir, "index"), settings.IndexHashSlots, settings.IndexEntriesPerFile, logger, _device);
        _checkpoint = new StoreCheckpoint(settings.Dir, _device);
        Epochs = new EpochTable(settings.Dir, _device);
    }

    public StoreSettings Settings => _settings;

    /// <summary>Epoch → first commit-log offset, kept with the log (replication).</summary>
    public EpochTable Epochs { get; }

    /// <summary>Set when start-up found damage before the tail; the store is then read-only.</summary>
    public string? Corruption { get; private set; }

    /// <summary>Time the last start-up recovery took.</summary>
    public TimeSpan RecoveryTime { get; private set; }

    /// <summary>Commit-log flushes (msync calls covering appended data) so far.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>Records appended so far in this process.</summary>
    public long AppendedRecords => Interlocked.Read(ref _appendedRecords);

    public long MaxPhysicalOffset => _log.MaxOffset;

    /// <summary>Background zero fills of a next commit-log segment started so far (group commit only).</summary>
    internal int SegmentPreparationsStarted => _log.PreparationsStarted;

    /// <summary>Start of the next commit-log segment when it is zero-filled and ready to take, else null.</summary>
    internal long? ReadyPreparedSegment => _log.ReadyPreparedOffset;

    /// <summary>Commit-log segments taken ready-made rather than allocated at the roll.</summary>
    internal int PreparedSegmentsUsed => _log.PreparedSegmentsUsed;

    public long MinPhysicalOffset => _log.MinOffset;

    /// <summary>Opens the store: recovery from the checkpoint, then the background flush/checkpoint loop starts.</summary>
    /// <param name="diskUsage">Used-space ratio of the disk holding a directory; tests inject one.</param>
    public static MessageStore Open(StoreSettings settings, ILogger? logger = null, TimeProvider? time = null,
        Func<string, double>? diskUsage = null)
    {
        settings.Validate();
        var store = new MessageStore(settings, logger ?? NullLogger.Instance, time ?? TimeProvider.System, diskUsage ?? DiskUsageRatio);
        try
        {
            store.Recover();
            store.RefreshDiskUsage();
            store.StartBackground();
            return store;
        }
        catch (Exception)
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes and appends a batch; <paramref name="results"/>[i] is the outcome of <paramref name="batch"/>[i].
    /// Returns when the batch is durable per <see cref="StoreSettings.FlushMode"/>: after the memory
    /// write (Async: page cache, flushed within FlushInterval) or after one msync covering the whole
    /// batch (GroupCommit). A record that fails with an expected status does not stop the others,
    /// except DiskFull, which fails the rest of the batch.
    /// </summary>
    public void Append(ReadOnlySpan<MessageToStore> batch, Span<AppendResult> results) =>
        AppendCore(batch, results, _settings.FlushMode == FlushMode.GroupCommit);

    /// <summary>
    /// Like <see cref="Append"/> but never flushes: the records are in the page cache only (they
    /// survive a process kill, not a power loss) and already visible to readers. For fronts that
    /// flush separately, overlapping the next batch's memory writes with this one's flush
    /// (the broker's store actor): call <see cref="Flush"/> before acknowledging.
    /// </summary>
    public void AppendWithoutFlush(ReadOnlySpan<MessageToStore> batch, Span<AppendResult> results) =>
        AppendCore(batch, results, flush: false);

    private void AppendCore(ReadOnlySpan<MessageToStore> batch, Span<AppendResult> results, bool flush)
    {
        if (results.Length < batch.Length)
        {
            throw new ArgumentException("results must be at least as long as batch.", nameof(results));
        }
        lock (_writeLock)
        {
            AppendStatus refused = _closed || Corruption is not null ? AppendStatus.ServiceNotAvailable
                : FatalError is not null ? AppendStatus.StoreFailed
                : !_acceptsLocalAppends ? AppendStatus.NotMaster
                : _aboveWatermark ? AppendStatus.AboveDiskWatermark : AppendStatus.Ok;
            if (refused != AppendStatus.Ok)
            {
                results.Slice(0, batch.Length).Fill(AppendResult.Failed(refused));
                return;
            }
            if (_batchQueues.Length < batch.Length)
            {
                _batchQueues = new ConsumeQueue?[Math.Max(batch.Length, _batchQueues.Length * 2)];
            }
            long start = _log.MaxOffset;
            try
            {
                WriteRecords(batch, results);
                _log.Publish();
            }
            catch (IOException e)
            {
                OnWriteFailed($"commit-log write in {_log.Directory}", e, alwaysFatal: true);
                throw;
            }
            if (flush)
            {
                FlushLog();
            }
            DispatchBatch(batch.Length, results);
            Volatile.Write(ref _dispatchedOffset, _log.MaxOffset);
            Interlocked.Add(ref _appendedRecords, batch.Length);
            Debug.Assert(_log.MaxOffset >= start);
        }
    }

    /// <summary>Starts a new epoch at the current end of the log (replication).</summary>
    public void StartEpoch(int epoch)
    {
        lock (_writeLock)
        {
            Epochs.Add(epoch, _log.MaxOffset);
        }
    }

    /// <summary>msync of everything appended so far (commit log only); thread-safe, does not block appends.</summary>
    public void Flush() => FlushLog();

    /// <summary>Re-reads the disk usage and updates the watermark flag (the background loop does this every FlushInterval).</summary>
    public void RefreshDiskUsage()
    {
        double used = _diskUsage(_settings.Dir);
        double watermark = DiskWatermarkRatio;
        bool above = used > watermark;
        if (above != _aboveWatermark)
        {
            if (above)
            {
                _logger.LogError("Disk of {Dir} is {Used:P1} full, above the {Mark:P0} watermark: appends refused, reads go on",
                    _settings.Dir, used, watermark);
            }
            else
            {
                _logger.LogInformation("Disk of {Dir} back under the watermark ({Used:P1}): appends accepted", _settings.Dir, used);
            }
        }
        _aboveWatermark = above;
    }

    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        StopBackground();
        lock (_writeLock)
        {
            _closed = true;
            try
            {
                Checkpoint();
            }
            catch (IOException e)
            {
                _logger.LogError(e, "Final checkpoint failed; the next start recovers from the previous one");
            }
            foreach (ConsumeQueue q in _queues.Values)
            {
                q.Dispose();
            }
            _index.Dispose();
            _log.Dispose();
            _lock.Dispose();
        }
    }

    private static double DiskUsageRatio(string dir)
    {
        var drive = new DriveInfo(Path.GetFullPath(dir));
        return drive.TotalSize == 0 ? 0 : 1.0 - ((double)drive.AvailableFreeSpace / drive.TotalSize);
    }

    private void WriteRecords(ReadOnlySpan<MessageToStore> batch, Span<AppendResult> results)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        int i = 0;
        for (; i < batch.Length; i++)
        {
            ref readonly MessageToStore m = ref batch[i];
            _batchQueues[i] = null;
            AppendStatus status = Measure(m, out int topicBytes, out int propsBytes, out int size);
            ConsumeQueue? cq = status == AppendStatus.Ok ? GetOrCreateQueue(m.Topic, m.QueueId) : null;
            if (status != AppendStatus.Ok || cq is null)
            {
                results[i] = AppendResult.Failed(status == AppendStatus.Ok ? AppendStatus.InvalidMessage : status);
                continue;
            }
            if (_log.Reserve(size, out long offset, out Span<byte> dest) is null)
            {
                break;
            }
            long queueOffset = MessageRecordLayout.EntersConsumeQueue(m.SysFlag) ? cq.AssignOffset() : 0;
            MessageRecordLayout.Encode(dest, m, topicBytes, propsBytes, offset, queueOffset, now);
            _batchQueues[i] = cq;
            results[i] = new AppendResult(AppendStatus.Ok, offset, queueOffset, size, now);
        }
        for (; i < batch.Length; i++)
        {
            _batchQueues[i] = null;
            results[i] = AppendResult.Failed(AppendStatus.DiskFull);
        }
    }

    private AppendStatus Measure(in MessageToStore m, out int topicBytes, out int propsBytes, out int size)
    {
        topicBytes = propsBytes = size = 0;
        if (string.IsNullOrEmpty(m.Topic) || m.QueueId < 0)
        {
            return AppendStatus.InvalidMessage;
        }
        topicBytes = Encoding.UTF8.GetByteCount(m.Topic);
        propsBytes = m.Properties is null ? 0 : Encoding.UTF8.GetByteCount(m.Properties);
        size = MessageRecordLayout.CalcSize(m.Body.Length, topicBytes, propsBytes);
        // RocketMQ's checks: topic and properties fit their length fields, the body is within
        // maxMessageSize, and the whole record within maxMessageSize + 64 KiB.
        return topicBytes > MessageRecordLayout.MaxTopicLength || propsBytes > MessageRecordLayout.MaxPropertiesLength
            || m.Body.Length > _settings.MaxMessageSize || size > _settings.MaxRecordSize ? AppendStatus.MessageTooLarge : AppendStatus.Ok;
    }

    private void DispatchBatch(int count, ReadOnlySpan<AppendResult> results)
    {
        for (int i = 0; i < count; i++)
        {
            ConsumeQueue? cq = _batchQueues[i];
            if (cq is null)
            {
                continue;
            }
            _batchQueues[i] = null;
            AppendResult r = results[i];
            MappedSegment seg = _log.TryAcquire(r.CommitLogOffset, r.StoredSize)!;
            Dispatch(seg.Span(r.CommitLogOffset - seg.StartOffset, r.StoredSize), r.CommitLogOffset, cq);
            seg.Release();
        }
    }

    /// <summary>Consume-queue entry and index keys for one published record (appends, replication, recovery).</summary>
    private void Dispatch(ReadOnlySpan<byte> record, long offset, ConsumeQueue? cq)
    {
        int sysFlag = MessageRecordLayout.ReadSysFlag(record);
        ReadOnlySpan<byte> props = MessageRecordLayout.Properties(record);
        if (MessageRecordLayout.EntersConsumeQueue(sysFlag))
        {
            cq ??= GetOrCreateQueue(Encoding.UTF8.GetString(MessageRecordLayout.Topic(record)), MessageRecordLayout.ReadQueueId(record));
            if (cq is null || !cq.Put(MessageRecordLayout.ReadQueueOffset(record), offset, record.Length, PropertyString.TagsCode(props)))
            {
                _logger.LogError("Record at {Offset} has no consume-queue entry (invalid topic or disk full)", offset);
            }
        }
        if ((props.IndexOf(PropertyString.KeysKey) >= 0 || props.IndexOf(PropertyString.UniqueKey) >= 0) && !_index.Add(record, offset))
        {
            _logger.LogError("Record at {Offset} not fully indexed", offset);
        }
    }

    private ConsumeQueue? GetOrCreateQueue(string topic, int queueId)
    {
        var key = new QueueKey(topic, queueId);
        if (_queues.TryGetValue(key, out ConsumeQueue? cq))
        {
            return cq;
        }
        if (!IsSafeTopicName(topic) || queueId < 0)
        {
            return null;
        }
        cq = new ConsumeQueue(topic, queueId, QueueDir(topic, queueId), _settings.ConsumeQueueEntriesPerFile, _logger, _device);
        cq.Load(_log.MinOffset);
        _queues[key] = cq;
        return cq;
    }

    private string QueueDir(string topic, int queueId) =>
        Path.Combine(_settings.Dir, "consumequeue", topic, queueId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static bool IsSafeTopicName(string topic) =>
        topic is not ("." or "..") && topic.AsSpan().IndexOfAny(['/', '\\', '\0']) < 0;

    private readonly record struct QueueKey(string Topic, int QueueId);
}
