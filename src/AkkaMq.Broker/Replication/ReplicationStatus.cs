namespace AkkaMq.Broker.Replication;

/// <summary>
/// One follower as its master sees it, from its latest FETCH (which reports its written and
/// flushed ends). <paramref name="LagBytes"/> is the master's end minus the follower's written end.
/// <paramref name="LastCaughtUp"/> is the last report at which the follower held everything the
/// master had written (null: never yet). <paramref name="BytesPerSecond"/> is the recent transfer speed.
/// </summary>
public sealed record FollowerStatus(
    long BrokerId,
    string NodeName,
    string Address,
    long WrittenOffset,
    long FlushedOffset,
    long LagBytes,
    DateTimeOffset? LastCaughtUp,
    long BytesPerSecond,
    long TransferFromOffset,
    bool InSync);

/// <summary>One FETCH's progress report (raised per report, not per message, for acknowledgement waiters).</summary>
public readonly record struct FollowerProgress(long BrokerId, long WrittenOffset, long FlushedOffset, long MasterEndOffset)
{
    /// <summary>The master epoch the follower said HELLO in (the epoch this master leads when it reports).</summary>
    public int MasterEpoch { get; init; }

    /// <summary>
    /// The follower held everything the master had when the previous answer was read (or has everything now):
    /// it keeps up, even if the log grew during the round trip.
    /// </summary>
    public bool CaughtUp { get; init; }
}

/// <summary>A follower's view of its stream.</summary>
public sealed record ReplicationFollowerStatus(
    string MasterAddress,
    bool Connected,
    int MasterEpoch,
    long WrittenOffset,
    long FlushedOffset,
    long MasterEndOffset,
    long LagBytes,
    long BytesPerSecond,
    DateTimeOffset? LastFetched,
    DateTimeOffset? LastAppended,
    string? LastError,
    long MasterFlushedOffset = 0);

/// <summary>
/// What this node's replication is doing, for GET_BROKER_HA_STATUS: as master, its followers
/// (<see cref="Followers"/>); as follower, <see cref="Follower"/>.
/// </summary>
public sealed record ReplicationStatus(
    bool IsMaster,
    long MasterMaxOffset,
    IReadOnlyList<FollowerStatus> Followers,
    ReplicationFollowerStatus? Follower)
{
    /// <summary>A node that neither serves nor follows a replication stream: master of its group, no follower.</summary>
    public static ReplicationStatus Standalone(long maxOffset) => new(true, maxOffset, [], null);
}
