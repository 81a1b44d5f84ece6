using Akka.Actor;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// One broker group as the <see cref="ControllerActor"/> holds it: the recorded master and epoch, the in-sync set
/// and the members. Persisted parts change only by applying events; liveness and progress live in memory.
/// </summary>
internal sealed class ControllerGroup(string name)
{
    public string Name { get; } = name;

    public string Cluster { get; set; } = string.Empty;

    public long MasterBrokerId { get; set; } = -1;

    public int MasterEpoch { get; set; }

    public string? MasterNodeName { get; set; }

    /// <summary>The last epoch the master's store held when it was made master; -1: not recorded (an older journal).</summary>
    public int MasterStoreEpoch { get; set; } = -1;

    /// <summary>This controller instance has told the current master that it is master (not persisted).</summary>
    public bool MasterTold { get; set; }

    public SortedSet<long> SyncSet { get; } = [];

    public int SyncSetEpoch { get; set; }

    public SortedDictionary<long, ControllerMember> Members { get; } = [];

    /// <summary>An election of this group is written but not yet applied: no second one starts meanwhile.</summary>
    public bool ElectionPending { get; set; }

    /// <summary>Why the last automatic election found no candidate (logged once per change).</summary>
    public string? LastNoCandidate { get; set; }

    public bool HasMaster => MasterBrokerId >= 0;

    public ControllerMember? Master => Members.GetValueOrDefault(MasterBrokerId);

    /// <summary>
    /// The recorded master can serve: its member is online, reachable, its store has not failed, and it still
    /// runs on the node it was made master on (the same member id on another node is a new store).
    /// </summary>
    public bool MasterAvailable => Master is { Available: true } master && master.NodeName == MasterNodeName;

    public SyncStateSet Set => new(MasterEpoch, SyncSetEpoch, SyncSet.ToArray());

    public string SetText => "[" + string.Join(", ", SyncSet) + "]";

    /// <summary>Why the recorded master cannot serve; null when it can.</summary>
    public string? MasterDown()
    {
        if (!HasMaster)
        {
            return $"{Name} has no master yet: member 0 has not joined";
        }

        return Master switch
        {
            null => $"master {MasterBrokerId} of {Name} is unknown",
            { NodeName: var node } when node != MasterNodeName => $"master {MasterBrokerId} of {Name} was on node {MasterNodeName}, now on {node}",
            { Online: false } => $"master {MasterBrokerId} of {Name} is offline",
            { Reachable: false } => $"master {MasterBrokerId} of {Name} is unreachable",
            { StoreFailed: true } => $"the store of master {MasterBrokerId} of {Name} failed",
            _ => null,
        };
    }

    /// <summary>
    /// The best candidate for master: online members (of the in-sync set unless <paramref name="unclean"/>), other
    /// than <paramref name="excluded"/>, by highest last epoch, then highest offset, then lowest member id. When
    /// there is none, <paramref name="why"/> says so.
    /// </summary>
    public ControllerMember? Best(bool unclean, long? excluded, out string? why)
    {
        ControllerMember? best = null;
        foreach (var m in Members.Values)
        {
            if (m.BrokerId == excluded || !m.Candidate || !(unclean || SyncSet.Contains(m.BrokerId)))
            {
                continue;
            }

            if (best is null || m.LastEpoch > best.LastEpoch
                || (m.LastEpoch == best.LastEpoch && (m.WrittenOffset > best.WrittenOffset || (m.WrittenOffset == best.WrittenOffset && m.BrokerId < best.BrokerId))))
            {
                best = m;
            }
        }

        var others = excluded is { } id ? $" other than {id}" : string.Empty;
        why = best is not null ? null : unclean
            ? $"no member of {Name}{others} is online; in-sync set {SetText}; unclean election is on"
            : $"no in-sync member of {Name}{others} is online; in-sync set {SetText}; unclean election is off";
        return best;
    }

    /// <summary>
    /// A store joining under the recorded master's id cannot be that master's store: its last epoch is below the
    /// master epoch although the master was told (so its store has started the epoch), or below the epoch its
    /// store held when it was made master. (After a controller restart, a master that was elected but never told
    /// still holds the epoch it had then; it may take up its post.)
    /// </summary>
    public bool StaleMasterStore(int lastEpoch) =>
        lastEpoch < MasterEpoch && (MasterStoreEpoch < 0 || MasterTold || lastEpoch < MasterStoreEpoch);

    /// <summary>
    /// What member <paramref name="brokerId"/> is told: its role, the master, the epoch, its route id and the set.
    /// Built only to be sent: an assignment to the master marks it as told (<see cref="MasterTold"/>).
    /// </summary>
    public BrokerGroupAssignment Assignment(long brokerId)
    {
        var master = Master;
        var isMaster = brokerId == MasterBrokerId && master is not null;
        MasterTold |= isMaster;

        // Member 0 as a follower takes the master's member id in routes, which the master left free by registering as 0.
        var route = isMaster ? 0 : brokerId == 0 && master is not null && MasterBrokerId > 0 ? MasterBrokerId : brokerId;
        return new BrokerGroupAssignment(
            Name, brokerId, isMaster, MasterBrokerId, master?.BrokerAddress, master?.ReplicationAddress, MasterEpoch)
        {
            RouteBrokerId = route,
            SyncStateSet = HasMaster ? Set : null,
        };
    }

    public BrokerMemberState State(ControllerMember e) =>
        new(e.BrokerId, e.NodeName, e.NodeAddress, e.BrokerAddress, e.ReplicationAddress, e.Online, e.WrittenOffset, e.FlushedOffset);
}

/// <summary>One member of a <see cref="ControllerGroup"/>.</summary>
internal sealed class ControllerMember(long brokerId)
{
    public long BrokerId { get; } = brokerId;

    public string NodeName { get; set; } = string.Empty;

    public string NodeAddress { get; set; } = string.Empty;

    public string BrokerAddress { get; set; } = string.Empty;

    public string ReplicationAddress { get; set; } = string.Empty;

    /// <summary>Its node is a cluster member and its member actor has not stopped.</summary>
    public bool Online { get; set; }

    /// <summary>The failure detector has not marked its node unreachable.</summary>
    public bool Reachable { get; set; } = true;

    /// <summary>It reported a failed store; cleared when a new member actor joins for it.</summary>
    public bool StoreFailed { get; set; }

    /// <summary>Its member actor, known once it joined this controller instance.</summary>
    public IActorRef? Ref { get; set; }

    /// <summary>The last master epoch its store holds (from its join, raised by its progress reports).</summary>
    public int LastEpoch { get; set; }

    public long WrittenOffset { get; set; }

    public long FlushedOffset { get; set; }

    public bool Available => Online && Reachable && !StoreFailed;

    /// <summary>Can be elected: available and joined to this controller instance (so its epoch and offset are known).</summary>
    public bool Candidate => Available && Ref is not null;
}
