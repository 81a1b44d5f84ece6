using Akka.Actor;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// A broker member announces itself to the controller: broker id <paramref name="BrokerId"/> of
/// <paramref name="Group"/> (configured; 0 = the master), on the node <paramref name="NodeName"/> with Akka
/// address <paramref name="NodeAddress"/>, serving clients at <paramref name="BrokerAddress"/> and replicas at
/// <paramref name="ReplicationAddress"/>. <paramref name="MaxOffset"/> and <paramref name="LastEpoch"/> describe
/// its commit log. <paramref name="Member"/> receives every later <see cref="BrokerGroupAssignment"/> of the group.
/// Reply: <see cref="BrokerGroupAssignment"/>, or <see cref="ControlRefused"/> when the broker id is held by another live node.
/// </summary>
public sealed record JoinBrokerGroup(
    string Cluster, string Group, long BrokerId, string NodeName, string NodeAddress, string BrokerAddress,
    string ReplicationAddress, long MaxOffset, int LastEpoch, IActorRef Member);

/// <summary>
/// The group's master as the controller sees it, for member <paramref name="BrokerId"/>: whether it is the
/// master, who is, and the master epoch. <paramref name="MasterBrokerAddress"/> null: the group has no master yet.
/// </summary>
public sealed record BrokerGroupAssignment(
    string Group, long BrokerId, bool IsMaster, long MasterBrokerId, string? MasterBrokerAddress,
    string? MasterReplicationAddress, int MasterEpoch)
{
    /// <summary>
    /// The broker id this member registers under in routes: 0 for the master; a follower its own member id,
    /// except member 0 while another member is master, which takes the master's member id (left free by the
    /// master registering as 0), so ids stay unique.
    /// </summary>
    public long RouteBrokerId { get; init; } = IsMaster ? 0 : BrokerId;

    /// <summary>The group's in-sync set at the time of the assignment (null: none recorded yet).</summary>
    public SyncStateSet? SyncStateSet { get; init; }
}

/// <summary>
/// A member's replication progress: written and flushed commit-log offsets under master epoch
/// <paramref name="MasterEpoch"/>. Reply: <see cref="ControlAccepted"/>, or <see cref="ControlRefused"/> for a
/// stale epoch or an unknown group or member.
/// </summary>
public sealed record ReportReplicaProgress(string Group, long BrokerId, int MasterEpoch, long WrittenOffset, long FlushedOffset);

/// <summary>The controller took the request.</summary>
public sealed record ControlAccepted
{
    public static ControlAccepted Instance { get; } = new();
}

/// <summary>The controller refused the request; <paramref name="Reason"/> says why.</summary>
public sealed record ControlRefused(string Reason);

/// <summary>Asks for the state of one broker group (<paramref name="Group"/>) or of all (null). Reply: <see cref="ControllerState"/>.</summary>
public sealed record GetControllerState(string? Group = null);

/// <summary>The controller's broker groups, sorted by name.</summary>
public sealed record ControllerState(IReadOnlyList<BrokerGroupState> Groups);

/// <summary>One broker group: its master (-1: none yet), master epoch and members sorted by broker id.</summary>
public sealed record BrokerGroupState(string Group, long MasterBrokerId, int MasterEpoch, IReadOnlyList<BrokerMemberState> Members);

/// <summary>
/// One member. <paramref name="Online"/>: its node is a cluster member and the member has not stopped.
/// Offsets are the last reported ones since this controller instance started (0 before any report).
/// </summary>
public sealed record BrokerMemberState(
    long BrokerId, string NodeName, string NodeAddress, string BrokerAddress, string ReplicationAddress,
    bool Online, long WrittenOffset, long FlushedOffset);

/// <summary>
/// The group's in-sync set as the controller holds it: member ids (configured broker ids, the master's
/// included) that have every acknowledged message, under <paramref name="SyncStateSetEpoch"/>, which grows with
/// every change. Assignments and <see cref="SyncStateSetChanged"/> carry it.
/// </summary>
public sealed record SyncStateSet(int MasterEpoch, int SyncStateSetEpoch, IReadOnlyList<long> Members);

/// <summary>
/// The master of <paramref name="Group"/> (member <paramref name="MasterMemberId"/>) asks to change the in-sync
/// set to <paramref name="NewMembers"/> (the master included). Refused (<see cref="ControlRefused"/>, the reason
/// naming the fenced epoch) when <paramref name="MasterEpoch"/> is not the group's master epoch, the sender is not
/// the master, or <paramref name="SyncStateSetEpoch"/> is not the set's current epoch (RocketMQ 5's
/// CONTROLLER_FENCED_MASTER_EPOCH / CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH); also refused when the new set leaves
/// out the master or names a member that has not joined. Otherwise persisted, then answered with
/// <see cref="SyncStateSetChanged"/>.
/// </summary>
public sealed record AlterSyncStateSet(string Group, long MasterMemberId, int MasterEpoch, int SyncStateSetEpoch, IReadOnlyList<long> NewMembers);

/// <summary>The in-sync set of <paramref name="Group"/> is now <paramref name="Set"/> (written to the journal before this is sent).</summary>
public sealed record SyncStateSetChanged(string Group, SyncStateSet Set);

/// <summary>
/// Member <paramref name="MemberId"/> of <paramref name="Group"/> says its store failed for good
/// (<paramref name="Reason"/>: disk gone, read-only file system, repeated flush failures). If it is the master of
/// <paramref name="MasterEpoch"/>, the controller elects at once without waiting for the failure detector.
/// Reply: <see cref="ControlAccepted"/> or <see cref="ControlRefused"/>.
/// </summary>
public sealed record ReportStoreFailure(string Group, long MemberId, int MasterEpoch, string Reason);

/// <summary>
/// An operator's switch-over (<c>admin electMaster</c>): make member <paramref name="MemberId"/> of
/// <paramref name="Group"/> the master; null lets the controller choose the best in-sync candidate. The target
/// must be online and in the in-sync set unless unclean election is allowed. Reply: <see cref="MasterElected"/>
/// or <see cref="ControlRefused"/> with the reason.
/// </summary>
public sealed record ElectMaster(string Group, long? MemberId = null);

/// <summary>The outcome of an election: <paramref name="MasterMemberId"/> is master of <paramref name="Group"/> under <paramref name="MasterEpoch"/>.</summary>
public sealed record MasterElected(string Group, long MasterMemberId, int MasterEpoch, string MasterBrokerAddress, SyncStateSet Set);

/// <summary>Asks for the in-sync set of <paramref name="Group"/>. Reply: <see cref="SyncStateSetState"/> or <see cref="ControlRefused"/> (unknown group).</summary>
public sealed record GetSyncStateSet(string Group);

/// <summary>
/// The in-sync set of a group: <paramref name="MasterMemberId"/> -1 when the group has no master (then
/// <paramref name="NoMasterReason"/> says why: no in-sync member online, unclean election off, ...).
/// </summary>
public sealed record SyncStateSetState(
    string Group, long MasterMemberId, string? MasterBrokerAddress, SyncStateSet Set, IReadOnlyList<BrokerMemberState> Members, string? NoMasterReason);
