using Akka.Actor;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// One node of a <see cref="ClusterFixture"/>: an actor system built from a node file as <c>akkamq run</c>
/// builds it, its roles, and the store directory it keeps across restarts.
/// </summary>
public sealed class ClusterNode
{
    internal ClusterNode(string name, string group, long brokerId, string storeDir, string extraConfig)
    {
        Name = name;
        Group = group;
        BrokerId = brokerId;
        StoreDir = storeDir;
        ExtraConfig = extraConfig;
    }

    public string Name { get; }

    /// <summary>The broker group (<c>akkamq.broker.group</c>).</summary>
    public string Group { get; }

    /// <summary>The configured broker id: 0 the master, 1 and up a follower.</summary>
    public long BrokerId { get; }

    public string StoreDir { get; }

    /// <summary>Adjusts the broker role's options at every start (null: none).</summary>
    internal Func<Broker.BrokerRoleOptions, Broker.BrokerRoleOptions>? ConfigureBroker { get; init; }

    /// <summary>HOCON placed after the harness's settings for this node.</summary>
    internal string ExtraConfig { get; }

    /// <summary>The running actor system; null while the node is stopped.</summary>
    public ActorSystem? System { get; private set; }

    public NodeSettings Settings { get; private set; } = null!;

    public NodeRoles Roles { get; private set; } = null!;

    public bool IsRunning => System is not null;

    /// <summary>This node's Akka address, as other nodes name it in their seed list.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The nameserver's address, host:port.</summary>
    public string NameServer => "127.0.0.1:" + Roles.NameServer!.LocalEndPoint.Port;

    /// <summary>The broker's client address, host:port.</summary>
    public string BrokerAddress => Roles.Broker!.AdvertisedAddress;

    /// <summary>The commit-log directory of this node's store.</summary>
    public string CommitLogDir => Path.Combine(StoreDir, "commitlog");

    internal void Started(ActorSystem system, NodeSettings settings, NodeRoles roles)
    {
        System = system;
        Settings = settings;
        Roles = roles;
        Address = AkkaCluster.Get(system).SelfAddress.ToString();
    }

    internal void SystemCreated(ActorSystem system, NodeSettings settings)
    {
        System = system;
        Settings = settings;
        Address = AkkaCluster.Get(system).SelfAddress.ToString();
    }

    /// <summary>Graceful stop: the node's coordinated shutdown (listeners close, offsets are saved, the node leaves the cluster).</summary>
    internal async Task StopAsync()
    {
        if (System is { } system)
        {
            System = null;
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.UnknownReason.Instance);
        }
    }

    /// <summary>
    /// A crash as far as the cluster sees it: the actor system aborts without leaving. The node's
    /// client and replication sockets then close as a dead process's would (in a process they die
    /// with it; here they are closed so the port and the store are free for a restart).
    /// </summary>
    internal async Task CrashAsync()
    {
        if (System is { } system)
        {
            System = null;
            ((ExtendedActorSystem)system).Abort();
            await system.WhenTerminated;
            if (Roles.NameServer is { } nameServer)
            {
                await nameServer.DisposeAsync();
            }

            if (Roles.Broker is { } broker)
            {
                // The ports close now, as a killed process's do; closing the store (its actors are gone, so
                // its asks wait out their timeouts) finishes in the background before the node starts again.
                await broker.StopAcceptingAsync();
                _closing = broker.DisposeAsync().AsTask();
            }
        }
    }

    /// <summary>Waits until what a crash left closing is closed (a restart needs the store and ports).</summary>
    internal Task ClosedAsync() => _closing;

    private Task _closing = Task.CompletedTask;
}
