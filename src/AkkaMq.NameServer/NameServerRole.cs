using System.Net;
using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.NameServer;

/// <summary>
/// The nameserver role: answers RocketMQ nameserver requests (routes, cluster info, KV config)
/// on its own port. Reads are served from <see cref="RouteTableFeed.Current"/> without an actor
/// hop; changes go to the route registry.
/// </summary>
public sealed class NameServerRole : IAsyncDisposable
{
    private readonly RemotingServer _server;

    private NameServerRole(RemotingServer server) => _server = server;

    /// <summary>The bound endpoint (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;

    /// <param name="controllerPlacement">Where the Controller runs, for CONTROLLER_GET_METADATA_INFO; none outside a node.</param>
    /// <param name="controller">The Controller's singleton proxy, for CONTROLLER_GET_SYNC_STATE_DATA and CONTROLLER_ELECT_MASTER; none outside a node.</param>
    public static Task<NameServerRole> StartAsync(
        NameServerSettings settings,
        RouteTableFeed routes,
        IActorRef routeRegistry,
        ILoggerFactory loggers,
        CancellationToken ct,
        RemotingSettings? remoting = null,
        Func<Cluster.Coordination.ControllerPlacement>? controllerPlacement = null,
        IActorRef? controller = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ct.ThrowIfCancellationRequested();
        var endPoint = HostPort.Parse(settings.Listen, "akkamq.namesrv.listen");
        var config = new NameServerConfigProcessor(loggers.CreateLogger("AkkaMq.NameServer")) { ListenPort = endPoint.Port };
        var handler = new NameServerRequestHandler(
            new RouteProcessor(routes, routeRegistry),
            new KvConfigProcessor(routes, routeRegistry))
        {
            Config = config,
            Controller = new ControllerMetadataProcessor(controllerPlacement),
            ControllerAdmin = new ControllerAdminProcessor(controller),
        };
        var server = new RemotingServer(endPoint, handler, remoting, loggers.CreateLogger("AkkaMq.NameServer"));
        server.Start();
        config.ListenPort = server.LocalEndPoint.Port;
        return Task.FromResult(new NameServerRole(server));
    }

    /// <summary>Shutdown phase 1: close the listener and the connections once their requests finish.</summary>
    public Task StopAcceptingAsync() => _server.StopAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync().ConfigureAwait(false);
}
