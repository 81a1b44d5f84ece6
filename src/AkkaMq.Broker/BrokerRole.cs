using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using AkkaMq.Broker.Transactions;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>What the node host hands the broker role.</summary>
public sealed record BrokerRoleOptions(string ClusterName, BrokerSettings Settings)
{
    /// <summary>The broker's clock (client expiry, lock leases, transaction checks); tests move it by hand.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Limits of the broker's connections (<c>akkamq.remoting</c>).</summary>
    public RemotingSettings Remoting { get; init; } = RemotingSettings.Default;

    /// <summary>Runs before each group-commit flush, on the flushing thread: tests make the disk slow with it.</summary>
    public Action? BeforeFlush { get; init; }

    /// <summary>
    /// The replication status source for GET_BROKER_HA_STATUS (907): the node returns its running
    /// ReplicationServer.GetStatus() or ReplicationFollower.GetStatus(), or null when it runs neither.
    /// </summary>
    public Func<Replication.ReplicationStatus?>? ReplicationStatus { get; init; }

    /// <summary>
    /// Listen for followers on <c>akkamq.broker.replication.listen</c> (the node sets it; tests of a
    /// lone broker leave it off). The server answers only once a member gives it leadership.
    /// </summary>
    public bool ServeReplication { get; init; }

    /// <summary>
    /// Start refusing writes and unregistered, whatever the configured broker id, until the group
    /// member applies the Controller's assignment (<see cref="BrokerRole.BecomeMasterAsync"/> or
    /// <see cref="BrokerRole.BecomeFollowerAsync"/>): a node never writes as a master the
    /// Controller has not confirmed. Off for a lone broker (tests), which starts as configured.
    /// </summary>
    public bool AwaitAssignment { get; init; }

    /// <summary>This node's incarnation (ClusterNodeId), registered with the broker so routes leave it out once that incarnation is not serving.</summary>
    public string? NodeAddress { get; init; }

    /// <summary>The storage under the broker's store (the local disk when null); tests pass a <see cref="FaultableDevice"/> to fail the disk of a running broker.</summary>
    public StoreDevice? Device { get; init; }
}

/// <summary>Starts an actor under the node's guardian (or, in tests, at the top of a system) and returns it once it runs.</summary>
public delegate Task<IActorRef> SpawnActor(Props props, string name);

/// <summary>
/// The broker role of a single node: master (broker id 0) of its group or, with
/// <c>akkamq.broker.broker-id</c> >= 1 or after <see cref="BecomeFollowerAsync"/>, a follower that
/// refuses writes and serves reads from the master's replicated records. Opens the
/// store, starts the <see cref="BrokerActor"/> with every broker actor under it, registers with
/// the route registry, and serves RocketMQ broker requests on the listen port (and on listen − 2,
/// the VIP port of old Java clients).
/// </summary>
public sealed partial class BrokerRole : IAsyncDisposable
{
    /// <summary>The broker actor's name under its parent.</summary>
    public const string ActorName = "broker";

    private readonly List<RemotingServer> _servers;
    private readonly BrokerContext _context;
    private int _disposed;
    private Task? _stopAccepting;
    private int _flushed;

    private BrokerRole(List<RemotingServer> servers, BrokerContext context, ReplicationEndpoints? replication)
    {
        _servers = servers;
        _context = context;
        _replication = replication;
    }

    /// <summary>The bound broker endpoint (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint => _servers[0].LocalEndPoint;

    /// <summary>Connections the broker serves now, on both ports.</summary>
    public int ConnectionCount
    {
        get
        {
            int count = 0;
            foreach (var server in _servers)
            {
                count += server.Connections.Count;
            }

            return count;
        }
    }

    /// <summary>The transactions actor (tests ask it how many halves are open).</summary>
    internal IActorRef Transactions => _context.Transactions;

    /// <summary>The broker actor (tests tell it what the shutdown phases tell it).</summary>
    internal IActorRef BrokerActorRef => _context.Broker;

    /// <summary>Why the broker's store stopped taking writes (a fatal disk error), or null while it works.</summary>
    public string? StoreFailure => _context.Store.FatalError;

    /// <summary>
    /// Raised once when the store meets a fatal disk error, with the reason (the group member
    /// tells the Controller, which elects another master). Raised on the thread that met the
    /// failure: handlers return quickly. Check <see cref="StoreFailure"/> after subscribing, in case it came first.
    /// </summary>
    public event Action<string>? StoreFailed
    {
        add => _context.Store.Failed += value;
        remove => _context.Store.Failed -= value;
    }

    /// <summary>The address published in routes and message ids (<c>ip:port</c>).</summary>
    public string AdvertisedAddress => _context.BrokerAddress;

    public static async Task<BrokerRole> StartAsync(
        SpawnActor spawn,
        BrokerRoleOptions options,
        RouteTableFeed routes,
        IActorRef routeRegistry,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spawn);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Settings;
        var log = loggers.CreateLogger("AkkaMq.Broker");
        if (settings.BrokerId < 0)
        {
            throw new ArgumentException("akkamq.broker.broker-id must be 0 (master) or more (follower), got " + settings.BrokerId.ToString(CultureInfo.InvariantCulture));
        }

        var listen = HostPort.Parse(settings.Listen, "akkamq.broker.listen");
        var advertise = HostPort.Parse(settings.Advertise, "akkamq.broker.advertise");
        if (advertise.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("akkamq.broker.advertise must be an IPv4 host:port (4.x clients read 4-byte hosts), got " + settings.Advertise);
        }

        var store = await Task.Run(() => MessageStore.Open(options.Device is { } device ? settings.Store.ToStoreSettings() with { Device = device } : settings.Store.ToStoreSettings(), loggers.CreateLogger("AkkaMq.Store"), options.Time), ct).ConfigureAwait(false);
        var handler = new BrokerRequestHandler();
        var servers = StartServers(listen, handler, options.Remoting, loggers.CreateLogger("AkkaMq.Broker.Remoting"), log);
        if (advertise.Port == 0)
        {
            advertise = new IPEndPoint(advertise.Address, servers[0].LocalEndPoint.Port);
        }

        var storeHost = IPv4Endpoint.From(advertise);
        string address = advertise.Address + ":" + advertise.Port.ToString(CultureInfo.InvariantCulture);
        var subscriptions = new ConsumerSubscriptions();
        var groupFeed = new SubscriptionGroups.SubscriptionGroupFeed(SubscriptionGroups.SubscriptionGroupsActor.LoadLatest(store));
        var sendQueue = new SendQueue(settings.SendQueue ?? SendQueueSettings.Default);
        var membership = new Membership.BrokerMembership(settings.BrokerId == 0 && !options.AwaitAssignment
            ? new Membership.MembershipState(0, true, 0, address)
            : new Membership.MembershipState(settings.BrokerId, false, 0, null));
        store.AcceptsLocalAppends = membership.IsMaster;
        var replication = options.ServeReplication ? StartReplication(store, settings.Replication, loggers, options.Time) : null;
        var arrivals = new Replication.ReplicatedArrivals();
        var setup = new BrokerActorSetup(store, settings, storeHost, subscriptions, groupFeed, options.Time, log, sendQueue, options.BeforeFlush, membership,
            replication is null ? null : replication.Server.NotifyAppended, arrivals);
        var broker = await spawn(BrokerActor.Props(setup), ActorName).ConfigureAwait(false);
        var actors = await broker.Ask<BrokerActors>(GetBrokerActors.Instance, BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        var context = new BrokerContext
        {
            ClusterName = options.ClusterName,
            Settings = settings,
            Store = store,
            Routes = routes,
            RouteRegistry = routeRegistry,
            Broker = broker,
            StoreActor = actors.Store,
            Offsets = actors.Offsets,
            Resets = actors.Resets,
            Clients = actors.Clients,
            Schedule = actors.Schedule,
            Transactions = actors.Transactions,
            Subscriptions = subscriptions,
            SubscriptionGroups = groupFeed,
            SubscriptionGroupsActor = actors.SubscriptionGroups,
            StoreHost = storeHost,
            BrokerAddress = address,
            ListenPort = servers[0].LocalEndPoint.Port,
            Log = log,
            StatsService = new Stats.BrokerStatsService(options.ClusterName, options.Time),
            SendQueue = sendQueue,
            Membership = membership,
            ReplicationStatus = options.ReplicationStatus ?? (replication is null ? null : replication.Status),
            InSync = replication?.InSync,
            ReplicatedArrivals = arrivals,
        };
        foreach (var server in servers)
        {
            server.ConnectionClosed += connection => actors.Clients.Tell(new ClientConnectionClosed(connection), ActorRefs.NoSender);
        }

        var role = new BrokerRole(servers, context, replication) { NodeAddress = options.NodeAddress };
        if (!options.AwaitAssignment)
        {
            await role.RegisterAsync(ct).ConfigureAwait(false);
        }

        handler.Activate(context);
        log.LogInformation("Broker {Group} of cluster {Cluster} serving on {Listen}, advertised as {Address}, as {Role} (broker id {Id})",
            settings.Group, options.ClusterName, role.LocalEndPoint, address, membership.IsMaster ? "master" : "follower", membership.BrokerId);
        return role;
    }

    /// <summary>Shutdown phase 1: answer held pulls, close the listeners and connections once their requests finish.</summary>
    public Task StopAcceptingAsync()
    {
        lock (_servers)
        {
            return _stopAccepting ??= StopServersAsync();
        }
    }

    private async Task StopServersAsync()
    {
        _context.Broker.Tell(ReleaseAllHolds.Instance, ActorRefs.NoSender);
        var stops = new List<Task>();
        foreach (var server in _servers)
        {
            stops.Add(server.StopAsync());
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    /// <summary>Stores a consumer-offset snapshot, then flushes the commit log; needs the broker actors alive (shutdown drain phase).</summary>
    public async Task FlushAsync()
    {
        Volatile.Write(ref _flushed, 1);
        await _context.Schedule.Ask<DeliveriesPaused>(PauseDeliveries.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
        await _context.Offsets.Ask<OffsetsPersisted>(PersistOffsets.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
        await _context.StoreActor.Ask<StoreFlushed>(FlushStore.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the role: listeners, then transactions (no check-back may start), then — unless the
    /// drain phase already did — offsets and a flush; then the broker actor with all its children,
    /// and the store is closed last.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAcceptingAsync().ConfigureAwait(false);
        // No replicated bytes arrive, and no follower fetches, while the store is being closed.
        await StopReplicationAsync().ConfigureAwait(false);
        try
        {
            await _context.Transactions.GracefulStop(BrokerContext.AskTimeout).ConfigureAwait(false);
            if (Volatile.Read(ref _flushed) == 0)
            {
                await FlushAsync().ConfigureAwait(false);
            }

            await _context.StoreActor.Ask<StoreFlushed>(CloseStore.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
            await _context.Broker.GracefulStop(BrokerContext.AskTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            // The actor system is already shut down: the store's own close below still checkpoints and flushes.
            _context.Log.LogWarning("Broker actors did not answer during dispose ({Reason}); closing the store directly", e.Message);
        }

        _context.Store.Dispose();
        _context.StatsService.Dispose();
    }

    /// <summary>Publishes this node under its current broker id and, as master with auto-create on, the TBW102 template.</summary>
    private async Task RegisterAsync(CancellationToken ct)
    {
        var settings = _context.Settings;
        var state = _context.Membership.State;
        var member = new RegisterBrokerMember(_context.ClusterName, settings.Group, state.BrokerId, _context.BrokerAddress, NodeAddress);
        var registered = await RouteRegistryRequests.ChangeAsync(_context.RouteRegistry, member, ct).ConfigureAwait(false);
        if (!registered.IsAccepted)
        {
            throw new InvalidOperationException("broker registration refused: " + registered.Rejection);
        }

        if (settings.AutoCreateTopic && state.IsMaster)
        {
            int queues = settings.DefaultQueuesPerTopic;
            var template = new TopicConfig(TopicNames.AutoCreateTemplate, queues, queues, Perm.ReadWrite | Perm.Inherit);
            var (status, _, problem) = await TopicResolver.EnsureAsync(_context, template, ct).ConfigureAwait(false);
            if (status != TopicLookupStatus.Found)
            {
                throw new InvalidOperationException("TBW102 could not be created: " + problem);
            }
        }
    }

    private static List<RemotingServer> StartServers(IPEndPoint listen, BrokerRequestHandler handler, RemotingSettings remoting, ILogger remotingLog, ILogger log)
    {
        var main = new RemotingServer(listen, handler, remoting, remotingLog);
        main.Start();
        var servers = new List<RemotingServer> { main };
        if (listen.Port > 2)
        {
            // Java clients up to 4.4 send everything but pulls to listen − 2 (the VIP channel).
            var vip = new RemotingServer(new IPEndPoint(listen.Address, listen.Port - 2), handler, remoting, remotingLog);
            try
            {
                vip.Start();
                servers.Add(vip);
            }
            catch (SocketException e)
            {
                log.LogWarning("VIP port {Port} not opened: {Reason}", listen.Port - 2, e.Message);
            }
        }

        return servers;
    }
}
