using Akka.Actor;
using AkkaMq.Broker.Membership;
using AkkaMq.Broker.SubscriptionGroups;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>The broker's role in its group: master (broker id 0) or follower (id >= 1), and the switches between them.</summary>
public sealed partial class BrokerRole
{
    private readonly SemaphoreSlim _transition = new(1, 1);

    /// <summary>The role as published now: broker id, master or follower, master epoch, master address.</summary>
    public MembershipState Membership => _context.Membership.State;

    /// <summary>
    /// Makes this broker its group's master for <paramref name="epoch"/>: the store starts the epoch
    /// at the end of its log (unless its last epoch already is this one), a follower's consumer
    /// offsets, subscription groups and delayed-delivery progress are read again from the log,
    /// sends are accepted, delayed deliveries and transaction check-backs run, and the broker
    /// registers as broker id 0. Transitions run one at a time; safe to await from an actor via PipeTo.
    /// </summary>
    public async Task BecomeMasterAsync(int epoch, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        await _transition.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var store = _context.Store;
            var before = _context.Membership.State;
            if (store.Epochs.Last is not { } last || last.Epoch != epoch)
            {
                if (store.Epochs.Last is { } newest && newest.Epoch > epoch)
                {
                    throw new ArgumentException($"epoch {epoch} is older than the store's last epoch {newest.Epoch}", nameof(epoch));
                }

                store.StartEpoch(epoch);
            }

            if (!before.IsMaster)
            {
                await TakeOverStateFromLogAsync(store, ct).ConfigureAwait(false);
            }

            Publish(new MembershipState(0, true, epoch, _context.BrokerAddress));
            if (!before.IsMaster)
            {
                // Commits consumers made here while following are in memory only: into the log now.
                _context.Offsets.Tell(PersistOffsets.Instance, ActorRefs.NoSender);
            }

            _context.Log.LogInformation(
                "Broker {Group} is master of epoch {Epoch} from log offset {Offset} (was {Was})",
                _context.Group, epoch, store.MaxPhysicalOffset, before.IsMaster ? "master" : "follower " + before.BrokerId);
            await RegisterAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>
    /// Makes this broker a follower with <paramref name="brokerId"/> (>= 1) of the master of
    /// <paramref name="masterEpoch"/> at <paramref name="masterBrokerAddress"/> (null when not known):
    /// from now on sends, send-backs and end-transactions are refused and nothing of its own is
    /// appended (offset snapshots, delayed deliveries, transaction checks, subscription groups);
    /// what was already written is flushed, and the broker registers under <paramref name="brokerId"/>.
    /// </summary>
    public async Task BecomeFollowerAsync(long brokerId, int masterEpoch, string? masterBrokerAddress, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerId, 1L);
        await _transition.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var before = _context.Membership.State;
            Publish(new MembershipState(brokerId, false, masterEpoch, masterBrokerAddress));
            await _context.StoreActor.Ask<StoreFlushed>(FlushStore.Instance, BrokerContext.AskTimeout, ct).ConfigureAwait(false);
            _context.Log.LogInformation(
                "Broker {Group} is follower {Id} of the master of epoch {Epoch} at {Master} (was {Was})",
                _context.Group, brokerId, masterEpoch, masterBrokerAddress ?? "(unknown)", before.IsMaster ? "master" : "follower " + before.BrokerId);
            await RegisterAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>
    /// Records copied from the master now occupy [<paramref name="fromOffset"/>, <paramref name="toOffset"/>) of
    /// the log: held long-polling pulls are answered if their queue grew, and offsets and subscription
    /// groups are re-read from the log (at most once a second). The broker actor is told only when it needs
    /// to be (<see cref="Replication.ReplicatedArrivals"/>). Cheap; any thread.
    /// </summary>
    public void OnReplicatedAppend(long fromOffset, long toOffset)
    {
        if (toOffset > fromOffset && Volatile.Read(ref _disposed) == 0 && _context.ReplicatedArrivals.ShouldNotify())
        {
            _context.Broker.Tell(ReplicatedDataArrived.Instance, ActorRefs.NoSender);
        }
    }

    /// <summary>
    /// Starts this broker's group member (/user/node/broker/member), which joins the group at
    /// <paramref name="controller"/> (the Controller's singleton proxy) and applies its assignments.
    /// </summary>
    public async Task<IActorRef> StartMemberAsync(IActorRef controller, BrokerMemberOptions options, ILogger log, CancellationToken ct = default)
    {
        var props = BrokerMemberActor.Props(this, controller, options, log);
        var started = await _context.Broker.Ask<MemberStarted>(new StartMember(props), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        return started.Member;
    }

    /// <summary>The one place a role takes effect: the processors' view and the store's fence on local appends.</summary>
    private void Publish(MembershipState state)
    {
        _context.Membership.Publish(state);
        _context.Store.AcceptsLocalAppends = state.IsMaster;
    }

    /// <summary>The tables a follower only read from the master's records become this broker's own.</summary>
    private async Task TakeOverStateFromLogAsync(MessageStore store, CancellationToken ct)
    {
        var offsets = OffsetSnapshot.LoadLatest(store);
        await _context.Offsets.Ask<OffsetTableReplaced>(new ReplaceOffsetTable(offsets) { KeepHigherCommits = true }, BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        _context.SubscriptionGroupsActor.Tell(new ReloadSubscriptionGroups(SubscriptionGroupsActor.LoadLatest(store)), ActorRefs.NoSender);
        offsets.TryGetValue(OffsetSnapshot.Key(TopicNames.Schedule, ScheduleActor.ProgressGroup), out var scheduleProgress);
        await _context.Schedule.Ask<DeliveriesResumed>(new ResumeDeliveries(scheduleProgress), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
    }
}
