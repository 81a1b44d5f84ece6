using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Cluster.Tools.Singleton;
using AkkaMq.Cluster.Routing;
using Microsoft.Extensions.Logging;
using AkkaConfig = Akka.Configuration.Config;

namespace AkkaMq.Cluster.Coordination;

/// <summary>Settings of a node's part of the control plane.</summary>
public sealed record ControlPlaneOptions
{
    public static ControlPlaneOptions Default { get; } = new();

    /// <summary>The route registry's settings (snapshot interval, legacy import directory) wherever the singleton runs.</summary>
    public RouteRegistryOptions Registry { get; init; } = RouteRegistryOptions.Default;

    /// <summary>How often each node's replica asks the registry for its table besides listening to publishes.</summary>
    public TimeSpan RefreshInterval { get; init; } = RouteReplicaActor.RefreshInterval;

    /// <summary>The controller saves a snapshot after about this many events.</summary>
    public int ControllerSnapshotInterval { get; init; } = 100;

    /// <summary>The controller's election settings wherever the singleton runs.</summary>
    public ControllerOptions Controller { get; init; } = ControllerOptions.Default;

    /// <summary>
    /// The cluster role whose nodes host the singletons; null: any node. A node that forms a cluster of
    /// its own (no seed nodes) hosts them whatever its roles, as a standalone node always has.
    /// </summary>
    public string? SingletonRole { get; init; } = ControlPlane.ControllerRole;
}

/// <summary>
/// Starts a node's part of the control plane: the route registry and the controller as cluster
/// singletons hosted by <see cref="ControllerRole"/> nodes (<c>/user/routes</c>, <c>/user/controller</c>),
/// their proxies on this node (<c>/user/routes-proxy</c>, <c>/user/controller-proxy</c>), and the route
/// replica (<c>/user/routes-replica</c>) that feeds this node's <see cref="RouteTableFeed"/>.
/// </summary>
public sealed class ControlPlane
{
    /// <summary>The Akka cluster role of nodes that may host the singletons.</summary>
    public const string ControllerRole = "controller";

    private ControlPlane(IActorRef registry, IActorRef controller, IActorRef replica, RouteTableFeed feed, string? singletonRole)
    {
        Registry = registry;
        Controller = controller;
        Replica = replica;
        Feed = feed;
        SingletonRole = singletonRole;
    }

    /// <summary>The role of the nodes that host the singletons here; null: any node (a node that formed a cluster of its own).</summary>
    public string? SingletonRole { get; }

    /// <summary>Akka settings the control plane needs (singletons, publish-subscribe, their serializers); add them to the system's configuration.</summary>
    public static AkkaConfig DefaultConfig { get; } = ClusterSingleton.DefaultConfig()
        .WithFallback(ClusterSingletonProxy.DefaultConfig())
        .WithFallback(DistributedPubSub.DefaultConfig());

    /// <summary>The route registry's singleton proxy: send it the registry's messages.</summary>
    public IActorRef Registry { get; }

    /// <summary>The controller's singleton proxy: send it the controller's messages.</summary>
    public IActorRef Controller { get; }

    /// <summary>This node's route replica.</summary>
    public IActorRef Replica { get; }

    /// <summary>This node's route table feed, kept current by <see cref="Replica"/>.</summary>
    public RouteTableFeed Feed { get; }

    /// <summary>
    /// Creates the singleton managers, proxies and replica as top-level actors of <paramref name="system"/>
    /// (a cluster member). Nothing waits here; see <see cref="WaitUntilReadyAsync"/>.
    /// </summary>
    public static ControlPlane Start(ActorSystem system, RouteTableFeed feed, ILoggerFactory loggers, ControlPlaneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(loggers);
        options ??= ControlPlaneOptions.Default;
        system.Settings.InjectTopLevelFallback(DefaultConfig);
        var log = loggers.CreateLogger("AkkaMq.Cluster");

        // The singleton registry publishes into a feed of its own on whichever node hosts it. Each new
        // table goes straight into that node's feed (before the change is answered, so the node that
        // hosts the registry — every standalone node — answers from it at once) and to every other
        // node's replica by publish-subscribe (see RouteReplicaActor).
        var registryFeed = new RouteTableFeed(RouteTable.Empty);
        var mediator = DistributedPubSub.Get(system).Mediator;
        registryFeed.Subscribe(table =>
        {
            feed.Publish(table);
            mediator.Tell(new Publish(RouteReplicaActor.Topic, table));
        });

        var role = options.SingletonRole;
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (role is not null && !cluster.SelfRoles.Contains(role) && cluster.Settings.SeedNodes.Count == 0)
        {
            log.LogInformation("This node forms a cluster of its own without role {Role}; it hosts the route registry and the controller itself", role);
            role = null;
        }

        var managerSettings = ClusterSingletonManagerSettings.Create(system).WithRole(role);
        var proxySettings = ClusterSingletonProxySettings.Create(system).WithRole(role);
        var hosts = role is null || cluster.SelfRoles.Contains(role);
        if (hosts)
        {
            system.ActorOf(
                ClusterSingletonManager.Props(RouteRegistryActor.Props(registryFeed, log, options.Registry), PoisonPill.Instance, managerSettings), "routes");
        }

        var registry = system.ActorOf(ClusterSingletonProxy.Props("/user/routes", proxySettings), "routes-proxy");
        if (hosts)
        {
            system.ActorOf(
                ClusterSingletonManager.Props(ControllerActor.Props(log, options.ControllerSnapshotInterval, options.Controller), PoisonPill.Instance, managerSettings), "controller");
        }

        var controller = system.ActorOf(ClusterSingletonProxy.Props("/user/controller", proxySettings), "controller-proxy");
        var replica = system.ActorOf(RouteReplicaActor.Props(feed, registry, log, options.RefreshInterval), "routes-replica");
        return new ControlPlane(registry, controller, replica, feed, role);
    }

    /// <summary>
    /// Waits until the route registry answers through its proxy (the singleton has started somewhere and
    /// recovered), puts its table into <see cref="Feed"/> and returns it. Throws
    /// <see cref="RouteRegistryStartException"/> when no answer comes within <paramref name="timeout"/>.
    /// </summary>
    public async Task<RouteTable> WaitUntilReadyAsync(TimeSpan timeout, ILogger log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        log.LogInformation("Waiting up to {Timeout} for the route registry (a cluster singleton on a node with role {Role})", timeout, ControllerRole);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new RouteRegistryStartException(
                    $"the route registry did not answer within {timeout}: no node with role '{ControllerRole}' is up and reachable, or it cannot read its journal (its log says why)");
            }

            try
            {
                var table = await Registry.Ask<RouteTable>(GetRouteTable.Instance, left < TimeSpan.FromSeconds(2) ? left : TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
                Feed.Publish(table);
                log.LogInformation("Route registry answered (table version {Version})", table.Version);
                return table;
            }
            catch (AskTimeoutException)
            {
                log.LogDebug("Route registry not answering yet; asking again");
            }
        }
    }
}
