using Akka.Actor;
using AkkaMq.Broker.SubscriptionGroups;
using AkkaMq.Broker.Transactions;
using AkkaMq.Cluster.Routing;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>What the broker actor builds its children from: the opened store and what was loaded from it.</summary>
public sealed record BrokerActorSetup(
    MessageStore Store,
    BrokerSettings Settings,
    IPv4Endpoint StoreHost,
    ConsumerSubscriptions Subscriptions,
    SubscriptionGroupFeed SubscriptionGroups,
    TimeProvider Time,
    ILogger Log,
    SendQueue? SendQueue = null,
    Action? BeforeFlush = null,
    Membership.BrokerMembership? Membership = null,
    Action? AfterAppend = null,
    Replication.ReplicatedArrivals? ReplicatedArrivals = null);

/// <summary>
/// The broker group member of this node (/user/node/broker): parent and supervisor of every
/// actor of the broker — store, offsets, schedule, clients, subscription groups, transactions,
/// and one <see cref="QueuePartitionActor"/> per queue, created on first use. Messages for a
/// queue (<see cref="IQueuePartitionMessage"/>) are sent here and forwarded to its partition.
/// </summary>
public sealed class BrokerActor : ReceiveActor, IWithTimers
{
    private readonly BrokerActorSetup _setup;
    private readonly BrokerActors _children;

    // The partition actors by queue: arrivals for every appended batch look them up here, without
    // building an actor name; a partition lives as long as the broker.
    private readonly Dictionary<(string Topic, int QueueId), IActorRef> _partitions = [];

    /// <summary>How often a follower at most re-reads its offset and subscription-group tables from replicated data.</summary>
    public static readonly TimeSpan ReplicatedReloadInterval = TimeSpan.FromSeconds(1);

    private bool _reloadScheduled;

    // Set by ReleaseAllHolds (the broker stops accepting): no pull is held from then on.
    private bool _holdsReleased;

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    private long _lastReload = Environment.TickCount64 - (long)ReplicatedReloadInterval.TotalMilliseconds;

    public BrokerActor(BrokerActorSetup setup)
    {
        _setup = setup;
        _children = StartChildren(setup);
        Receive<GetBrokerActors>(_ => Sender.Tell(_children, Self));
        Receive<MessageArrived>(m =>
        {
            // No partition yet means nobody waits on that queue: arrivals do not create one.
            if (_partitions.TryGetValue((m.Topic, m.QueueId), out var partition))
            {
                partition.Tell(m, Self);
            }
        });
        Receive<WakeHolds>(m =>
        {
            // Only an existing partition can hold pulls.
            if (_partitions.TryGetValue((m.Topic, m.QueueId), out var partition))
            {
                partition.Tell(m, Self);
            }
        });
        Receive<HoldPull>(m =>
        {
            if (_holdsReleased)
            {
                // Stopping: a pull that would wait keeps its connection, and so the stop, waiting; answer it now.
                m.Wake.TrySetResult(false);
                return;
            }

            Partition(m.Topic, m.QueueId).Forward(m);
        });
        Receive<IQueuePartitionMessage>(m => Partition(m.Topic, m.QueueId).Forward(m));
        Receive<ReplicatedDataArrived>(_ => OnReplicatedData());
        Receive<ReloadReplicatedState>(_ => ReloadFromLog());
        Receive<StartMember>(m => Sender.Tell(new MemberStarted(Context.ActorOf(m.Props, "member")), Self));
        Receive<ReleaseAllHolds>(m =>
        {
            _holdsReleased = true;
            foreach (var partition in _partitions.Values)
            {
                partition.Tell(m, Self);
            }
        });
        Receive<LockQueues>(m => GatherLocks(m.Queues, q => new LockQueue(m.Group, m.ClientId, q)).PipeTo(Sender, Self));
        Receive<UnlockQueues>(m => GatherLocks(m.Queues, q => new UnlockQueue(m.Group, m.ClientId, q)).PipeTo(Sender, Self));
    }

    public static Props Props(BrokerActorSetup setup) => Akka.Actor.Props.Create(() => new BrokerActor(setup));

    /// <summary>
    /// Every child keeps the only in-memory copy of its state (offsets, client channels, open
    /// transactions, locks, holds), loaded once from the store when the broker starts: a restart
    /// would roll it back to that start-up snapshot. So a message that makes a child fail is
    /// logged and dropped and the child resumes; a child that cannot even be built is stopped,
    /// which the node guardian sees as the broker failing.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(
        cause => cause is ActorInitializationException ? Directive.Escalate : Directive.Resume);

    private BrokerActors StartChildren(BrokerActorSetup s)
    {
        var store = s.Store;
        var settings = s.Settings;
        var membership = s.Membership;
        var storeActor = Context.ActorOf(StoreActor.Props(store, Self, s.Log, s.SendQueue, s.BeforeFlush, membership, s.AfterAppend), "store");
        var savedOffsets = OffsetSnapshot.LoadLatest(store);
        var resets = new OffsetResets(s.Time);
        var offsets = Context.ActorOf(OffsetsActor.Props(savedOffsets, storeActor, s.StoreHost, settings.Store.FileReservedTime, resets, s.Time, s.Log, membership,
            readableOffset: () => store.ReadableOffset), "offsets");
        savedOffsets.TryGetValue(OffsetSnapshot.Key(TopicNames.Schedule, ScheduleActor.ProgressGroup), out var scheduleProgress);
        var schedule = Context.ActorOf(
            ScheduleActor.Props(store, storeActor, offsets, s.StoreHost, scheduleProgress, DelayLevels.Resolve(settings.MessageDelayLevels), s.Time, s.Log, membership), "schedule");
        var clients = Context.ActorOf(ClientsActor.Props(s.Subscriptions, s.Time, s.Log), "clients");
        var groups = Context.ActorOf(SubscriptionGroupsActor.Props(storeActor, s.StoreHost, s.SubscriptionGroups, settings.Store.FileReservedTime, s.Time, s.Log, membership), "subscription-groups");
        savedOffsets.TryGetValue(OffsetSnapshot.Key(TopicNames.TransactionHalf, TransactionsActor.ProgressGroup), out var halfProgress);
        savedOffsets.TryGetValue(OffsetSnapshot.Key(TopicNames.TransactionOp, TransactionsActor.ProgressGroup), out var opProgress);
        var transactions = Context.ActorOf(TransactionsActor.Props(
            store, storeActor, offsets, clients, s.StoreHost, settings.Transaction ?? TransactionSettings.Default,
            halfProgress?.GetValueOrDefault(0) ?? 0, opProgress?.GetValueOrDefault(0) ?? 0, s.Time, s.Log, membership), "transactions");
        return new BrokerActors(storeActor, offsets, schedule, clients, groups, transactions) { Resets = resets };
    }

    /// <summary>
    /// Records were copied from the master: every partition checks its held pulls against the
    /// queues' new ends (only partitions with holds or locks exist), and the offset and
    /// subscription-group tables are read again from the log, at most once per
    /// <see cref="ReplicatedReloadInterval"/>.
    /// </summary>
    private void OnReplicatedData()
    {
        foreach (var ((topic, queueId), partition) in _partitions)
        {
            partition.Tell(new MessageArrived(topic, queueId), Self);
        }

        if (_reloadScheduled)
        {
            return;
        }

        _reloadScheduled = true;
        long waitMillis = (long)ReplicatedReloadInterval.TotalMilliseconds - (Environment.TickCount64 - _lastReload);
        if (waitMillis <= 0)
        {
            ReloadFromLog();
        }
        else
        {
            Timers.StartSingleTimer("replicated-reload", ReloadReplicatedState.Instance, TimeSpan.FromMilliseconds(waitMillis));
        }
    }

    private void ReloadFromLog()
    {
        _setup.ReplicatedArrivals?.Reloading();
        _reloadScheduled = false;
        _lastReload = Environment.TickCount64;
        if (_setup.Membership is not { IsMaster: false })
        {
            return;
        }

        try
        {
            _children.Offsets.Tell(new ReplaceOffsetTable(OffsetSnapshot.LoadLatest(_setup.Store)), ActorRefs.NoSender);
            _children.SubscriptionGroups.Tell(new ReloadSubscriptionGroups(SubscriptionGroupsActor.LoadLatest(_setup.Store)), Self);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or System.Text.Json.JsonException or StoreCorruptedException or ArgumentException)
        {
            // This actor is the parent of the whole broker: an unreadable snapshot must not restart it. The next arrival reads again.
            _setup.Log.LogWarning(e, "Replicated offsets or subscription groups could not be read; kept the previous tables");
        }
    }

    private IActorRef Partition(string topic, int queueId)
    {
        if (!_partitions.TryGetValue((topic, queueId), out var partition))
        {
            partition = Context.ActorOf(QueuePartitionActor.Props(_setup.Store, topic, queueId, _setup.Time), QueuePartitionActor.ActorName(topic, queueId));
            _partitions[(topic, queueId)] = partition;
            _setup.ReplicatedArrivals?.PartitionsExist();
        }

        return partition;
    }

    /// <summary>Asks each queue's partition and answers with the queues it holds for the client afterwards.</summary>
    private Task<LockedQueues> GatherLocks(IReadOnlyList<Remoting.Protocol.Json.MessageQueue> queues, Func<Remoting.Protocol.Json.MessageQueue, IQueuePartitionMessage> request)
    {
        var replies = new Task<QueueLockReply>[queues.Count];
        for (int i = 0; i < queues.Count; i++)
        {
            var queue = queues[i];
            replies[i] = Partition(queue.Topic, queue.QueueId).Ask<QueueLockReply>(request(queue), BrokerContext.AskTimeout);
        }

        return CollectAsync(replies);

        static async Task<LockedQueues> CollectAsync(Task<QueueLockReply>[] replies)
        {
            var all = await Task.WhenAll(replies).ConfigureAwait(false);
            var locked = new List<Remoting.Protocol.Json.MessageQueue>(all.Length);
            foreach (var reply in all)
            {
                if (reply.Locked)
                {
                    locked.Add(reply.Queue);
                }
            }

            return new LockedQueues(locked);
        }
    }
}

/// <summary>Records copied from the master were appended to the store (no reply).</summary>
public sealed record ReplicatedDataArrived
{
    public static ReplicatedDataArrived Instance { get; } = new();
}

/// <summary>Re-read the offset and subscription-group tables from the log, if follower (no reply).</summary>
internal sealed record ReloadReplicatedState
{
    public static ReloadReplicatedState Instance { get; } = new();
}

/// <summary>Replies <see cref="BrokerActors"/>.</summary>
public sealed record GetBrokerActors
{
    public static GetBrokerActors Instance { get; } = new();
}

/// <summary>The broker actor's long-lived children, for the request processors.</summary>
public sealed record BrokerActors(
    IActorRef Store,
    IActorRef Offsets,
    IActorRef Schedule,
    IActorRef Clients,
    IActorRef SubscriptionGroups,
    IActorRef Transactions)
{
    /// <summary>Operator resets not yet picked up by a pull; written by <see cref="Offsets"/>, read by the pull path.</summary>
    public required OffsetResets Resets { get; init; }
}

/// <summary>Start the group member (<see cref="Membership.BrokerMemberActor"/>) as this broker's child "member"; replies <see cref="MemberStarted"/>.</summary>
public sealed record StartMember(Props Props);

public sealed record MemberStarted(IActorRef Member);
