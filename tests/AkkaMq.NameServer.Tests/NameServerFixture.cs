using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.NameServer.Tests;

/// <summary>A nameserver on 127.0.0.1:0 over a route registry saving to a temp dir, plus a client.</summary>
internal sealed class NameServerFixture : IAsyncDisposable
{
    private readonly string _dir;

    private NameServerFixture(string dir, ActorSystem system, IActorRef registry, RouteTableFeed feed, NameServerRole role)
    {
        _dir = dir;
        System = system;
        Registry = registry;
        Feed = feed;
        Role = role;
        Address = "127.0.0.1:" + role.LocalEndPoint.Port;
    }

    public ActorSystem System { get; }

    public IActorRef Registry { get; }

    public RouteTableFeed Feed { get; }

    public NameServerRole Role { get; }

    public string Address { get; }

    public RemotingClient Client { get; } = new();

    public static async Task<NameServerFixture> StartAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), "akkamq-namesrv-" + Guid.NewGuid().ToString("N"));
        var system = ActorSystem.Create("namesrv-test", ControlStatePersistence.Sqlite(dir));
        var feed = new RouteTableFeed(RouteTable.Empty);
        var registry = system.ActorOf(RouteRegistryActor.Props(feed, NullLogger.Instance), "route-registry");
        await RouteRegistryRequests.WaitUntilStartedAsync(registry, TimeSpan.FromSeconds(30), CancellationToken.None);
        var role = await NameServerRole.StartAsync(new NameServerSettings("127.0.0.1:0"), feed, registry, NullLoggerFactory.Instance, CancellationToken.None);
        return new NameServerFixture(dir, system, registry, feed, role);
    }

    public Task<RemotingCommand> InvokeAsync(RemotingCommand request) => Client.InvokeAsync(Address, request, TimeSpan.FromSeconds(5));

    public async Task<RouteTable> ChangeAsync(object change)
    {
        var result = await RouteRegistryRequests.ChangeAsync(Registry, change, CancellationToken.None);
        return result.Table ?? throw new InvalidOperationException("route change rejected: " + result.Rejection);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Role.StopAcceptingAsync();
        await Role.DisposeAsync();
        await System.Terminate();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
