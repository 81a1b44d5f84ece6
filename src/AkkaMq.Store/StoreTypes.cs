namespace AkkaMq.Store;

/// <summary>Expected outcomes of an append; anything else is an exception (a bug or corruption).</summary>
public enum AppendStatus
{
    Ok = 0,
    /// <summary>
    /// Body larger than <see cref="StoreSettings.MaxMessageSize"/>, record larger than
    /// <see cref="StoreSettings.MaxRecordSize"/>, or a topic/properties field too long.
    /// </summary>
    MessageTooLarge,
    /// <summary>The store's disk is above <see cref="StoreSettings.DiskWatermarkRatio"/>; reads go on.</summary>
    AboveDiskWatermark,
    /// <summary>A new segment could not be created (no space); earlier data stays readable.</summary>
    DiskFull,
    /// <summary>The store is closed or read-only (corruption found at start-up).</summary>
    ServiceNotAvailable,
    /// <summary>Topic empty or queue id negative.</summary>
    InvalidMessage,
    /// <summary>This store is a replica (<see cref="MessageStore.AcceptsLocalAppends"/> is false): only replicated records are written.</summary>
    NotMaster,
    /// <summary>The store met a fatal disk error (<see cref="MessageStore.FatalError"/>): it takes no more appends, reads go on.</summary>
    StoreFailed,
}

/// <summary>Per-record result of an append.</summary>
public readonly record struct AppendResult(
    AppendStatus Status,
    long CommitLogOffset,
    long QueueOffset,
    int StoredSize,
    long StoreTimestamp)
{
    public bool IsOk => Status == AppendStatus.Ok;

    public static AppendResult Failed(AppendStatus status) => new(status, -1, -1, 0, 0);
}

/// <summary>One consume-queue entry: where the record is and its tag hash.</summary>
public readonly record struct QueueEntry(long QueueOffset, long CommitLogOffset, int Size, long TagsCode);

/// <summary>Outcome of reading a consume queue: entries copied and the queue offset to continue from.</summary>
public readonly record struct QueueReadResult(int Count, long NextQueueOffset);

/// <summary>Outcome of appending replicated bytes.</summary>
public enum ReplicaAppendStatus
{
    Ok = 0,
    /// <summary>expectedStartOffset is not this log's end offset.</summary>
    OffsetMismatch,
    /// <summary>The bytes do not parse as whole, valid records (bad magic, size, CRC or physical offset).</summary>
    InvalidRecords,
    AboveDiskWatermark,
    DiskFull,
    ServiceNotAvailable,
}

/// <summary>Thrown when store files are damaged or foreign in a way the store cannot work around.</summary>
public sealed class StoreCorruptedException(string message) : Exception(message);
