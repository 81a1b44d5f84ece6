using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>Limits an operator may change while the store runs, and the removal of consume queues nobody can read any more.</summary>
public sealed partial class MessageStore
{
    // Zero means "as in the settings"; written by ChangeLimits, read by retention and the disk check.
    private long _fileReservedTicks;
    private double _diskWatermarkRatio;

    /// <summary>Retention in force: <see cref="StoreSettings.FileReservedTime"/> unless changed at run time.</summary>
    public TimeSpan FileReservedTime
    {
        get
        {
            long ticks = Interlocked.Read(ref _fileReservedTicks);
            return ticks > 0 ? new TimeSpan(ticks) : _settings.FileReservedTime;
        }
    }

    /// <summary>Disk watermark in force: <see cref="StoreSettings.DiskWatermarkRatio"/> unless changed at run time.</summary>
    public double DiskWatermarkRatio
    {
        get
        {
            double ratio = Volatile.Read(ref _diskWatermarkRatio);
            return ratio > 0 ? ratio : _settings.DiskWatermarkRatio;
        }
    }

    /// <summary>
    /// Changes retention and the disk watermark while the store runs (null keeps one as it is).
    /// The watermark is checked again at once, so appends are refused or accepted from the next
    /// one on; retention applies from the next deletion pass. Not persisted: a reopened store
    /// starts from its settings.
    /// </summary>
    public void ChangeLimits(TimeSpan? fileReservedTime, double? diskWatermarkRatio)
    {
        if (fileReservedTime is { } reserved)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(reserved, TimeSpan.Zero, nameof(fileReservedTime));
            Interlocked.Exchange(ref _fileReservedTicks, reserved.Ticks);
        }

        if (diskWatermarkRatio is { } ratio)
        {
            if (ratio is <= 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(diskWatermarkRatio), ratio, "must be in (0, 1]");
            }

            Volatile.Write(ref _diskWatermarkRatio, ratio);
            RefreshDiskUsage();
        }
    }

    /// <summary>
    /// Removes every consume queue of a topic <paramref name="isTopicKept"/> rejects (files and
    /// directory; a later append starts the queue again at offset 0), and trims the other queues'
    /// files whose entries all point below the commit log's first offset. A kept queue keeps its
    /// last file, so its offsets go on where they were. Then records a checkpoint, so recovery does
    /// not rebuild a removed queue from records written before it. Writer only (the store actor):
    /// readers that still hold a removed queue see it empty. Returns the queues removed.
    /// </summary>
    public int CleanConsumeQueues(Func<string, bool> isTopicKept)
    {
        ArgumentNullException.ThrowIfNull(isTopicKept);
        int removed = 0;
        lock (_writeLock)
        {
            lock (_checkpointLock)
            {
                long min = _log.MinOffset;
                foreach (var (key, queue) in _queues)
                {
                    if (isTopicKept(key.Topic))
                    {
                        queue.DeleteBefore(min);
                    }
                    else if (_queues.TryRemove(key, out _))
                    {
                        queue.Destroy();
                        removed++;
                        _logger.LogInformation("Consume queue {Topic}/{Queue} removed: its topic no longer exists", key.Topic, key.QueueId);
                    }
                }
            }
        }

        Checkpoint();
        return removed;
    }
}
