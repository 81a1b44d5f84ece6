using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.TestKit;
using Microsoft.Extensions.Time.Testing;
using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Hocon;
using AkkaMq.NameServer;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>
/// A node in one process: route registry (control state in a temp dir), nameserver and broker on
/// 127.0.0.1:0 with a small store, and a client. Disposing deletes the temp dir.
/// </summary>
internal sealed class BrokerFixture : IAsyncDisposable
{
    public const string Cluster = "TestCluster";
    public const string Group = "broker-a";

    private BrokerFixture(string dir, ActorSystem system, IActorRef registry, RouteTableFeed feed, NameServerRole nameServer, bool autoCreate, TimeProvider time)
    {
        Dir = dir;
        System = system;
        Registry = registry;
        Feed = feed;
        NameServer = nameServer;
        AutoCreate = autoCreate;
        Time = time;
        NameServerAddress = "127.0.0.1:" + nameServer.LocalEndPoint.Port;
    }

    public string Dir { get; }

    public ActorSystem System { get; }

    public IActorRef Registry { get; }

    public RouteTableFeed Feed { get; }

    public NameServerRole NameServer { get; }

    public bool AutoCreate { get; }

    /// <summary>The broker's clock (tests that expire clients move it by hand).</summary>
    public TimeProvider Time { get; }

    private int _starts;

    public BrokerRole Broker { get; private set; } = null!;

    /// <summary>Moves the broker's clock and fires the actor timers due by then (fixtures started with virtual time).</summary>
    public void AdvanceTime(TimeSpan by)
    {
        ((FakeTimeProvider)Time).Advance(by);
        ((TestScheduler)System.Scheduler).Advance(by);
    }

    public string NameServerAddress { get; }

    public string BrokerAddress => "127.0.0.1:" + Broker.LocalEndPoint.Port;

    /// <summary>Requests the broker sent to this client (e.g. NOTIFY_CONSUMER_IDS_CHANGED).</summary>
    public ConcurrentQueue<RemotingCommand> ServerRequests { get; } = new();

    public RemotingClient Client { get; private set; } = null!;

    /// <summary>Transaction check-back settings of the broker (short timers in transaction tests); null = defaults.</summary>
    public Transactions.TransactionSettings? Transaction { get; private set; }

    /// <summary>The broker's auto-create-subscription-group setting.</summary>
    public bool AutoCreateSubscriptionGroup { get; private set; } = true;

    /// <summary>The store's file-reserved-time (retention tests shorten it).</summary>
    public TimeSpan FileReservedTime { get; private set; } = TimeSpan.FromHours(72);

    /// <summary>The replication status source handed to the broker at its next (re)start.</summary>
    public Func<AkkaMq.Broker.Replication.ReplicationStatus?>? ReplicationStatus { get; set; }

    public static async Task<BrokerFixture> StartAsync(
        bool autoCreate = true, bool virtualTime = false, Transactions.TransactionSettings? transaction = null, bool autoCreateSubscriptionGroup = true,
        TimeSpan? fileReservedTime = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "akkamq-broker-" + Guid.NewGuid().ToString("N"));
        // Virtual time: the broker's clock and Akka's scheduler (its actors' timers) move only when the test says.
        var time = virtualTime ? new FakeTimeProvider(DateTimeOffset.UtcNow) : null;
        var config = ControlStatePersistence.Sqlite(Path.Combine(dir, "control"));
        if (virtualTime)
        {
            config = ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"").WithFallback(config);
        }

        var system = ActorSystem.Create("broker-test", config);
        var feed = new RouteTableFeed(RouteTable.Empty);
        var registry = system.ActorOf(RouteRegistryActor.Props(feed, NullLogger.Instance), "route-registry");
        await RouteRegistryRequests.WaitUntilStartedAsync(registry, TimeSpan.FromSeconds(30), CancellationToken.None);
        var nameServer = await NameServerRole.StartAsync(new NameServerSettings("127.0.0.1:0"), feed, registry, NullLoggerFactory.Instance, CancellationToken.None);
        var fixture = new BrokerFixture(dir, system, registry, feed, nameServer, autoCreate, time ?? TimeProvider.System) {
            Transaction = transaction,
            AutoCreateSubscriptionGroup = autoCreateSubscriptionGroup,
            FileReservedTime = fileReservedTime ?? TimeSpan.FromHours(72),
        };
        await fixture.StartBrokerAsync();
        fixture.Client = fixture.NewClient(fixture.ServerRequests);
        return fixture;
    }

    public static BrokerSettings Settings(string storeDir, bool autoCreate, TimeSpan? fileReservedTime = null) => new(
        Group,
        "127.0.0.1:0",
        "127.0.0.1:0",
        4,
        autoCreate,
        new StoreSettingsSection(storeDir, new ByteSize(1 << 20), FlushMode.GroupCommit, TimeSpan.FromMilliseconds(200), fileReservedTime ?? TimeSpan.FromHours(72), 99, new ByteSize(64 * 1024)),
        new ReplicationSettings(ReplicationMode.Sync, 1));

    public async Task StartBrokerAsync() =>
        Broker = await BrokerRole.StartAsync(
            // Each start gets a name of its own: Akka frees a stopped child's name only when its
            // parent has processed the termination, which may come after GracefulStop returns.
            (props, name) => Task.FromResult(System.ActorOf(props, name + "-" + Interlocked.Increment(ref _starts))),
            new BrokerRoleOptions(Cluster, Settings(Path.Combine(Dir, "store"), AutoCreate, FileReservedTime) with { Transaction = Transaction, AutoCreateSubscriptionGroup = AutoCreateSubscriptionGroup }) { Time = Time, ReplicationStatus = ReplicationStatus },
            Feed, Registry, NullLoggerFactory.Instance, CancellationToken.None);

    /// <summary>Stops the broker (flushing offsets) and starts a new one on the same store directory.</summary>
    public async Task RestartBrokerAsync()
    {
        await Client.DisposeAsync();
        await Broker.StopAcceptingAsync();
        await Broker.FlushAsync();
        await Broker.DisposeAsync();
        await StartBrokerAsync();
        Client = NewClient(ServerRequests);
    }

    public RemotingClient NewClient(ConcurrentQueue<RemotingCommand> serverRequests) => new(new RecordingHandler(serverRequests));

    public Task<RemotingCommand> BrokerAsync(RemotingCommand request) => Client.InvokeAsync(BrokerAddress, request, TimeSpan.FromSeconds(10));

    public Task<RemotingCommand> NameServerAsync(RemotingCommand request) => Client.InvokeAsync(NameServerAddress, request, TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Broker.DisposeAsync();
        await NameServer.DisposeAsync();
        await System.Terminate();
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
        }
    }

    private sealed class RecordingHandler(ConcurrentQueue<RemotingCommand> requests) : IRemotingRequestHandler
    {
        public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request);
            if (request.Code != (int)RequestCode.GetConsumerRunningInfo)
            {
                return ValueTask.FromResult<RemotingCommand?>(null);
            }

            // A consumer answers the relayed running-info request itself.
            var response = request.CreateResponse(ResponseCode.Success);
            response.Body = global::System.Text.Encoding.UTF8.GetBytes("running:" + request.GetExtField("clientId"));
            return ValueTask.FromResult<RemotingCommand?>(response);
        }
    }
}
