using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>What the request processors share: settings, the store (read side), the route table, and the broker's actors.</summary>
internal sealed class BrokerContext
{
    public required string ClusterName { get; init; }

    private BrokerSettings _settings = null!;

    /// <summary>
    /// The broker's settings. UPDATE_BROKER_CONFIG swaps in a changed copy (only its live keys
    /// differ, see <see cref="LiveConfig.BrokerConfigTable"/>); a reader takes one snapshot per use.
    /// </summary>
    public required BrokerSettings Settings { get => Volatile.Read(ref _settings); init => _settings = value; }

    /// <summary>Publishes settings changed at run time; only the config processor calls it, one update at a time.</summary>
    public void ReplaceSettings(BrokerSettings next) => Volatile.Write(ref _settings, next);

    /// <summary>The port the broker listens on (the bound one when configured as 0).</summary>
    public int ListenPort { get; init; }

    public required MessageStore Store { get; init; }

    public required RouteTableFeed Routes { get; init; }

    public required IActorRef RouteRegistry { get; init; }

    /// <summary>The broker actor: messages for a queue partition (holds, locks) go through it.</summary>
    public required IActorRef Broker { get; init; }

    public required IActorRef StoreActor { get; init; }

    /// <summary>Which appends of replicated records the broker actor is told of (shared with it).</summary>
    public required Replication.ReplicatedArrivals ReplicatedArrivals { get; init; }

    /// <summary>Bounds the sends waiting for the store (<see cref="Broker.SendQueue"/>); unbounded when null.</summary>
    public SendQueue? SendQueue { get; init; }

    public required IActorRef Offsets { get; init; }

    /// <summary>Operator resets waiting for the group's next pull of each queue (<see cref="OffsetResets"/>).</summary>
    public required OffsetResets Resets { get; init; }

    public required IActorRef Clients { get; init; }

    public required IActorRef Schedule { get; init; }

    /// <summary>Half messages, commit/rollback and check-back (<see cref="Transactions.TransactionsActor"/>).</summary>
    public required IActorRef Transactions { get; init; }

    public required ConsumerSubscriptions Subscriptions { get; init; }

    /// <summary>Declared subscription groups (read side); changed only through <see cref="SubscriptionGroupsActor"/>.</summary>
    public required SubscriptionGroups.SubscriptionGroupFeed SubscriptionGroups { get; init; }

    public required IActorRef SubscriptionGroupsActor { get; init; }

    /// <summary>Compiled SQL92 selectors of the consumer groups' subscriptions.</summary>
    public Filtering.SqlFilterCache SqlFilters { get; } = new();

    /// <summary>The advertised address: store host of every record and the address in routes and message ids.</summary>
    public required IPv4Endpoint StoreHost { get; init; }

    /// <summary><see cref="StoreHost"/> as <c>ip:port</c>.</summary>
    public required string BrokerAddress { get; init; }

    public required ILogger Log { get; init; }

    /// <summary>Per-topic and per-group counters with minute, hour and day windows (VIEW_BROKER_STATS_DATA).</summary>
    public required global::AkkaMq.Broker.Stats.BrokerStatsService StatsService { get; init; }

    /// <summary>Master or follower, and under which id (read lock-free; published by the role's transitions).</summary>
    public Membership.BrokerMembership Membership { get; init; } = AkkaMq.Broker.Membership.BrokerMembership.StandaloneMaster();

    public string Group => Settings.Group;

    /// <summary>Largest message body a send may carry (RocketMQ maxMessageSize).</summary>
    public int MaxMessageSize => Store.Settings.MaxMessageSize;

    /// <summary>Largest stored record: a buffer this big holds any record the store returns.</summary>
    public int MaxRecordSize => Store.Settings.MaxRecordSize;

    /// <summary>How long a processor waits for one of the broker's actors.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The in-sync replication gate sends wait on before SEND_OK; null when this broker does not serve replication.</summary>
    public Replication.InSyncReplicas? InSync { get; init; }

    /// <summary>The running replication server or follower's status, for GET_BROKER_HA_STATUS; null: not replicating.</summary>
    public Func<Replication.ReplicationStatus?>? ReplicationStatus { get; init; }
}
