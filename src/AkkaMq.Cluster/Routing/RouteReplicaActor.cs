using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// Keeps this node's <see cref="RouteTableFeed"/> in step with the cluster's route registry (a cluster
/// singleton somewhere else) and with cluster membership. Runs on every node.
/// </summary>
/// <remarks>
/// New tables arrive by Akka's distributed publish-subscribe on <see cref="Topic"/>: the registry's
/// node publishes each version once, and the mediator delivers it to every subscribed node, whichever
/// node hosts the singleton now or later — the registry keeps no list of replicas and needs no change
/// when nodes come and go or when it moves. Publish-subscribe delivers at most once, so the replica
/// also asks the registry (through its singleton proxy) for the table when it starts and every
/// <see cref="RefreshInterval"/>: a missed or reordered publish heals within one interval, and the
/// feed ignores any table not newer than the one it holds.
/// Liveness: brokers register with their node's incarnation (<see cref="ClusterNodeId"/>). The replica
/// follows reachability and membership and hands the feed the incarnations the table names that are not
/// serving members, so nameservers stop listing brokers on them; a node that becomes reachable again is
/// listed again, and a node restarted on the same address is listed once its broker registers anew (it
/// does so after the Controller gave it its role), never on the strength of its former incarnation.
/// It also warns when fewer than <see cref="MinimumForFailover"/> members are Up.
/// </remarks>
public sealed class RouteReplicaActor : ReceiveActor, IWithTimers
{
    /// <summary>The publish-subscribe topic the registry's node publishes each new table to.</summary>
    public const string Topic = "akkamq-route-table";

    /// <summary>Below this many Up members a majority cannot survive the loss of a node.</summary>
    public const int MinimumForFailover = 3;

    /// <summary>How often the replica asks the registry for its table besides listening to publishes.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(3);

    private readonly RouteTableFeed _feed;
    private readonly IActorRef _registry;
    private readonly ILogger _log;
    private readonly TimeSpan _refresh;
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly HashSet<Address> _up = [];
    private bool _knowsMembership;
    private IDisposable? _feedSubscription;
    private bool _warnedFewMembers;

    /// <summary>Public for Akka's <see cref="Akka.Actor.Props"/>; use <see cref="Props"/>.</summary>
    public RouteReplicaActor(RouteTableFeed feed, IActorRef registry, ILogger log, TimeSpan refresh)
    {
        _feed = feed;
        _registry = registry;
        _log = log;
        _refresh = refresh;

        Receive<RouteTable>(table => _feed.Publish(table));
        Receive<Refresh>(_ => _registry.Tell(GetRouteTable.Instance, Self));
        Receive<SubscribeAck>(_ => _log.LogDebug("Route replica subscribed to {Topic}", Topic));
        Receive<ClusterEvent.CurrentClusterState>(OnClusterState);
        Receive<ClusterEvent.IMemberEvent>(OnMemberEvent);
        Receive<ClusterEvent.UnreachableMember>(m => ChangeLiveness(() => _unreachable.Add(Key(m.Member))));
        Receive<ClusterEvent.ReachableMember>(m => ChangeLiveness(() => _unreachable.Remove(Key(m.Member))));
        Receive<TableChanged>(_ => ChangeLiveness(static () => { }));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The replica's props; <paramref name="registry"/> is the registry's singleton proxy (or the registry itself).</summary>
    public static Props Props(RouteTableFeed feed, IActorRef registry, ILogger log, TimeSpan? refresh = null)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(log);
        var interval = refresh ?? RefreshInterval;
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refresh), interval, "the refresh interval must be positive");
        }

        return Akka.Actor.Props.Create(() => new RouteReplicaActor(feed, registry, log, interval));
    }

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self));
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(
            Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _registry.Tell(GetRouteTable.Instance, Self);
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, _refresh);
        // A new table may name members on nodes this replica already knows to be gone.
        var self = Self;
        _feedSubscription = _feed.Subscribe(_ => self.Tell(TableChanged.Instance));
    }

    protected override void PostStop()
    {
        _feedSubscription?.Dispose();
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private static string Key(Member member) => ClusterNodeId.Of(member.UniqueAddress);

    private void OnClusterState(ClusterEvent.CurrentClusterState state)
    {
        _up.Clear();
        foreach (var member in state.Members)
        {
            if (member.Status == MemberStatus.Up)
            {
                _up.Add(member.Address);
            }
        }

        ChangeLiveness(() =>
        {
            _knowsMembership = true;
            _members.Clear();
            _members.UnionWith(state.Members.Where(IsServing).Select(Key));
            _unreachable.Clear();
            _unreachable.UnionWith(state.Unreachable.Select(Key));
        });
        if (_up.Count < MinimumForFailover)
        {
            WarnFewMembers();
        }
    }

    private void OnMemberEvent(ClusterEvent.IMemberEvent e)
    {
        var key = Key(e.Member);
        switch (e)
        {
            case ClusterEvent.MemberUp or ClusterEvent.MemberJoined or ClusterEvent.MemberWeaklyUp:
                if (e is ClusterEvent.MemberUp)
                {
                    _up.Add(e.Member.Address);
                    _warnedFewMembers &= _up.Count < MinimumForFailover;
                }

                ChangeLiveness(() => _members.Add(key));
                return;
            case ClusterEvent.MemberRemoved:
                ChangeLiveness(() =>
                {
                    _members.Remove(key);
                    _unreachable.Remove(key);
                });
                break;
            case ClusterEvent.MemberLeft or ClusterEvent.MemberExited or ClusterEvent.MemberDowned:
                ChangeLiveness(() => _members.Remove(key));
                break;
        }

        if (_up.Remove(e.Member.Address) && _up.Count < MinimumForFailover)
        {
            WarnFewMembers();
        }
    }

    private void WarnFewMembers()
    {
        if (_warnedFewMembers)
        {
            return;
        }

        _warnedFewMembers = true;
        _log.LogWarning(
            "The cluster has {Up} member(s) Up; automatic failover needs at least three nodes (a majority must survive the loss of one)",
            _up.Count);
    }

    private static bool IsServing(Member member) =>
        member.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up;

    /// <summary>
    /// Applies <paramref name="change"/> and hands the feed the node incarnations the table names that
    /// are not serving members now: unreachable, leaving, gone — or an earlier incarnation of a node that
    /// restarted, whose registrations the new one has not renewed. Until the first cluster state
    /// arrives nothing is left out.
    /// </summary>
    private void ChangeLiveness(Action change)
    {
        change();
        if (!_knowsMembership)
        {
            return;
        }

        var unavailable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in _feed.Source.Groups.Values)
        {
            foreach (var node in group.NodeAddresses.Values)
            {
                if (!_members.Contains(node) || _unreachable.Contains(node))
                {
                    unavailable.Add(node);
                }
            }
        }

        _feed.SetUnavailableNodes(unavailable);
    }

    private sealed class TableChanged
    {
        public static readonly TableChanged Instance = new();
    }

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }
}
