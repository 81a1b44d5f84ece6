using Akka.Actor;
using AkkaMq.Broker;
using AkkaMq.Broker.Membership;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.NameServer;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// The roles a node's file names, started in order under the node guardian — route registry
/// (cluster state), nameserver, broker — and hooked into Akka's coordinated shutdown: listeners
/// close first (service-unbind), the broker saves consumer offsets while its actors still run
/// (service-requests-done), and the broker's actors stop and its store closes last (service-stop).
/// </summary>
public sealed class NodeRoles
{
    /// <summary>How long the guardian may take to start a role actor.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up waits for the route registry singleton (a controller node must be up).</summary>
    private static readonly TimeSpan RegistryTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long start-up waits for the Controller to give the broker its role, and how often it looks.</summary>
    private static readonly TimeSpan AssignmentTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AssignmentPoll = TimeSpan.FromMilliseconds(50);

    private NodeRoles(NameServerRole? nameServer, BrokerRole? broker, ControlPlane controlPlane)
    {
        NameServer = nameServer;
        Broker = broker;
        ControlPlane = controlPlane;
    }

    /// <summary>This node's proxies to the route registry and the controller, and its route replica.</summary>
    public ControlPlane ControlPlane { get; }

    public NameServerRole? NameServer { get; }

    public BrokerRole? Broker { get; }

    /// <summary>The broker's group member (/user/node/broker/member); it answers <see cref="GetMemberAssignment"/>. Null without the broker role.</summary>
    public IActorRef? BrokerMember { get; private init; }

    /// <summary>Starts the roles' actors as children of <paramref name="guardian"/> (a <see cref="NodeGuardianActor"/>).</summary>
    /// <param name="configureBroker">Adjusts the broker role's options before it starts (tests slow its disk); none by default.</param>
    public static async Task<NodeRoles> StartAsync(
        NodeSettings settings, ActorSystem system, IActorRef guardian, ILoggerFactory loggers, CancellationToken ct,
        Func<BrokerRoleOptions, BrokerRoleOptions>? configureBroker = null)
    {
        configureBroker ??= static options => options;
        var log = loggers.CreateLogger("AkkaMq.Node");
        SpawnActor spawn = async (props, name) =>
            (await guardian.Ask<RoleActorStarted>(new StartRoleActor(props, name), StartTimeout, ct).ConfigureAwait(false)).Actor;
        // The route registry and the controller run as cluster singletons on controller nodes; the
        // registry recovers from the control-state journal (importing a route table the file-based
        // store left behind) and the roles start once it answers through its proxy.
        var routes = new RouteTableFeed(RouteTable.Empty);
        var options = new ControlPlaneOptions
        {
            Registry = new RouteRegistryOptions { LegacyDirectory = ControlStatePersistence.DirectoryFor(settings.Broker.Store.Dir) },
            Controller = new ControllerOptions((settings.Controller ?? ControllerSettings.Default).AllowUncleanElection),
        };
        var controlPlane = ControlPlane.Start(system, routes, loggers, options);
        await controlPlane.WaitUntilReadyAsync(RegistryTimeout, log, ct).ConfigureAwait(false);
        var registry = controlPlane.Registry;

        NameServerRole? nameServer = null;
        if (settings.Has(NodeRole.Namesrv))
        {
            nameServer = await NameServerRole.StartAsync(settings.Namesrv, routes, registry, loggers, ct, settings.RemotingSettings,
                () => ControllerPlacement.Of(system, settings.ClusterName, controlPlane.SingletonRole),
                controlPlane.Controller).ConfigureAwait(false);
            log.LogInformation("namesrv listening on {EndPoint}", nameServer.LocalEndPoint);
        }

        BrokerRole? broker = null;
        IActorRef? member = null;
        if (settings.Has(NodeRole.Broker))
        {
            var nodeAddress = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
            var brokerOptions = new BrokerRoleOptions(settings.ClusterName, settings.Broker)
            {
                Remoting = settings.RemotingSettings,
                ServeReplication = true,
                AwaitAssignment = true,
                NodeAddress = AkkaMq.Cluster.ClusterNodeId.Of(system),
            };
            broker = await BrokerRole.StartAsync(spawn, configureBroker(brokerOptions), routes, registry, loggers, ct).ConfigureAwait(false);
            log.LogInformation("broker listening on {EndPoint}, advertised as {Address}", broker.LocalEndPoint, broker.AdvertisedAddress);
            log.LogInformation("broker replication listening for followers, advertised as {Address}", broker.ReplicationAddress);
            member = await broker.StartMemberAsync(controlPlane.Controller,
                new BrokerMemberOptions(settings.ClusterName, settings.Broker.Group, settings.Broker.BrokerId, settings.NodeName, nodeAddress),
                loggers.CreateLogger("AkkaMq.Broker.Member"), ct).ConfigureAwait(false);
            await WaitForAssignmentAsync(member, settings.Broker.Group, log, ct).ConfigureAwait(false);
        }

        var roles = new NodeRoles(nameServer, broker, controlPlane) { BrokerMember = member };
        roles.AddShutdownTasks(CoordinatedShutdown.Get(system));
        return roles;
    }

    /// <summary>
    /// Waits until the group member has taken the role the Controller assigns (master, or follower
    /// of a known master), so a started node serves as what it is. Without an answer in time the
    /// node starts anyway: its broker takes no writes and stays out of routes while the member keeps asking.
    /// </summary>
    private static async Task WaitForAssignmentAsync(IActorRef member, string group, ILogger log, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + AssignmentTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var current = await member.Ask<MemberAssignment>(GetMemberAssignment.Instance, StartTimeout, ct).ConfigureAwait(false);
            if (current.Assignment is { } a)
            {
                log.LogInformation("broker {Group}: {Role} (broker id {Id}) in master epoch {Epoch}", group,
                    a.IsMaster ? "master" : "follower of " + (a.MasterBrokerAddress ?? "no master yet"), a.BrokerId, a.MasterEpoch);
                return;
            }

            await Task.Delay(AssignmentPoll, ct).ConfigureAwait(false);
        }

        log.LogWarning("broker {Group}: no role from the controller within {Timeout}; it takes no writes and is not in routes until it has one (the member keeps asking; its log says why)",
            group, AssignmentTimeout);
    }

    private void AddShutdownTasks(CoordinatedShutdown shutdown)
    {
        if (NameServer is { } nameServer)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "namesrv-listener", () => Done(nameServer.StopAcceptingAsync()));
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "namesrv", () => Done(nameServer.DisposeAsync().AsTask()));
        }

        if (Broker is { } broker)
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "broker-listener", () => Done(broker.StopAcceptingAsync()));
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "broker-offsets", () => Done(broker.FlushAsync()));
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "broker-store", () => Done(broker.DisposeAsync().AsTask()));
        }
    }

    private static async Task<Akka.Done> Done(Task task)
    {
        await task.ConfigureAwait(false);
        return Akka.Done.Instance;
    }
}
