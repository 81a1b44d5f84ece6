using Akka.Actor;
using AkkaMq.Client;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// A standalone node in this process, configured the way a user would (a HOCON file merged
/// over reference.conf) with listeners on free loopback ports and a store in a temp folder.
/// Restart keeps the store.
/// </summary>
public sealed class NodeFixture : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _extraConfig;
    private readonly Func<Broker.BrokerRoleOptions, Broker.BrokerRoleOptions>? _configureBroker;
    private ActorSystem? _system;

    private NodeFixture(string extraConfig, Func<Broker.BrokerRoleOptions, Broker.BrokerRoleOptions>? configureBroker)
    {
        _extraConfig = extraConfig;
        _configureBroker = configureBroker;
    }

    public NodeRoles Roles { get; private set; } = null!;

    public string NameServer => "127.0.0.1:" + Roles.NameServer!.LocalEndPoint.Port;

    public string BrokerAddress => Roles.Broker!.AdvertisedAddress;

    public string StoreDir => Path.Combine(_dir.Path, "store");

    /// <summary>Starts a node; <paramref name="extraConfig"/> is HOCON placed after the defaults, so it overrides them.</summary>
    /// <param name="configureBroker">Adjusts the broker role's options (e.g. a slow disk) before it starts.</param>
    public static async Task<NodeFixture> StartAsync(string extraConfig = "", Func<Broker.BrokerRoleOptions, Broker.BrokerRoleOptions>? configureBroker = null)
    {
        var fixture = new NodeFixture(extraConfig, configureBroker);
        await fixture.StartNodeAsync();
        return fixture;
    }

    public ClientOptions ClientOptions(string instance) => new()
    {
        NameServerAddresses = NameServer,
        InstanceName = instance + "-" + Guid.NewGuid().ToString("N")[..8],
        PersistOffsetInterval = TimeSpan.FromMilliseconds(500),
        RebalanceInterval = TimeSpan.FromSeconds(1),
        HeartbeatInterval = TimeSpan.FromSeconds(5),
        FirstHeartbeatDelay = TimeSpan.FromMilliseconds(10),
    };

    public async Task RestartAsync()
    {
        await StopNodeAsync();
        await StartNodeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopNodeAsync();
        _dir.Dispose();
    }

    private async Task StartNodeAsync()
    {
        var conf = _dir.Write("node.conf", $$"""
            akkamq {
              node-name = e2e
              namesrv.listen = "127.0.0.1:0"
              broker {
                listen = "127.0.0.1:0"
                advertise = "127.0.0.1:0"
                store.dir = "{{StoreDir}}"
                store.commitlog-segment-size = 16m
                replication.min-in-sync-replicas = 1
                replication.listen = "127.0.0.1:0"
                replication.advertise = "127.0.0.1:0"
              }
            }
            akka.remote.dot-netty.tcp.port = 0
            {{_extraConfig}}
            """);
        // The node's own start-up path: its Akka configuration, a one-node cluster, the guardian, the roles.
        (_system, var settings) = CreateSystem(conf);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True(await NodeHost.JoinClusterAsync(_system, [], Task.Delay(Timeout.Infinite, deadline.Token)), "the node did not join its own cluster");
        var guardian = _system.ActorOf(NodeGuardianActor.Props(settings, NullLogger.Instance), "node");
        Roles = await NodeRoles.StartAsync(settings, _system, guardian, NullLoggerFactory.Instance, CancellationToken.None, _configureBroker);
    }

    /// <summary>A node's actor system built as <c>akkamq run</c> builds it from the node file; <paramref name="seed"/> stands for AKKAMQ_SEED_NODES.</summary>
    internal static (ActorSystem System, NodeSettings Settings) CreateSystem(string conf, string? seed = null)
    {
        var effective = NodeConfigLoader.LoadEffective(conf);
        var settings = NodeConfigLoader.Bind(effective);
        var akka = NodeHost.SystemConfig(settings, AkkaConfiguration.Build(effective, settings, LogLevel.Warning, key => key == "AKKAMQ_SEED_NODES" ? seed : null));
        return (ActorSystem.Create(settings.ClusterName, akka), settings);
    }

    private async Task StopNodeAsync()
    {
        if (_system is { } system)
        {
            _system = null;
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.UnknownReason.Instance);
        }
    }
}
