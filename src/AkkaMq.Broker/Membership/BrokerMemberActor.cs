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
}

/// <summary>
/// The broker group member of this node (/user/node/broker/member): joins its group at the
/// Controller (through the singleton proxy) and applies what the Controller assigns. As master
/// it starts the master epoch in the store and lets the replication server answer followers; as
/// follower it refuses writes and copies the master's log through a <see cref="ReplicationFollower"/>,
/// reporting its offsets. Assignments are applied one at a time, in the order they arrive; one
/// that is not newer than the applied one (same master, same epoch, same role) changes nothing.
/// </summary>
public sealed class BrokerMemberActor : ReceiveActor, IWithTimers
{
    private readonly BrokerRole _role;
    private readonly IActorRef _controller;
    private readonly BrokerMemberOptions _options;
    private readonly ILogger _log;
    private BrokerGroupAssignment? _applied;
    private string? _lastRefusal;

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

    protected override void PreStart()
    {
        Join();
        Timers.StartPeriodicTimer("join", JoinTick.Instance, _options.JoinInterval);
        Timers.StartPeriodicTimer("report", ReportTick.Instance, _options.ReportInterval);
    }

    private void Ready()
    {
        Receive<JoinTick>(_ => Join());
        Receive<ReportTick>(_ => Report());
        // Awaited in the actor: no other message is handled until the transition is done.
        ReceiveAsync<BrokerGroupAssignment>(OnAssignmentAsync);
        Receive<ControlRefused>(r => OnRefused(r.Reason));
        Receive<ControlAccepted>(_ => { });
        Receive<GetMemberAssignment>(_ => Sender.Tell(new MemberAssignment(_applied), Self));
    }

    private void Join()
    {
        var store = _role.Store;
        var replication = _role.ReplicationAddress ?? string.Empty;
        _controller.Tell(new JoinBrokerGroup(_options.Cluster, _options.Group, _options.ConfiguredBrokerId, _options.NodeName,
            _options.NodeAddress, _role.AdvertisedAddress, replication, store.MaxPhysicalOffset, store.Epochs.Last?.Epoch ?? 0, Self), Self);
    }

    private void Report()
    {
        if (_applied is { IsMaster: false } a && _role.Follower is { } follower)
        {
            var status = follower.Status;
            _controller.Tell(new ReportReplicaProgress(_options.Group, a.BrokerId, follower.KnownEpoch, status.WrittenOffset, status.FlushedOffset), Self);
        }
    }

    private void OnRefused(string reason)
    {
        if (reason != _lastRefusal)
        {
            _lastRefusal = reason;
            _log.LogWarning("Controller refused broker {Group} member {Id}: {Reason}", _options.Group, _options.ConfiguredBrokerId, reason);
        }
    }

    private async Task OnAssignmentAsync(BrokerGroupAssignment a)
    {
        if (a.Group != _options.Group || a == _applied)
        {
            return;
        }

        if (_applied is { } current && a.MasterEpoch < current.MasterEpoch)
        {
            _log.LogWarning("Broker {Group}: assignment of epoch {Epoch} ignored, epoch {Current} already applied", a.Group, a.MasterEpoch, current.MasterEpoch);
            return;
        }

        _lastRefusal = null;
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

    private async Task ApplyAsync(BrokerGroupAssignment a)
    {
        if (a.IsMaster)
        {
            await _role.StopFollowingAsync();
            await _role.BecomeMasterAsync(a.MasterEpoch);
            _role.SetLeadership(new ReplicationLeadership(a.Group, a.MasterEpoch));
            return;
        }

        _role.SetLeadership(null);
        await _role.BecomeFollowerAsync(a.BrokerId, a.MasterEpoch, a.MasterBrokerAddress);
        bool sameStream = _role.Follower is not null && _applied is { IsMaster: false } prev
            && prev.MasterReplicationAddress == a.MasterReplicationAddress && prev.MasterEpoch == a.MasterEpoch;
        if (sameStream)
        {
            return;
        }

        await _role.StopFollowingAsync();
        if (a.MasterReplicationAddress is { Length: > 0 } master)
        {
            await _role.FollowAsync(new ReplicationFollowerOptions(master, a.Group, a.BrokerId, _options.NodeName) { KnownEpoch = a.MasterEpoch }, _log);
            _log.LogInformation("Broker {Group} follower {Id} copies the log of its master at {Master} (epoch {Epoch})",
                a.Group, a.BrokerId, master, a.MasterEpoch);
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
}

/// <summary>Asks the member what it applied last; replies <see cref="MemberAssignment"/>.</summary>
public sealed record GetMemberAssignment
{
    public static GetMemberAssignment Instance { get; } = new();
}

/// <summary>The assignment the member applied last (null: none yet).</summary>
public sealed record MemberAssignment(BrokerGroupAssignment? Assignment);
