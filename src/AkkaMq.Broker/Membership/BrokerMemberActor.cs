using Akka.Actor;
using AkkaMq.Broker.Replication;
using AkkaMq.Cluster.Coordination;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.Membership;

/// <summary>Who this member is, as it introduces itself to the Controller.</summary>
/// <param name="ConfiguredBrokerId">akkamq.broker.broker-id: 0 asks to be the group's master, 1 and up a follower.</param>
/// <param name="NodeAddress">This node's Akka address, so the Controller and the routes know when it is gone.</param>
public sealed record BrokerMemberOptions(string Cluster, string Group, long ConfiguredBrokerId, string NodeName, string NodeAddress)
{
    /// <summary>How often the member joins again: the first join, and again after a Controller moved (a new instance knows no members' refs).</summary>
    public TimeSpan JoinInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a follower reports its written and flushed offsets to the Controller.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a master checks whether its in-sync set should shrink or grow.</summary>
    public TimeSpan SyncStateInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a master waits for the Controller's answer to a change of its in-sync set.</summary>
    public TimeSpan ControllerTimeout { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The broker group member of this node (/user/node/broker/member): joins its group at the
/// Controller (through the singleton proxy) and applies what the Controller assigns. As master
/// it starts the master epoch in the store, lets the replication server answer followers, leads
/// the in-sync set (<see cref="InSyncReplicas"/>: it proposes shrinking or growing it, and only the
/// Controller's persisted answer changes it); as follower it refuses writes and copies the master's
/// log through a <see cref="ReplicationFollower"/>, reporting its offsets. A fatal store error is told
/// to the Controller at once, which elects another master without waiting for the failure detector.
/// Assignments are applied one at a time, in the order they arrive; one that names the same role
/// (master, epoch, addresses, route id) as the applied one only updates the in-sync set.
/// </summary>
public sealed class BrokerMemberActor : ReceiveActor, IWithTimers
{
    private readonly BrokerRole _role;
    private readonly IActorRef _controller;
    private readonly BrokerMemberOptions _options;
    private readonly ILogger _log;
    private BrokerGroupAssignment? _applied;
    private string? _lastRefusal;
    private bool _altering;
    private Action<string>? _onStoreFailed;

    public BrokerMemberActor(BrokerRole role, IActorRef controller, BrokerMemberOptions options, ILogger log)
    {
        _role = role;
        _controller = controller;
        _options = options;
        _log = log;
        Ready();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BrokerRole role, IActorRef controller, BrokerMemberOptions options, ILogger log) =>
        Akka.Actor.Props.Create(() => new BrokerMemberActor(role, controller, options, log));

    private long MemberId => _options.ConfiguredBrokerId;

    protected override void PreStart()
    {
        var self = Self;
        _onStoreFailed = reason => self.Tell(new StoreFailedNotice(reason), ActorRefs.NoSender);
        _role.StoreFailed += _onStoreFailed;
        Join();
        Timers.StartPeriodicTimer("join", JoinTick.Instance, _options.JoinInterval);
        Timers.StartPeriodicTimer("report", ReportTick.Instance, _options.ReportInterval);
        Timers.StartPeriodicTimer("sync-state", SyncStateTick.Instance, _options.SyncStateInterval);
    }

    protected override void PostStop()
    {
        _role.StoreFailed -= _onStoreFailed;
        base.PostStop();
    }

    private void Ready()
    {
        Receive<JoinTick>(_ => Join());
        Receive<ReportTick>(_ => Report());
        Receive<SyncStateTick>(_ => ProposeSyncStateChange());
        Receive<StoreFailedNotice>(n => ReportStoreFailure(n.Reason));
        // Awaited in the actor: no other message is handled until the transition is done.
        ReceiveAsync<BrokerGroupAssignment>(OnAssignmentAsync);
        Receive<AlterAnswer>(OnAlterAnswer);
        Receive<ControlRefused>(r => OnRefused(r.Reason));
        Receive<ControlAccepted>(_ => { });
        Receive<GetMemberAssignment>(_ => Sender.Tell(new MemberAssignment(_applied), Self));
    }

    private void Join()
    {
        if (_role.StoreFailure is { } failure)
        {
            ReportStoreFailure(failure);
        }

        var store = _role.Store;
        var replication = _role.ReplicationAddress ?? string.Empty;
        _controller.Tell(new JoinBrokerGroup(_options.Cluster, _options.Group, MemberId, _options.NodeName,
            _options.NodeAddress, _role.AdvertisedAddress, replication, store.MaxPhysicalOffset, store.Epochs.Last?.Epoch ?? 0, Self), Self);
    }

    private void Report()
    {
        if (_applied is { IsMaster: false } && _role.Follower is { } follower)
        {
            var status = follower.Status;
            _controller.Tell(new ReportReplicaProgress(_options.Group, MemberId, follower.KnownEpoch, status.WrittenOffset, status.FlushedOffset), Self);
        }
    }

    private void ReportStoreFailure(string reason)
    {
        if (_applied is { IsMaster: true } a)
        {
            _log.LogError("Broker {Group} member {Id}: the store failed ({Reason}); the Controller is asked to elect another master", a.Group, MemberId, reason);
            _controller.Tell(new ReportStoreFailure(_options.Group, MemberId, a.MasterEpoch, reason), Self);
        }
    }

    /// <summary>As master: asks the Controller to change the in-sync set when the gate wants to; one change in flight at a time.</summary>
    private void ProposeSyncStateChange()
    {
        if (_altering || _applied is not { IsMaster: true } a || _role.InSync is not { Current: { } current } gate)
        {
            return;
        }

        if (gate.ProposeChange() is not { } proposed)
        {
            return;
        }

        _altering = true;
        _log.LogInformation("Broker {Group} master asks to change its in-sync set from [{From}] to [{To}] (set epoch {SetEpoch})",
            a.Group, string.Join(",", current.Members), string.Join(",", proposed), current.SyncStateSetEpoch);
        _controller.Ask<object>(new AlterSyncStateSet(_options.Group, MemberId, a.MasterEpoch, current.SyncStateSetEpoch, proposed), _options.ControllerTimeout)
            .PipeTo(Self, success: answer => new AlterAnswer(answer), failure: e => new AlterAnswer(new ControlRefused("the Controller did not answer: " + e.Message)));
    }

    private void OnAlterAnswer(AlterAnswer answer)
    {
        _altering = false;
        var gate = _role.InSync;
        switch (answer.Answer)
        {
            case SyncStateSetChanged changed when changed.Group == _options.Group:
                gate?.ChangeAccepted(changed.Set);
                _log.LogInformation("Broker {Group} in-sync set is [{Set}] (set epoch {SetEpoch})",
                    changed.Group, string.Join(",", changed.Set.Members), changed.Set.SyncStateSetEpoch);
                break;
            case ControlRefused refused:
                gate?.ChangeRefused(refused.Reason);
                _log.LogWarning("Broker {Group} in-sync set not changed: {Reason}", _options.Group, refused.Reason);
                break;
            default:
                gate?.ChangeRefused("unexpected answer " + answer.Answer.GetType().Name);
                break;
        }
    }

    private void OnRefused(string reason)
    {
        if (reason != _lastRefusal)
        {
            _lastRefusal = reason;
            _log.LogWarning("Controller refused broker {Group} member {Id}: {Reason}", _options.Group, MemberId, reason);
        }
    }

    private async Task OnAssignmentAsync(BrokerGroupAssignment a)
    {
        if (a.Group != _options.Group)
        {
            return;
        }

        if (_applied is { } current && a.MasterEpoch < current.MasterEpoch)
        {
            _log.LogWarning("Broker {Group}: assignment of epoch {Epoch} ignored, epoch {Current} already applied", a.Group, a.MasterEpoch, current.MasterEpoch);
            return;
        }

        _lastRefusal = null;
        if (_applied is { } applied && SameRole(applied, a))
        {
            if (a.IsMaster && a.SyncStateSet is { } set)
            {
                _role.InSync?.ChangeAccepted(set);
            }

            _applied = a;
            return;
        }

        try
        {
            await ApplyAsync(a);
            _applied = a;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not applied: the next join (JoinInterval) brings the assignment again.
            _log.LogError(e, "Broker {Group} could not take its assigned role (master {Master}, epoch {Epoch}); it asks again",
                a.Group, a.MasterBrokerId, a.MasterEpoch);
        }
    }

    private static bool SameRole(BrokerGroupAssignment x, BrokerGroupAssignment y) =>
        x.IsMaster == y.IsMaster && x.MasterBrokerId == y.MasterBrokerId && x.MasterEpoch == y.MasterEpoch && x.RouteBrokerId == y.RouteBrokerId
        && x.MasterBrokerAddress == y.MasterBrokerAddress && x.MasterReplicationAddress == y.MasterReplicationAddress;

    private async Task ApplyAsync(BrokerGroupAssignment a)
    {
        if (a.IsMaster)
        {
            await _role.StopFollowingAsync();
            await _role.BecomeMasterAsync(a.MasterEpoch);
            _role.SetLeadership(new ReplicationLeadership(a.Group, a.MasterEpoch), a.SyncStateSet);
            return;
        }

        // Demoted or following: sends waiting for followers are answered at once, and no new one is acknowledged here.
        _role.SetLeadership(null, null);
        await _role.BecomeFollowerAsync(a.RouteBrokerId, a.MasterEpoch, a.MasterBrokerAddress);
        bool sameStream = _role.Follower is not null && _applied is { IsMaster: false } prev
            && prev.MasterReplicationAddress == a.MasterReplicationAddress && prev.MasterEpoch == a.MasterEpoch;
        if (sameStream)
        {
            return;
        }

        await _role.StopFollowingAsync();
        if (a.MasterReplicationAddress is { Length: > 0 } master)
        {
            await _role.FollowAsync(new ReplicationFollowerOptions(master, a.Group, MemberId, _options.NodeName) { KnownEpoch = a.MasterEpoch }, _log);
            _log.LogInformation("Broker {Group} follower {Id} copies the log of its master at {Master} (epoch {Epoch})",
                a.Group, MemberId, master, a.MasterEpoch);
        }
    }

    private sealed class JoinTick
    {
        public static readonly JoinTick Instance = new();
    }

    private sealed class ReportTick
    {
        public static readonly ReportTick Instance = new();
    }

    private sealed class SyncStateTick
    {
        public static readonly SyncStateTick Instance = new();
    }

    private sealed record StoreFailedNotice(string Reason);

    private sealed record AlterAnswer(object Answer);
}

/// <summary>Asks the member what it applied last; replies <see cref="MemberAssignment"/>.</summary>
public sealed record GetMemberAssignment
{
    public static GetMemberAssignment Instance { get; } = new();
}

/// <summary>The assignment the member applied last (null: none yet).</summary>
public sealed record MemberAssignment(BrokerGroupAssignment? Assignment);
