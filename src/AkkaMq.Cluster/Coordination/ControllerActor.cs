using Akka.Actor;
using Akka.Cluster;
using Akka.Persistence;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// The cluster's controller: knows every broker group's members, which one is master under which epoch, and the
/// group's in-sync set. Runs as a cluster singleton on controller-role nodes, event-sourced under persistence id
/// <see cref="ControllerPersistenceId"/> in the control-state journal, so it recovers wherever it moves.
/// </summary>
/// <remarks>
/// A group's first master is the member that joins with broker id 0, under an epoch past every epoch the
/// controller or its store has seen; the in-sync set is then that member alone. From then on the master changes
/// only by election (see the elections part of this class): when the master's node becomes unreachable or
/// leaves, its member actor stops, it reports a failed store, or an operator asks. Every change is written to
/// the journal first, then answered and told to every member's <see cref="JoinBrokerGroup.Member"/>.
/// A join for a broker id held by a different node that is still online is refused, and so is a claim to
/// be the recorded master from a store that holds no record of the group's current master epoch (an empty or
/// replaced disk): as master it would make the followers discard the log they hold. Liveness, epochs and
/// offsets of members live in memory only; after recovery a member counts as online while its node is a
/// cluster member, and becomes a candidate for election once it has joined this instance.
/// </remarks>
public sealed partial class ControllerActor : ReceivePersistentActor
{
    /// <summary>The journal and snapshot key; one per cluster.</summary>
    public const string ControllerPersistenceId = "controller";

    private readonly ILogger _log;
    private readonly int _snapshotInterval;
    private readonly ControllerOptions _options;
    private readonly SortedDictionary<string, ControllerGroup> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private int _eventsSinceSnapshot;

    /// <summary>Public for Akka's <see cref="Akka.Actor.Props"/>; use <see cref="Props"/>.</summary>
    public ControllerActor(ILogger log, int snapshotInterval, ControllerOptions options)
    {
        _log = log;
        _snapshotInterval = snapshotInterval;
        _options = options;

        Recover<SnapshotOffer>(offer => Restore((ControllerSnapshot)offer.Snapshot));
        Recover<IControllerPersisted>(Apply);
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<JoinBrokerGroup>(Join);
        Command<ReportReplicaProgress>(Report);
        Command<GetControllerState>(m => Sender.Tell(State(m.Group), Self));
        CommandElections();
        Command<SaveSnapshotSuccess>(m => DeleteSnapshots(new SnapshotSelectionCriteria(m.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(m => _log.LogWarning(m.Cause, "Controller snapshot at event {SequenceNr} not saved", m.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(m => _log.LogWarning(m.Cause, "Old controller snapshots not deleted; tried again after the next snapshot"));
    }

    public override string PersistenceId => ControllerPersistenceId;

    /// <summary>The controller's props; the actor system must carry the control-state persistence configuration.</summary>
    public static Props Props(ILogger log, int snapshotInterval = 100, ControllerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshotInterval, 1);
        var settings = options ?? ControllerOptions.Default;
        return Akka.Actor.Props.Create(() => new ControllerActor(log, snapshotInterval, settings));
    }

    protected override void PreStart()
    {
        base.PreStart();
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(
            Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
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
        var state = Akka.Cluster.Cluster.Get(Context.System).State;
        var live = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(m => m.Address.ToString())
            .ToHashSet(StringComparer.Ordinal);
        _unreachable.UnionWith(state.Unreachable.Select(m => m.Address.ToString()));
        foreach (var member in _groups.Values.SelectMany(g => g.Members.Values))
        {
            member.Online = live.Contains(member.NodeAddress);
            member.Reachable = !_unreachable.Contains(member.NodeAddress);
        }

        _log.LogInformation("Controller recovered {Groups} broker group(s) (event {SequenceNr})", _groups.Count, LastSequenceNr);
        ElectWhereNeeded("the controller recovered");
    }

    private void Join(JoinBrokerGroup m)
    {
        if (Invalid(m) is { } problem)
        {
            Sender.Tell(new ControlRefused(problem), Self);
            return;
        }

        _groups.TryGetValue(m.Group, out var group);
        ControllerMember? existing = null;
        group?.Members.TryGetValue(m.BrokerId, out existing);
        if (existing is { Online: true } && existing.NodeName != m.NodeName)
        {
            Sender.Tell(new ControlRefused(
                $"broker id {m.BrokerId} of group {m.Group} is held by node {existing.NodeName} ({existing.NodeAddress}), which is online"), Self);
            return;
        }

        var firstMaster = m.BrokerId == 0 && group is not { HasMaster: true };
        var recordedMaster = group is { HasMaster: true } && m.BrokerId == group.MasterBrokerId;
        if (recordedMaster && group!.StaleMasterStore(m.LastEpoch) && !(existing?.Ref is { } holder && Equals(holder, m.Member)))
        {
            // An empty or stale store as master would make the followers truncate their logs to match it.
            // The member actor the epoch was given to may ask again before its store has started the epoch.
            Sender.Tell(new ControlRefused(
                $"node {m.NodeName} asks to be master of {m.Group}, but its store holds no record of master epoch {group.MasterEpoch} "
                + $"(its last epoch is {m.LastEpoch}): as master it would make the group's followers discard the log they hold. "
                + $"Start it with a broker id other than {m.BrokerId} to copy the group's log from its master, or elect another member first."), Self);
            return;
        }

        var events = new List<IControllerPersisted>();
        if (existing is null || existing.NodeName != m.NodeName || existing.NodeAddress != m.NodeAddress
            || existing.BrokerAddress != m.BrokerAddress || existing.ReplicationAddress != m.ReplicationAddress || group!.Cluster != m.Cluster)
        {
            events.Add(new BrokerMemberJoined(m.Cluster, m.Group, m.BrokerId, m.NodeName, m.NodeAddress, m.BrokerAddress, m.ReplicationAddress));
        }

        if (firstMaster)
        {
            // Past every epoch the controller or the new master's store has seen: epochs only grow, even
            // when the control state was lost and a store remembers more than the journal.
            var epoch = Math.Max(group?.MasterEpoch ?? 0, m.LastEpoch) + 1;
            events.Add(new BrokerGroupMasterChanged(m.Group, 0, epoch, m.NodeName) { MasterStoreEpoch = m.LastEpoch });
            events.Add(new BrokerSyncStateSetChanged(m.Group, epoch, (group?.SyncSetEpoch ?? 0) + 1, [0]));
        }

        // A follower of the in-sync set that comes back (a new member actor) with an empty store while the master
        // holds messages no longer has what it acknowledged: it leaves the set (the master is told) and re-enters
        // once it has copied the log.
        var emptied = group is { HasMaster: true, Master.WrittenOffset: > 0 } && !recordedMaster && group.SyncSet.Contains(m.BrokerId)
            && m.LastEpoch == 0 && m.MaxOffset == 0 && !Equals(existing?.Ref, m.Member);
        if (emptied)
        {
            events.Add(new BrokerSyncStateSetChanged(m.Group, group!.MasterEpoch, group.SyncSetEpoch + 1, [.. group.SyncSet.Where(id => id != m.BrokerId)]));
        }

        var sender = Sender;
        PersistThen(events, () =>
        {
            Joined(m, sender, firstMaster);
            if (emptied)
            {
                _log.LogWarning("Broker {BrokerId} of group {Group} joined with an empty store: it left the in-sync set", m.BrokerId, m.Group);
                Announce(_groups[m.Group], skip: m.Member);
            }
        });
    }

    private void Joined(JoinBrokerGroup m, IActorRef sender, bool firstMaster)
    {
        var group = _groups[m.Group];
        var member = group.Members[m.BrokerId];
        member.Online = true;
        member.Reachable = !_unreachable.Contains(member.NodeAddress);
        member.LastEpoch = m.LastEpoch;
        member.WrittenOffset = m.MaxOffset;
        if (!Equals(member.Ref, m.Member))
        {
            if (member.Ref is { } old && !group.Members.Values.Any(o => o != member && Equals(o.Ref, old)))
            {
                Context.Unwatch(old);
            }

            member.Ref = m.Member;
            member.StoreFailed = false;
            Context.Watch(m.Member);
        }

        if (firstMaster)
        {
            _log.LogInformation("Broker group {Group}: first master is broker {BrokerId} on {Node}, epoch {Epoch}", m.Group, group.MasterBrokerId, group.MasterNodeName, group.MasterEpoch);
            sender.Tell(group.Assignment(m.BrokerId), Self);
            Announce(group, skip: m.Member);
            return;
        }

        if (group.HasMaster && !group.MasterAvailable)
        {
            TryElect(group, $"member {m.BrokerId} joined while the master is not serving", excluded: null, skip: m.Member,
                _ => sender.Tell(group.Assignment(m.BrokerId), Self));
            return;
        }

        sender.Tell(group.Assignment(m.BrokerId), Self);
    }

    private void Report(ReportReplicaProgress m)
    {
        if (!_groups.TryGetValue(m.Group ?? string.Empty, out var group))
        {
            Sender.Tell(new ControlRefused($"unknown broker group {m.Group}"), Self);
            return;
        }

        if (!group.Members.TryGetValue(m.BrokerId, out var member))
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
            member.LastEpoch = Math.Max(member.LastEpoch, m.MasterEpoch);
            Sender.Tell(ControlAccepted.Instance, Self);
        }

        if (group.HasMaster && !group.MasterAvailable)
        {
            TryElect(group, $"member {m.BrokerId} reported while the master is not serving", excluded: null, skip: null, _ => { });
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

    /// <summary>Writes <paramref name="events"/> (none: nothing to write), applies them, then runs <paramref name="then"/>.</summary>
    private void PersistThen(IReadOnlyList<IControllerPersisted> events, Action then)
    {
        if (events.Count == 0)
        {
            then();
            return;
        }

        var written = 0;
        PersistAll(events, e =>
        {
            Apply(e);
            if (++written == events.Count)
            {
                then();
                SnapshotWhenDue();
            }
        });
    }

    /// <summary>Tells every member that has joined this instance (but <paramref name="skip"/>) its assignment.</summary>
    private void Announce(ControllerGroup group, IActorRef? skip)
    {
        foreach (var member in group.Members.Values)
        {
            if (member.Ref is { } target && !Equals(target, skip))
            {
                target.Tell(group.Assignment(member.BrokerId), Self);
            }
        }
    }

    private ControllerState State(string? only) => new([.. _groups.Values
        .Where(g => only is null || g.Name == only)
        .Select(g => new BrokerGroupState(g.Name, g.MasterBrokerId, g.MasterEpoch, [.. g.Members.Values.Select(g.State)]))]);

    private void Apply(IControllerPersisted e)
    {
        _eventsSinceSnapshot++;
        switch (e)
        {
            case BrokerMemberJoined j:
                if (!_groups.TryGetValue(j.Group, out var group))
                {
                    _groups[j.Group] = group = new ControllerGroup(j.Group);
                }

                group.Cluster = j.Cluster;
                if (!group.Members.TryGetValue(j.BrokerId, out var member))
                {
                    group.Members[j.BrokerId] = member = new ControllerMember(j.BrokerId);
                }

                (member.NodeName, member.NodeAddress, member.BrokerAddress, member.ReplicationAddress) = (j.NodeName, j.NodeAddress, j.BrokerAddress, j.ReplicationAddress);
                break;
            case BrokerGroupMasterChanged c:
                var changed = _groups[c.Group];
                (changed.MasterBrokerId, changed.MasterEpoch, changed.MasterNodeName) = (c.MasterBrokerId, c.MasterEpoch, c.MasterNodeName);
                (changed.MasterStoreEpoch, changed.MasterTold) = (c.MasterStoreEpoch, false);

                // Journals written before in-sync sets were recorded hold no set: the master alone is in sync.
                // Since then a set change follows every master change in the same write.
                changed.SyncSet.Clear();
                changed.SyncSet.Add(c.MasterBrokerId);
                changed.ElectionPending = false;
                break;
            case BrokerSyncStateSetChanged s:
                var target = _groups[s.Group];
                target.SyncSet.Clear();
                target.SyncSet.UnionWith(s.Members);
                target.SyncSetEpoch = s.SyncStateSetEpoch;
                break;
            case ControllerSnapshot s:
                Restore(s);
                break;
        }
    }

    private void Restore(ControllerSnapshot snapshot)
    {
        _groups.Clear();
        _eventsSinceSnapshot = 0;
        foreach (var g in snapshot.Groups)
        {
            var group = new ControllerGroup(g.Group)
            {
                Cluster = g.Cluster, MasterBrokerId = g.MasterBrokerId, MasterEpoch = g.MasterEpoch, MasterNodeName = g.MasterNodeName,
                SyncSetEpoch = g.SyncStateSetEpoch, MasterStoreEpoch = g.MasterStoreEpoch,
            };
            if (g.SyncStateSet is { } set)
            {
                group.SyncSet.UnionWith(set);
            }
            else if (g.MasterBrokerId >= 0)
            {
                group.SyncSet.Add(g.MasterBrokerId);
            }

            foreach (var m in g.Members)
            {
                group.Members[m.BrokerId] = new ControllerMember(m.BrokerId)
                {
                    NodeName = m.NodeName, NodeAddress = m.NodeAddress, BrokerAddress = m.BrokerAddress, ReplicationAddress = m.ReplicationAddress,
                };
            }

            _groups[g.Group] = group;
        }
    }

    private void SnapshotWhenDue()
    {
        if (_eventsSinceSnapshot < _snapshotInterval)
        {
            return;
        }

        _eventsSinceSnapshot = 0;
        SaveSnapshot(new ControllerSnapshot([.. _groups.Values.Select(g => new ControllerGroupRecord(
            g.Cluster, g.Name, g.MasterBrokerId, g.MasterEpoch, g.MasterNodeName,
            [.. g.Members.Values.Select(e => new ControllerMemberRecord(e.BrokerId, e.NodeName, e.NodeAddress, e.BrokerAddress, e.ReplicationAddress))])
        {
            SyncStateSet = [.. g.SyncSet],
            SyncStateSetEpoch = g.SyncSetEpoch,
            MasterStoreEpoch = g.MasterStoreEpoch,
        })]));
    }
}
