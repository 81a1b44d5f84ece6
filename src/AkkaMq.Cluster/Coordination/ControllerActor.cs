using Akka.Actor;
using Akka.Cluster;
using Akka.Persistence;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// The cluster's controller: knows every broker group's members and which one is master under which
/// epoch. Runs as a cluster singleton on controller-role nodes, event-sourced under persistence id
/// <see cref="ControllerPersistenceId"/> in the control-state journal, so it recovers wherever it moves.
/// </summary>
/// <remarks>
/// Assignment is static in this version: the member that joins with broker id 0 is the master. The
/// first time a group gets a master, or when a different node now claims id 0, the master epoch grows
/// by one — written to the journal first, then answered to the joiner and told to every other member's
/// <see cref="JoinBrokerGroup.Member"/>. The same node joining again keeps its epoch.
/// A join for a broker id held by a different node that is still online is refused, and so is a
/// claim to be master from a store that holds no record of the group's current master epoch (an
/// empty or replaced disk): as master it would make the followers discard the log they hold. Members are
/// watched: a member whose actor stops, or whose node leaves the cluster, is marked offline. Liveness
/// and reported offsets live in memory only; after recovery a member counts as online while its node
/// is a cluster member, until it joins again (its member actor then receives announcements again).
/// </remarks>
public sealed class ControllerActor : ReceivePersistentActor
{
    /// <summary>The journal and snapshot key; one per cluster.</summary>
    public const string ControllerPersistenceId = "controller";

    private readonly ILogger _log;
    private readonly int _snapshotInterval;
    private readonly SortedDictionary<string, GroupEntry> _groups = new(StringComparer.Ordinal);

    /// <summary>Public for Akka's <see cref="Akka.Actor.Props"/>; use <see cref="Props"/>.</summary>
    public ControllerActor(ILogger log, int snapshotInterval)
    {
        _log = log;
        _snapshotInterval = snapshotInterval;

        Recover<SnapshotOffer>(offer => Restore((ControllerSnapshot)offer.Snapshot));
        Recover<IControllerPersisted>(Apply);
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<JoinBrokerGroup>(Join);
        Command<ReportReplicaProgress>(Report);
        Command<GetControllerState>(m => Sender.Tell(State(m.Group), Self));
        Command<Terminated>(t => MarkOffline(e => Equals(e.Ref, t.ActorRef), "its member actor stopped"));
        Command<ClusterEvent.MemberRemoved>(m => MarkOffline(e => e.NodeAddress == m.Member.Address.ToString(), "its node left the cluster"));
        Command<ClusterEvent.IMemberEvent>(_ => { });
        Command<ClusterEvent.CurrentClusterState>(_ => { });
        Command<SaveSnapshotSuccess>(m => DeleteSnapshots(new SnapshotSelectionCriteria(m.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(m => _log.LogWarning(m.Cause, "Controller snapshot at event {SequenceNr} not saved", m.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(m => _log.LogWarning(m.Cause, "Old controller snapshots not deleted; tried again after the next snapshot"));
    }

    public override string PersistenceId => ControllerPersistenceId;

    /// <summary>The controller's props; the actor system must carry the control-state persistence configuration.</summary>
    public static Props Props(ILogger log, int snapshotInterval = 100)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshotInterval, 1);
        return Akka.Actor.Props.Create(() => new ControllerActor(log, snapshotInterval));
    }

    protected override void PreStart()
    {
        base.PreStart();
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
    }

    protected override void PostStop()
    {
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        _log.LogCritical(reason, "Controller could not recover its state from the journal; it stops");

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _log.LogError(cause, "Controller event {Event} not written to the journal; the controller stops", @event.GetType().Name);

    private void OnRecovered()
    {
        var live = Akka.Cluster.Cluster.Get(Context.System).State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(m => m.Address.ToString())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var member in _groups.Values.SelectMany(g => g.Members.Values))
        {
            member.Online = live.Contains(member.NodeAddress);
        }

        _log.LogInformation("Controller recovered {Groups} broker group(s) (event {SequenceNr})", _groups.Count, LastSequenceNr);
    }

    private void Join(JoinBrokerGroup m)
    {
        if (Invalid(m) is { } problem)
        {
            Sender.Tell(new ControlRefused(problem), Self);
            return;
        }

        _groups.TryGetValue(m.Group, out var group);
        MemberEntry? existing = null;
        group?.Members.TryGetValue(m.BrokerId, out existing);
        if (existing is { Online: true } && existing.NodeName != m.NodeName)
        {
            Sender.Tell(new ControlRefused(
                $"broker id {m.BrokerId} of group {m.Group} is held by node {existing.NodeName} ({existing.NodeAddress}), which is online"), Self);
            return;
        }

        if (m.BrokerId == 0 && group is { MasterEpoch: > 0 } && m.LastEpoch < group.MasterEpoch && !(existing?.Ref is { } holder && Equals(holder, m.Member)))
        {
            // An empty or stale store as master would make the followers truncate their logs to match it.
            // The member actor the epoch was given to may ask again before its store has started the epoch.
            Sender.Tell(new ControlRefused(
                $"node {m.NodeName} asks to be master of {m.Group}, but its store holds no record of master epoch {group.MasterEpoch} "
                + $"(its last epoch is {m.LastEpoch}): as master it would make the group's followers discard the log they hold. "
                + "Start it with broker-id 1 or more to copy the group's log from its master."), Self);
            return;
        }

        var events = new List<IControllerPersisted>();
        if (existing is null || existing.NodeName != m.NodeName || existing.NodeAddress != m.NodeAddress
            || existing.BrokerAddress != m.BrokerAddress || existing.ReplicationAddress != m.ReplicationAddress || group!.Cluster != m.Cluster)
        {
            events.Add(new BrokerMemberJoined(m.Cluster, m.Group, m.BrokerId, m.NodeName, m.NodeAddress, m.BrokerAddress, m.ReplicationAddress));
        }

        if (m.BrokerId == 0 && (group is null || group.MasterBrokerId != 0 || group.MasterNodeName != m.NodeName))
        {
            // Past every epoch the controller or the new master's store has seen: epochs only grow, even
            // when the control state was lost and a store remembers more than the journal.
            events.Add(new BrokerGroupMasterChanged(m.Group, 0, Math.Max(group?.MasterEpoch ?? 0, m.LastEpoch) + 1, m.NodeName));
        }

        var sender = Sender;
        if (events.Count == 0)
        {
            Joined(m, sender, masterChanged: false);
            return;
        }

        var written = 0;
        PersistAll(events, e =>
        {
            Apply(e);
            if (++written < events.Count)
            {
                return;
            }

            var masterChanged = events[^1] is BrokerGroupMasterChanged;
            if (masterChanged)
            {
                var g = _groups[m.Group];
                _log.LogInformation("Broker group {Group}: master is broker {BrokerId} on {Node}, epoch {Epoch}", m.Group, g.MasterBrokerId, g.MasterNodeName, g.MasterEpoch);
            }

            Joined(m, sender, masterChanged);
            SnapshotWhenDue();
        });
    }

    private void Joined(JoinBrokerGroup m, IActorRef sender, bool masterChanged)
    {
        var group = _groups[m.Group];
        var member = group.Members[m.BrokerId];
        member.Online = true;
        member.WrittenOffset = Math.Max(member.WrittenOffset, m.MaxOffset);
        if (!Equals(member.Ref, m.Member))
        {
            if (member.Ref is { } old && !group.Members.Values.Any(o => o != member && Equals(o.Ref, old)))
            {
                Context.Unwatch(old);
            }

            member.Ref = m.Member;
            Context.Watch(m.Member);
        }

        sender.Tell(Assignment(group, m.BrokerId), Self);
        if (masterChanged)
        {
            foreach (var other in group.Members.Values)
            {
                if (other != member && other.Ref is { } target)
                {
                    target.Tell(Assignment(group, other.BrokerId), Self);
                }
            }
        }
    }

    private void Report(ReportReplicaProgress m)
    {
        if (!_groups.TryGetValue(m.Group ?? string.Empty, out var group))
        {
            Sender.Tell(new ControlRefused($"unknown broker group {m.Group}"), Self);
        }
        else if (!group.Members.TryGetValue(m.BrokerId, out var member))
        {
            Sender.Tell(new ControlRefused($"broker id {m.BrokerId} has not joined group {m.Group}"), Self);
        }
        else if (m.MasterEpoch < group.MasterEpoch)
        {
            Sender.Tell(new ControlRefused($"stale master epoch {m.MasterEpoch}, current {group.MasterEpoch}"), Self);
        }
        else if (m.MasterEpoch > group.MasterEpoch)
        {
            Sender.Tell(new ControlRefused($"master epoch {m.MasterEpoch} is newer than the controller's {group.MasterEpoch}"), Self);
        }
        else
        {
            member.WrittenOffset = m.WrittenOffset;
            member.FlushedOffset = m.FlushedOffset;
            Sender.Tell(ControlAccepted.Instance, Self);
        }
    }

    private static string? Invalid(JoinBrokerGroup m)
    {
        if (string.IsNullOrWhiteSpace(m.Cluster) || string.IsNullOrWhiteSpace(m.Group) || string.IsNullOrWhiteSpace(m.NodeName)
            || string.IsNullOrWhiteSpace(m.NodeAddress) || string.IsNullOrWhiteSpace(m.BrokerAddress) || m.ReplicationAddress is null)
        {
            return "cluster, group, node name, node address and broker address must be given";
        }

        if (m.Member is null)
        {
            return "the member actor must be given";
        }

        return m.BrokerId < 0 ? $"broker id must be 0 or more, got {m.BrokerId}" : null;
    }

    private static BrokerGroupAssignment Assignment(GroupEntry group, long brokerId)
    {
        group.Members.TryGetValue(group.MasterBrokerId, out var master);
        return new BrokerGroupAssignment(
            group.Name, brokerId, brokerId == group.MasterBrokerId && master is not null, group.MasterBrokerId,
            master?.BrokerAddress, master?.ReplicationAddress, group.MasterEpoch);
    }

    private void MarkOffline(Func<MemberEntry, bool> which, string why)
    {
        foreach (var group in _groups.Values)
        {
            foreach (var member in group.Members.Values.Where(e => e.Online && which(e)))
            {
                member.Online = false;
                _log.LogInformation("Broker {BrokerId} of group {Group} on {Node} is offline: {Why}", member.BrokerId, group.Name, member.NodeName, why);
            }
        }
    }

    private ControllerState State(string? only) => new([.. _groups.Values
        .Where(g => only is null || g.Name == only)
        .Select(g => new BrokerGroupState(g.Name, g.MasterBrokerId, g.MasterEpoch, [.. g.Members.Values.Select(e => new BrokerMemberState(
            e.BrokerId, e.NodeName, e.NodeAddress, e.BrokerAddress, e.ReplicationAddress, e.Online, e.WrittenOffset, e.FlushedOffset))]))]);

    private void Apply(IControllerPersisted e)
    {
        switch (e)
        {
            case BrokerMemberJoined j:
                if (!_groups.TryGetValue(j.Group, out var group))
                {
                    _groups[j.Group] = group = new GroupEntry(j.Group);
                }

                group.Cluster = j.Cluster;
                if (!group.Members.TryGetValue(j.BrokerId, out var member))
                {
                    group.Members[j.BrokerId] = member = new MemberEntry(j.BrokerId);
                }

                (member.NodeName, member.NodeAddress, member.BrokerAddress, member.ReplicationAddress) = (j.NodeName, j.NodeAddress, j.BrokerAddress, j.ReplicationAddress);
                break;
            case BrokerGroupMasterChanged c:
                var changed = _groups[c.Group];
                (changed.MasterBrokerId, changed.MasterEpoch, changed.MasterNodeName) = (c.MasterBrokerId, c.MasterEpoch, c.MasterNodeName);
                break;
            case ControllerSnapshot s:
                Restore(s);
                break;
        }
    }

    private void Restore(ControllerSnapshot snapshot)
    {
        _groups.Clear();
        foreach (var g in snapshot.Groups)
        {
            var group = new GroupEntry(g.Group) { Cluster = g.Cluster, MasterBrokerId = g.MasterBrokerId, MasterEpoch = g.MasterEpoch, MasterNodeName = g.MasterNodeName };
            foreach (var m in g.Members)
            {
                group.Members[m.BrokerId] = new MemberEntry(m.BrokerId)
                {
                    NodeName = m.NodeName, NodeAddress = m.NodeAddress, BrokerAddress = m.BrokerAddress, ReplicationAddress = m.ReplicationAddress,
                };
            }

            _groups[g.Group] = group;
        }
    }

    private void SnapshotWhenDue()
    {
        if (LastSequenceNr % _snapshotInterval < 2 && LastSequenceNr >= _snapshotInterval)
        {
            SaveSnapshot(new ControllerSnapshot([.. _groups.Values.Select(g => new ControllerGroupRecord(
                g.Cluster, g.Name, g.MasterBrokerId, g.MasterEpoch, g.MasterNodeName,
                [.. g.Members.Values.Select(e => new ControllerMemberRecord(e.BrokerId, e.NodeName, e.NodeAddress, e.BrokerAddress, e.ReplicationAddress))]))]));
        }
    }

    private sealed class GroupEntry(string name)
    {
        public string Name { get; } = name;

        public string Cluster { get; set; } = string.Empty;

        public long MasterBrokerId { get; set; } = -1;

        public int MasterEpoch { get; set; }

        public string? MasterNodeName { get; set; }

        public SortedDictionary<long, MemberEntry> Members { get; } = [];
    }

    private sealed class MemberEntry(long brokerId)
    {
        public long BrokerId { get; } = brokerId;

        public string NodeName { get; set; } = string.Empty;

        public string NodeAddress { get; set; } = string.Empty;

        public string BrokerAddress { get; set; } = string.Empty;

        public string ReplicationAddress { get; set; } = string.Empty;

        public bool Online { get; set; }

        public IActorRef? Ref { get; set; }

        public long WrittenOffset { get; set; }

        public long FlushedOffset { get; set; }
    }
}
