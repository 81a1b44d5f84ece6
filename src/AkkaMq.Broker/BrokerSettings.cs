using System.ComponentModel.DataAnnotations;
using AkkaMq.Hocon;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>When a send is acknowledged in a replicated group (<c>broker.replication.mode</c>).</summary>
public enum ReplicationMode
{
    Sync,
    Async,
}

/// <summary>Everything under <c>akkamq.broker</c>, bound strictly by the node host.</summary>
public sealed record BrokerSettings(
    [property: Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$")] string Group,
    [property: Required] string Listen,
    [property: Required] string Advertise,
    [property: Range(1, 1024)] int DefaultQueuesPerTopic,
    bool AutoCreateTopic,
    StoreSettingsSection Store,
    ReplicationSettings Replication,
    Transactions.TransactionSettings? Transaction = null,
    bool AutoCreateSubscriptionGroup = true,
    [property: MinLength(1), MaxLength(DelayLevels.ScheduleQueues)] IReadOnlyList<TimeSpan>? MessageDelayLevels = null,
    bool EnablePropertyFilter = true,
    SendQueueSettings? SendQueue = null,
    [property: Range(0L, long.MaxValue)] long BrokerId = 0);

/// <summary><c>akkamq.broker.store</c>.</summary>
/// <param name="MaxMessageSize">
/// Largest message body (RocketMQ maxMessageSize), and largest encoded batch body; a stored
/// record may be 64 KiB larger (<see cref="StoreSettings.MaxRecordSize"/>).
/// </param>
public sealed record StoreSettingsSection(
    [property: Required] string Dir,
    ByteSize CommitlogSegmentSize,
    FlushMode Flush,
    TimeSpan FlushInterval,
    TimeSpan FileReservedTime,
    [property: Range(1, 99)] int DiskWatermarkPercent,
    ByteSize MaxMessageSize,
    TimeSpan? CheckpointInterval = null)
{
    /// <summary>The store's own settings for this section.</summary>
    public StoreSettings ToStoreSettings() => new()
    {
        Dir = Dir,
        CommitLogSegmentSize = CommitlogSegmentSize.Bytes,
        FlushMode = Flush,
        FlushInterval = FlushInterval,
        CheckpointInterval = CheckpointInterval ?? StoreSettings.DefaultCheckpointInterval,
        FileReservedTime = FileReservedTime,
        DiskWatermarkRatio = DiskWatermarkPercent / 100.0,
        MaxMessageSize = checked((int)MaxMessageSize.Bytes),
    };
}

/// <summary>
/// <c>akkamq.broker.replication</c>: how sends are acknowledged in a replicated group, and the
/// commit-log replication stream between the group's master and followers (its own TCP listener,
/// <see cref="Listen"/>/<see cref="Advertise"/>; see Replication.ReplicationProtocol). A node that is
/// not part of a replicated group does not start the stream.
/// </summary>
/// <param name="Listen">Replication listener, host:port (default 0.0.0.0:10912).</param>
/// <param name="Advertise">The address followers connect to, host:port (default 127.0.0.1:10912).</param>
/// <param name="MaxBatchSize">Largest FETCH answer body (default 1m); one larger record still travels alone.</param>
/// <param name="FetchWait">How long the master holds a FETCH with nothing new (default 500ms).</param>
/// <param name="MaxLagTime">A follower not caught up for this long leaves the in-sync set (default 5s).</param>
/// <param name="AckTimeout">How long a sync-mode send waits for its replicas before FLUSH_SLAVE_TIMEOUT (default 5s).</param>
/// <param name="AsyncBatchDelay">Async mode: how long the master gathers records for a FETCH that found only a little (default 2ms; 0 answers at once).</param>
public sealed record ReplicationSettings(
    ReplicationMode Mode,
    [property: Range(1, 16)] int MinInSyncReplicas,
    string Listen = "0.0.0.0:10912",
    string Advertise = "127.0.0.1:10912",
    ByteSize? MaxBatchSize = null,
    TimeSpan? FetchWait = null,
    TimeSpan? MaxLagTime = null,
    TimeSpan? AckTimeout = null,
    TimeSpan? AsyncBatchDelay = null)
{
    /// <summary><see cref="AsyncBatchDelay"/>, 2 ms when unset.</summary>
    public TimeSpan AsyncBatchDelayOrDefault => AsyncBatchDelay ?? TimeSpan.FromMilliseconds(2);

    /// <summary><see cref="MaxLagTime"/>, 5 s when unset.</summary>
    public TimeSpan MaxLagTimeOrDefault => MaxLagTime ?? TimeSpan.FromSeconds(5);

    /// <summary><see cref="AckTimeout"/>, 5 s when unset.</summary>
    public TimeSpan AckTimeoutOrDefault => AckTimeout ?? TimeSpan.FromSeconds(5);

    /// <summary><see cref="MaxBatchSize"/> in bytes (1 MiB when unset).</summary>
    public int MaxBatchBytes => MaxBatchSize is { } b ? checked((int)b.Bytes) : 1024 * 1024;

    /// <summary><see cref="FetchWait"/>, 500 ms when unset.</summary>
    public TimeSpan FetchWaitOrDefault => FetchWait ?? TimeSpan.FromMilliseconds(500);
}
