namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// What the <see cref="ControllerActor"/> writes to the journal and the snapshot store; every type has a
/// manifest and a hand-written codec in <see cref="ControllerSerializer"/>.
/// </summary>
public interface IControllerPersisted;

/// <summary>A member joined (or changed its addresses): it is remembered across controller restarts and moves.</summary>
public sealed record BrokerMemberJoined(
    string Cluster, string Group, long BrokerId, string NodeName, string NodeAddress, string BrokerAddress, string ReplicationAddress)
    : IControllerPersisted;

/// <summary>The group's master is now broker <paramref name="MasterBrokerId"/> on node <paramref name="MasterNodeName"/>, under <paramref name="MasterEpoch"/>.</summary>
public sealed record BrokerGroupMasterChanged(string Group, long MasterBrokerId, int MasterEpoch, string MasterNodeName) : IControllerPersisted
{
    /// <summary>
    /// The last epoch the master's store held when it was made master (-1: not recorded, an event of layout <c>CM1</c>).
    /// A store of the master's id that comes back with less is not the store that was chosen.
    /// </summary>
    public int MasterStoreEpoch { get; init; } = -1;
}

/// <summary>
/// The in-sync set of <paramref name="Group"/> is now <paramref name="Members"/> (member ids, the master's included)
/// under <paramref name="SyncStateSetEpoch"/>, during master epoch <paramref name="MasterEpoch"/>.
/// </summary>
public sealed record BrokerSyncStateSetChanged(string Group, int MasterEpoch, int SyncStateSetEpoch, IReadOnlyList<long> Members) : IControllerPersisted;

/// <summary>A member as the snapshot keeps it (no offsets, no liveness: those are not persisted).</summary>
public sealed record ControllerMemberRecord(long BrokerId, string NodeName, string NodeAddress, string BrokerAddress, string ReplicationAddress);

/// <summary>
/// A group as the snapshot keeps it; <paramref name="MasterBrokerId"/> -1 and <paramref name="MasterNodeName"/> null: no master yet.
/// The in-sync set (<see cref="SyncStateSet"/>, <see cref="SyncStateSetEpoch"/>) is kept since layout <c>CS2</c>; a
/// snapshot of the older layout holds none, and the set is then the master alone.
/// </summary>
public sealed record ControllerGroupRecord(
    string Cluster, string Group, long MasterBrokerId, int MasterEpoch, string? MasterNodeName, IReadOnlyList<ControllerMemberRecord> Members)
{
    /// <summary>The in-sync set's member ids; null: not recorded (a <c>CS1</c> snapshot).</summary>
    public IReadOnlyList<long>? SyncStateSet { get; init; }

    /// <summary>The in-sync set's epoch.</summary>
    public int SyncStateSetEpoch { get; init; }

    /// <summary>As <see cref="BrokerGroupMasterChanged.MasterStoreEpoch"/> (-1: not recorded).</summary>
    public int MasterStoreEpoch { get; init; } = -1;
}

/// <summary>Every group at the snapshot's sequence number.</summary>
public sealed record ControllerSnapshot(IReadOnlyList<ControllerGroupRecord> Groups) : IControllerPersisted;
