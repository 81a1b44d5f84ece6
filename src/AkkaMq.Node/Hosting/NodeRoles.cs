using AkkaMq.Actors;
using AkkaMq.Broker;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.NameServer;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// The roles a node's file names, started in order — route registry (cluster state), nameserver,
/// broker — and hooked into the coordinated shutdown: listeners close first, the broker saves
/// consumer offsets while its actors still run, and the store closes last.
/// </summary>
/// <remarks>
/// With embedded coordination the node keeps the route registry itself, its state in
/// <c>&lt;store dir&gt;/control</c>; an etcd-coordinated cluster will elect one controller instead.
/// </remarks>
public sealed class NodeRoles
{
    private NodeRoles(NameServerRole? nameServer, BrokerRole? broker)
    {
        NameServer = nameServer;
        Broker = broker;
    }

    public NameServerRole? NameServer { get; }

    public BrokerRole? Broker { get; }

    public static async Task<NodeRoles> StartAsync(NodeSettings settings, ActorSystem system, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger("AkkaMq.Node");
        var control = new FileControlStateStore(Path.Combine(Path.GetFullPath(settings.Broker.Store.Dir), "control"));
        var initial = await RouteRegistryActor.LoadAsync(control, ct).ConfigureAwait(false);
        var routes = new RouteTableFeed(initial);
        var registry = system.ActorOf(RouteRegistryActor.Props(initial, control, routes, loggers.CreateLogger("AkkaMq.Cluster")), "route-registry");

        NameServerRole? nameServer = null;
        if (settings.Has(NodeRole.Namesrv))
        {
            nameServer = await NameServerRole.StartAsync(system, settings.Namesrv, routes, registry, loggers, ct).ConfigureAwait(false);
            log.LogInformation("namesrv listening on {EndPoint}", nameServer.LocalEndPoint);
        }

        BrokerRole? broker = null;
        if (settings.Has(NodeRole.Broker))
        {
            broker = await BrokerRole.StartAsync(system, new BrokerRoleOptions(settings.ClusterName, settings.Broker), routes, registry, loggers, ct).ConfigureAwait(false);
            log.LogInformation("broker listening on {EndPoint}, advertised as {Address}", broker.LocalEndPoint, broker.AdvertisedAddress);
        }

        var roles = new NodeRoles(nameServer, broker);
        roles.AddShutdownTasks(system.CoordinatedShutdown);
        return roles;
    }

    private void AddShutdownTasks(CoordinatedShutdown shutdown)
    {
        if (NameServer is { } nameServer)
        {
            shutdown.AddTask(ShutdownPhase.StopAccepting, "namesrv-listener", _ => nameServer.StopAcceptingAsync());
        }

        if (Broker is { } broker)
        {
            shutdown.AddTask(ShutdownPhase.StopAccepting, "broker-listener", _ => broker.StopAcceptingAsync());
            shutdown.AddTask(ShutdownPhase.Drain, "broker-offsets", _ => broker.FlushAsync());
            shutdown.AddTask(ShutdownPhase.Flush, "broker-store", _ => broker.DisposeAsync().AsTask());
        }

        if (NameServer is { } ns)
        {
            shutdown.AddTask(ShutdownPhase.Flush, "namesrv", _ => ns.DisposeAsync().AsTask());
        }
    }
}
