using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// The controller's in-sync sets and elections. The master changes the set with <see cref="AlterSyncStateSet"/>,
/// fenced by both epochs as RocketMQ 5 does. An election runs when the recorded master stops serving (its node
/// unreachable or gone, its member actor stopped, it reported a failed store, or it runs on another node now), when
/// a member joins or reports while no master serves, and when an operator asks (<see cref="ElectMaster"/>).
/// Candidates are online members of the in-sync set (any online member with unclean election allowed) that
/// joined this controller instance; the highest last epoch wins, then the highest offset, then the lowest id.
/// The new master gets epoch + 1 and the set becomes the new master alone (followers re-enter through the
/// master): both written in one batch, then announced to every member. No candidate: the recorded master stays
/// (the group is read-only) and <see cref="GetSyncStateSet"/> says why.
/// </summary>
public sealed partial class ControllerActor
{
    private void CommandElections()
    {
        Command<AlterSyncStateSet>(Alter);
        Command<ReportStoreFailure>(StoreFailed);
        Command<ElectMaster>(Elect);
        Command<GetSyncStateSet>(m => Sender.Tell(SyncState(m.Group), Self));
        Command<Terminated>(t => Offline(e => Equals(e.Ref, t.ActorRef), "its member actor stopped"));
        Command<ClusterEvent.MemberRemoved>(m =>
        {
            // A removed node's unreachability ends with it: the failure detector often marks a stopped node
            // unreachable before it is removed, and no event says "reachable" afterwards, so a node started again
            // at the same address would otherwise never be a candidate.
            string address = m.Member.Address.ToString();
            SetReachable(address, reachable: true);
            Offline(e => e.NodeAddress == address, "its node left the cluster");
        });
        Command<ClusterEvent.UnreachableMember>(m => Reachability(m.Member.Address.ToString(), reachable: false));
        Command<ClusterEvent.ReachableMember>(m => Reachability(m.Member.Address.ToString(), reachable: true));
        Command<ClusterEvent.IMemberEvent>(_ => { });
        Command<ClusterEvent.IReachabilityEvent>(_ => { });
        Command<ClusterEvent.CurrentClusterState>(s =>
        {
            foreach (var unreachable in s.Unreachable)
            {
                Reachability(unreachable.Address.ToString(), reachable: false);
            }
        });
    }

    private void Alter(AlterSyncStateSet m)
    {
        if (!_groups.TryGetValue(m.Group ?? string.Empty, out var group))
        {
            Sender.Tell(new ControlRefused($"unknown broker group {m.Group}"), Self);
            return;
        }

        var proposed = (m.NewMembers ?? []).Distinct().Order().ToList();
        string? refusal = null;
        if (!group.HasMaster || m.MasterMemberId != group.MasterBrokerId || m.MasterEpoch != group.MasterEpoch)
        {
            refusal = $"CONTROLLER_FENCED_MASTER_EPOCH: member {m.MasterMemberId} under master epoch {m.MasterEpoch} is not the master of {group.Name} "
                + $"(master {group.MasterBrokerId}, epoch {group.MasterEpoch})";
        }
        else if (m.SyncStateSetEpoch != group.SyncSetEpoch)
        {
            refusal = $"CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: in-sync set epoch {m.SyncStateSetEpoch} of {group.Name} is not the current {group.SyncSetEpoch}";
        }
        else if (!proposed.Contains(group.MasterBrokerId))
        {
            refusal = $"the new in-sync set [{string.Join(", ", proposed)}] of {group.Name} leaves out its master {group.MasterBrokerId}";
        }
        else if (proposed.Where(id => !group.Members.ContainsKey(id)).Select(id => (long?)id).FirstOrDefault() is { } stranger)
        {
            refusal = $"member {stranger} in the new in-sync set of {group.Name} has never joined";
        }

        if (refusal is not null)
        {
            Sender.Tell(new ControlRefused(refusal), Self);
            return;
        }

        var sender = Sender;
        if (proposed.SequenceEqual(group.SyncSet))
        {
            sender.Tell(new SyncStateSetChanged(group.Name, group.Set), Self);
            return;
        }

        PersistThen([new BrokerSyncStateSetChanged(group.Name, group.MasterEpoch, group.SyncSetEpoch + 1, proposed)], () =>
        {
            _log.LogInformation("Broker group {Group}: in-sync set {Set}, set epoch {Epoch}", group.Name, group.SetText, group.SyncSetEpoch);
            sender.Tell(new SyncStateSetChanged(group.Name, group.Set), Self);
            Announce(group, skip: null);
        });
    }

    private void StoreFailed(ReportStoreFailure m)
    {
        if (!_groups.TryGetValue(m.Group ?? string.Empty, out var group))
        {
            Sender.Tell(new ControlRefused($"unknown broker group {m.Group}"), Self);
            return;
        }

        if (!group.Members.TryGetValue(m.MemberId, out var member))
        {
            Sender.Tell(new ControlRefused($"member {m.MemberId} has not joined group {m.Group}"), Self);
            return;
        }

        if (m.MemberId == group.MasterBrokerId && m.MasterEpoch != group.MasterEpoch)
        {
            Sender.Tell(new ControlRefused($"stale master epoch {m.MasterEpoch} of {group.Name}, current {group.MasterEpoch}"), Self);
            return;
        }

        member.StoreFailed = true;
        _log.LogWarning("Broker {BrokerId} of group {Group} reports a failed store: {Reason}", m.MemberId, group.Name, m.Reason);
        var sender = Sender;
        if (m.MemberId != group.MasterBrokerId)
        {
            sender.Tell(ControlAccepted.Instance, Self);
            return;
        }

        TryElect(group, $"master {m.MemberId} reported a failed store ({m.Reason})", excluded: m.MemberId, skip: null, _ => sender.Tell(ControlAccepted.Instance, Self));
    }

    private void Elect(ElectMaster m)
    {
        if (!_groups.TryGetValue(m.Group ?? string.Empty, out var group))
        {
            Sender.Tell(new ControlRefused($"unknown broker group {m.Group}"), Self);
            return;
        }

        if (ElectionTarget(group, m.MemberId, out var why) is not { } target)
        {
            Sender.Tell(new ControlRefused(why!), Self);
            return;
        }

        var sender = Sender;
        Elected(group, target, $"an operator asked for member {target.BrokerId}", skip: null, () =>
            sender.Tell(new MasterElected(group.Name, group.MasterBrokerId, group.MasterEpoch, target.BrokerAddress, group.Set), Self));
    }

    private ControllerMember? ElectionTarget(ControllerGroup group, long? id, out string? why)
    {
        var unclean = _options.AllowUncleanElection;
        if (!group.HasMaster)
        {
            why = $"{group.Name} has no master yet: its first master is member 0 when it joins";
            return null;
        }

        if (id is null)
        {
            return group.Best(unclean, group.MasterAvailable ? group.MasterBrokerId : null, out why);
        }

        why = null;
        if (!group.Members.TryGetValue(id.Value, out var member))
        {
            why = $"member {id} has not joined {group.Name}";
        }
        else if (id == group.MasterBrokerId && group.MasterAvailable)
        {
            why = $"member {id} is already master of {group.Name} (epoch {group.MasterEpoch})";
        }
        else if (!member.Candidate)
        {
            why = $"member {id} of {group.Name} is not online" + (member.StoreFailed ? " (its store failed)" : string.Empty);
        }
        else if (!unclean && !group.SyncSet.Contains(id.Value))
        {
            why = $"member {id} is not in the in-sync set {group.SetText} of {group.Name}; unclean election is off";
        }

        return why is null ? member : null;
    }

    /// <summary>Elects the best candidate of <paramref name="group"/>, or leaves the master as it is when there is none; then runs <paramref name="then"/> with the outcome.</summary>
    private void TryElect(ControllerGroup group, string trigger, long? excluded, IActorRef? skip, Action<bool> then)
    {
        if (group.ElectionPending)
        {
            then(false);
            return;
        }

        if (group.Best(_options.AllowUncleanElection, excluded, out var why) is { } best)
        {
            Elected(group, best, trigger, skip, () => then(true));
            return;
        }

        var reason = $"{group.MasterDown() ?? trigger}; {why}";
        if (reason != group.LastNoCandidate)
        {
            group.LastNoCandidate = reason;
            _log.LogWarning("Broker group {Group} has no master that serves and none to elect: {Reason}; it stays read-only", group.Name, reason);
        }

        then(false);
    }

    private void Elected(ControllerGroup group, ControllerMember target, string trigger, IActorRef? skip, Action then)
    {
        group.ElectionPending = true;
        var epoch = Math.Max(group.MasterEpoch, target.LastEpoch) + 1;
        var previous = group.MasterBrokerId;
        PersistThen(
            [new BrokerGroupMasterChanged(group.Name, target.BrokerId, epoch, target.NodeName) { MasterStoreEpoch = target.LastEpoch },
             new BrokerSyncStateSetChanged(group.Name, epoch, group.SyncSetEpoch + 1, [target.BrokerId])],
            () =>
            {
                group.LastNoCandidate = null;
                _log.LogWarning(
                    "Broker group {Group}: member {BrokerId} on {Node} elected master (was {Previous}), epoch {Epoch}: {Trigger}",
                    group.Name, target.BrokerId, target.NodeName, previous, epoch, trigger);
                Announce(group, skip);
                then();
            });
    }

    private void Offline(Func<ControllerMember, bool> which, string why)
    {
        foreach (var group in _groups.Values)
        {
            foreach (var member in group.Members.Values.Where(e => e.Online && which(e)))
            {
                member.Online = false;
                _log.LogInformation("Broker {BrokerId} of group {Group} on {Node} is offline: {Why}", member.BrokerId, group.Name, member.NodeName, why);
            }
        }

        ElectWhereNeeded(why);
    }

    private void Reachability(string address, bool reachable)
    {
        if (!SetReachable(address, reachable))
        {
            return;
        }

        _log.LogInformation("Node {Address} is {State}", address, reachable ? "reachable again" : "unreachable");
        ElectWhereNeeded(reachable ? $"node {address} is reachable again" : $"node {address} is unreachable");
    }

    /// <summary>Records whether <paramref name="address"/>'s node is reachable, on its members too; false when nothing changed.</summary>
    private bool SetReachable(string address, bool reachable)
    {
        if (reachable ? !_unreachable.Remove(address) : !_unreachable.Add(address))
        {
            return false;
        }

        foreach (var member in _groups.Values.SelectMany(g => g.Members.Values).Where(e => e.NodeAddress == address))
        {
            member.Reachable = reachable;
        }

        return true;
    }

    /// <summary>Elects in every group whose recorded master does not serve (when a candidate is there).</summary>
    private void ElectWhereNeeded(string trigger)
    {
        foreach (var group in _groups.Values.Where(g => g.HasMaster && !g.MasterAvailable).ToList())
        {
            TryElect(group, trigger, excluded: null, skip: null, _ => { });
        }
    }

    private object SyncState(string? name)
    {
        if (name is null || !_groups.TryGetValue(name, out var group))
        {
            return new ControlRefused($"unknown broker group {name}");
        }

        var members = group.Members.Values.Select(group.State).ToList();
        if (group.MasterAvailable)
        {
            return new SyncStateSetState(group.Name, group.MasterBrokerId, group.Master!.BrokerAddress, group.Set, members, null);
        }

        string? reason = group.MasterDown();
        if (group.HasMaster)
        {
            group.Best(_options.AllowUncleanElection, excluded: null, out var why);
            reason += "; " + (why ?? "an election is due");
        }

        return new SyncStateSetState(group.Name, -1, null, group.Set, members, reason);
    }
}
