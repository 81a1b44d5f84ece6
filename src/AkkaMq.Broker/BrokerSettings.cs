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

/// <summary><c>akkamq.broker.replication</c> (a single node ignores it for now).</summary>
public sealed record ReplicationSettings(
    ReplicationMode Mode,
    [property: Range(1, 16)] int MinInSyncReplicas);
