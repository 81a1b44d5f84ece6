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
    string? MasterReplicationAddress, int MasterEpoch);

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
