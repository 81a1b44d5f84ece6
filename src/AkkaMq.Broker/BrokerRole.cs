using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Actors;
using AkkaMq.Broker.Transactions;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>What the node host hands the broker role.</summary>
public sealed record BrokerRoleOptions(string ClusterName, BrokerSettings Settings);

/// <summary>
/// The broker role of a single node: this node is master (broker id 0) of its group. Opens the
/// store, registers with the route registry, and serves RocketMQ broker requests on the listen
/// port (and on listen − 2, the VIP port of old Java clients).
/// </summary>
public sealed class BrokerRole : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly List<RemotingServer> _servers;
    private readonly BrokerContext _context;
    private int _disposed;
    private Task? _stopAccepting;
    private int _flushed;

    private BrokerRole(ActorSystem system, List<RemotingServer> servers, BrokerContext context)
    {
        _system = system;
        _servers = servers;
        _context = context;
    }

    /// <summary>The bound broker endpoint (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint => _servers[0].LocalEndPoint;

    /// <summary>The store this role writes (tests inspect its counters).</summary>
    internal MessageStore Store => _context.Store;

    /// <summary>The transactions actor (tests ask it how many halves are open).</summary>
    internal IActorRef Transactions => _context.Transactions;

    /// <summary>The address published in routes and message ids (<c>ip:port</c>).</summary>
    public string AdvertisedAddress => _context.BrokerAddress;

    public static async Task<BrokerRole> StartAsync(
        ActorSystem system,
        BrokerRoleOptions options,
        RouteTableFeed routes,
        IActorRef routeRegistry,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Settings;
        var log = loggers.CreateLogger("AkkaMq.Broker");
        var listen = HostPort.Parse(settings.Listen, "akkamq.broker.listen");
        var advertise = HostPort.Parse(settings.Advertise, "akkamq.broker.advertise");
        if (advertise.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("akkamq.broker.advertise must be an IPv4 host:port (4.x clients read 4-byte hosts), got " + settings.Advertise);
        }

        var store = await Task.Run(() => MessageStore.Open(settings.Store.ToStoreSettings(), loggers.CreateLogger("AkkaMq.Store")), ct).ConfigureAwait(false);
        var handler = new BrokerRequestHandler();
        var servers = StartServers(listen, handler, loggers.CreateLogger("AkkaMq.Broker.Remoting"), log);
        if (advertise.Port == 0)
        {
            advertise = new IPEndPoint(advertise.Address, servers[0].LocalEndPoint.Port);
        }

        var storeHost = IPv4Endpoint.From(advertise);
        string address = advertise.Address + ":" + advertise.Port.ToString(CultureInfo.InvariantCulture);
        var subscriptions = new ConsumerSubscriptions();
        var holds = system.ActorOf(PullHoldActor.Props(store));
        var storeActor = system.ActorOf(StoreActor.Props(store, holds, log));
        var savedOffsets = OffsetSnapshot.LoadLatest(store);
        var offsets = system.ActorOf(OffsetsActor.Props(savedOffsets, storeActor, storeHost, settings.Store.FileReservedTime, log));
        savedOffsets.TryGetValue(OffsetSnapshot.Key(TopicNames.Schedule, ScheduleActor.ProgressGroup), out var scheduleProgress);
        var schedule = system.ActorOf(ScheduleActor.Props(store, storeActor, offsets, storeHost, scheduleProgress, DelayLevels.Resolve(settings.MessageDelayLevels), log));
        var clients = system.ActorOf(ClientsActor.Props(subscriptions, log));
        var groupFeed = new SubscriptionGroups.SubscriptionGroupFeed(SubscriptionGroups.SubscriptionGroupsActor.LoadLatest(store));
        var groups = system.ActorOf(SubscriptionGroups.SubscriptionGroupsActor.Props(storeActor, storeHost, groupFeed, settings.Store.FileReservedTime, log));
        var locks = system.ActorOf(QueueLockActor.Props(system.TimeProvider));
        savedOffsets.TryGetValue(OffsetSnapshot.Key(TopicNames.TransactionHalf, TransactionsActor.ProgressGroup), out var halfProgress);
        savedOffsets.TryGetValue(OffsetSnapshot.Key(TopicNames.TransactionOp, TransactionsActor.ProgressGroup), out var opProgress);
        var transactions = system.ActorOf(TransactionsActor.Props(
            store, storeActor, offsets, clients, storeHost, settings.Transaction ?? TransactionSettings.Default,
            halfProgress?.GetValueOrDefault(0) ?? 0, opProgress?.GetValueOrDefault(0) ?? 0, log));
        var context = new BrokerContext
        {
            ClusterName = options.ClusterName,
            Settings = settings,
            Store = store,
            Routes = routes,
            RouteRegistry = routeRegistry,
            StoreActor = storeActor,
            PullHolds = holds,
            Offsets = offsets,
            Clients = clients,
            Locks = locks,
            Schedule = schedule,
            Transactions = transactions,
            Subscriptions = subscriptions,
            SubscriptionGroups = groupFeed,
            SubscriptionGroupsActor = groups,
            StoreHost = storeHost,
            BrokerAddress = address,
            Log = log,
            Stats = new BrokerStats(),
        };
        foreach (var server in servers)
        {
            server.ConnectionClosed += connection => clients.Tell(new ClientConnectionClosed(connection));
        }

        var role = new BrokerRole(system, servers, context);
        await role.RegisterAsync(ct).ConfigureAwait(false);
        handler.Activate(context);
        log.LogInformation("Broker {Group} of cluster {Cluster} serving on {Listen}, advertised as {Address}", settings.Group, options.ClusterName, role.LocalEndPoint, address);
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
        _context.PullHolds.Tell(ReleaseAllHolds.Instance);
        var stops = new List<Task>();
        foreach (var server in _servers)
        {
            stops.Add(server.StopAsync());
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    /// <summary>Stores a consumer-offset snapshot, then msyncs the commit log; needs the broker actors alive (shutdown drain phase).</summary>
    public async Task FlushAsync()
    {
        Volatile.Write(ref _flushed, 1);
        await _context.Schedule.Ask<DeliveriesPaused>(PauseDeliveries.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
        await _context.Offsets.Ask<OffsetsPersisted>(PersistOffsets.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
        await _context.StoreActor.Ask<StoreFlushed>(FlushStore.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAcceptingAsync().ConfigureAwait(false);
        _system.Stop(_context.Transactions);
        try
        {
            // After a shutdown's drain phase has flushed, the actors are gone: close the store directly.
            if (Volatile.Read(ref _flushed) == 0)
            {
                await FlushAsync().ConfigureAwait(false);
                await _context.StoreActor.Ask<StoreFlushed>(CloseStore.Instance, BrokerContext.AskTimeout).ConfigureAwait(false);
            }
        }
        catch (AskTimeoutException e)
        {
            // The actor system is already shut down: the store's own close below still checkpoints and flushes.
            _context.Log.LogWarning("Broker actors did not answer during dispose ({Reason}); closing the store directly", e.Message);
        }

        // The schedule actor is paused by the flush above, and stopped only now.
        _system.Stop(_context.Schedule);
        _system.Stop(_context.Offsets);
        _system.Stop(_context.Clients);
        _system.Stop(_context.SubscriptionGroupsActor);
        _system.Stop(_context.Locks);
        _system.Stop(_context.PullHolds);
        _system.Stop(_context.StoreActor);
        _context.Store.Dispose();
    }

    /// <summary>Publishes this node as master of its group and, with auto-create on, the TBW102 template.</summary>
    private async Task RegisterAsync(CancellationToken ct)
    {
        var settings = _context.Settings;
        var member = new RegisterBrokerMember(_context.ClusterName, settings.Group, 0, _context.BrokerAddress);
        var registered = await RouteRegistryRequests.ChangeAsync(_context.RouteRegistry, member, ct).ConfigureAwait(false);
        if (!registered.IsAccepted)
        {
            throw new InvalidOperationException("broker registration refused: " + registered.Rejection);
        }

        if (settings.AutoCreateTopic)
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

    private static List<RemotingServer> StartServers(IPEndPoint listen, BrokerRequestHandler handler, ILogger remotingLog, ILogger log)
    {
        var main = new RemotingServer(listen, handler, logger: remotingLog);
        main.Start();
        var servers = new List<RemotingServer> { main };
        if (listen.Port > 2)
        {
            // Java clients up to 4.4 send everything but pulls to listen − 2 (the VIP channel).
            var vip = new RemotingServer(new IPEndPoint(listen.Address, listen.Port - 2), handler, logger: remotingLog);
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
