using Akka.Actor;
using AkkaMq.Client;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using AkkaCluster = Akka.Cluster.Cluster;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Several nodes in this process, each started as <c>akkamq run</c> starts one: a node file over
/// reference.conf, every listener (namesrv, broker, replication, Akka) on a free loopback port, a
/// store of its own in a temp directory, one control-state journal shared by all (SQLite directory
/// by default), and the first running node as seed. Small commit-log segments and a short
/// split-brain-resolver stable-after keep tests small and crash tests short. A node can be
/// stopped gracefully, crashed, and started again on its store.
/// </summary>
public sealed class ClusterFixture : IAsyncDisposable
{
    /// <summary>How long one node may take to start (join, control plane, roles, its broker's assignment).</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir = new();
    private readonly string _controlState;
    private readonly List<ClusterNode> _nodes = [];
    private readonly System.Diagnostics.Stopwatch _clock = new();

    /// <param name="controlState">
    /// The <c>akkamq.control-state</c> block's content; null: SQLite in one directory of this fixture.
    /// </param>
    public ClusterFixture(string clusterName = "ClusterTest", string? controlState = null)
    {
        _clock.Start();
        ClusterName = clusterName;
        _controlState = controlState ?? $"""
            kind = sqlite
            path = "{Path.Combine(_dir.Path, "control")}"
            """;
    }

    public string ClusterName { get; }

    /// <summary>Receives a line per node start, stop and crash, with the time since the fixture was made (e.g. a test's output).</summary>
    public Action<string>? Log { get; set; }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public IEnumerable<ClusterNode> Running => _nodes.Where(n => n.IsRunning);

    public ClusterNode this[string name] => _nodes.Single(n => n.Name == name);

    /// <summary>
    /// Starts a new node with an empty store: broker <paramref name="brokerId"/> of <paramref name="group"/>.
    /// It joins the first running node (or forms the cluster when none runs) and returns once its roles
    /// have started, which includes waiting (up to NodeRoles' own limit) for its broker's role from the Controller.
    /// </summary>
    /// <param name="extraConfig">HOCON placed last in the node file (overrides).</param>
    /// <param name="configureBroker">Adjusts the broker role's options at every start (tests give it a disk that can fail).</param>
    public async Task<ClusterNode> StartNodeAsync(
        string name, string group, long brokerId, string extraConfig = "", Func<Broker.BrokerRoleOptions, Broker.BrokerRoleOptions>? configureBroker = null)
    {
        var node = new ClusterNode(name, group, brokerId, Path.Combine(_dir.Path, name), extraConfig) { ConfigureBroker = configureBroker };
        _nodes.Add(node);
        await StartAsync(node);
        return node;
    }

    /// <summary>Starts a stopped or crashed node again on its store.</summary>
    public Task RestartAsync(ClusterNode node) =>
        node.IsRunning ? throw new InvalidOperationException(node.Name + " is running") : StartAsync(node);

    /// <summary>Stops a node gracefully (coordinated shutdown: it leaves the cluster, its singletons hand over).</summary>
    public async Task StopAsync(ClusterNode node)
    {
        Note(node.Name + " stopping");
        await node.StopAsync();
        Note(node.Name + " stopped");
    }

    /// <summary>Aborts a node's actor system without leaving the cluster; the others' resolver downs it.</summary>
    public async Task CrashAsync(ClusterNode node)
    {
        Note(node.Name + " crashing");
        await node.CrashAsync();
        Note(node.Name + " crashed");
    }

    /// <summary>The oldest Up controller node as the running nodes see it: where the singletons run.</summary>
    public ClusterNode SingletonHost()
    {
        var any = Running.First();
        var oldest = AkkaCluster.Get(any.System!).State.Members
            .Where(m => m.Status == Akka.Cluster.MemberStatus.Up && m.HasRole(ControlPlane.ControllerRole))
            .OrderBy(m => m, Akka.Cluster.Member.AgeOrdering)
            .First();
        return Running.Single(n => n.Address == oldest.Address.ToString());
    }

    /// <summary>Client options for the nameservers of <paramref name="nameServers"/> (default: every running node).</summary>
    public ClientOptions ClientOptions(string instance, params ClusterNode[] nameServers) => new()
    {
        NameServerAddresses = string.Join(';', (nameServers.Length > 0 ? nameServers : Running).Select(n => n.NameServer)),
        InstanceName = instance + "-" + Guid.NewGuid().ToString("N")[..8],
        PersistOffsetInterval = TimeSpan.FromMilliseconds(500),
        RebalanceInterval = TimeSpan.FromSeconds(1),
        HeartbeatInterval = TimeSpan.FromSeconds(5),
        FirstHeartbeatDelay = TimeSpan.FromMilliseconds(10),
        PollNameServerInterval = TimeSpan.FromSeconds(1),
    };

    /// <summary>
    /// Waits until the nameserver of every running node lists the broker of every running node
    /// (GET_BROKER_CLUSTER_INFO) at its group and broker id, and no broker of a stopped node.
    /// </summary>
    public async Task WaitUntilEveryNameServerListsEveryBrokerAsync(TimeSpan deadline)
    {
        foreach (var node in Running.ToList())
        {
            await using var admin = new AdminClient(ClientOptions("cluster-info", node));
            await WaitUntilAsync(
                async () =>
                {
                    var info = await admin.GetClusterInfoAsync();
                    var listed = info.BrokerAddrTable.Values
                        .SelectMany(d => d.BrokerAddrs.Select(e => (d.BrokerName, e.Key, e.Value)))
                        .Order();
                    var expected = Running.Select(n => (n.Group, n.BrokerId, n.BrokerAddress)).Order();
                    return listed.SequenceEqual(expected)
                        && info.ClusterAddrTable.TryGetValue(ClusterName, out var groups)
                        && groups.Order().SequenceEqual(Running.Select(n => n.Group).Distinct().Order());
                },
                $"{node.Name}'s nameserver lists the brokers {string.Join(", ", Running.Select(n => $"{n.Group}/{n.BrokerId}"))}",
                deadline);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.AsEnumerable().Reverse().Where(n => n.IsRunning))
        {
            await StopAsync(node);
        }

        foreach (var node in _nodes)
        {
            await node.ClosedAsync();
        }

        _dir.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="deadline"/>.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan deadline) =>
        WaitUntilAsync(condition, () => what, deadline);

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan deadline) =>
        WaitUntilAsync(() => Task.FromResult(condition()), () => what, deadline);

    public static Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan deadline) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, deadline);

    /// <summary>As the other overloads; <paramref name="what"/> is described at the failure, so it can tell the last state seen.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                last = e;
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"not within {deadline}: {what()}" + (last is null ? string.Empty : $" (last error: {last.Message})"));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The Controller's view of <paramref name="group"/>'s in-sync set, asked through a running node's proxy.</summary>
    public Task<SyncStateSetState> SyncStateAsync(string group) =>
        Running.First().Roles.ControlPlane.Controller.Ask<SyncStateSetState>(new GetSyncStateSet(group), TimeSpan.FromSeconds(5));

    /// <summary>Waits until the Controller's in-sync set of <paramref name="group"/> satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<SyncStateSetState> WaitForSyncStateAsync(string group, Func<SyncStateSetState, bool> condition, string what, TimeSpan deadline)
    {
        SyncStateSetState? last = null;
        await WaitUntilAsync(
            async () => condition(last = await SyncStateAsync(group)),
            () => $"{what} (last: master {last?.MasterMemberId}, epoch {last?.Set.MasterEpoch}, set [{string.Join(",", last?.Set.Members ?? [])}], {last?.NoMasterReason})",
            deadline);
        return last!;
    }

    /// <summary>Writes <paramref name="line"/> to <see cref="Log"/> with the time since the fixture was made.</summary>
    public void Note(string line) => Log?.Invoke($"{_clock.Elapsed.TotalSeconds,7:F2}s {line}");

    private async Task StartAsync(ClusterNode node)
    {
        await node.ClosedAsync();
        Note(node.Name + " starting");
        var seed = Running.FirstOrDefault()?.Address;
        var conf = _dir.Write(node.Name + ".conf", $$"""
            akkamq {
              cluster-name = {{ClusterName}}
              node-name = {{node.Name}}
              namesrv.listen = "127.0.0.1:0"
              broker {
                group = {{node.Group}}
                broker-id = {{node.BrokerId}}
                listen = "127.0.0.1:0"
                advertise = "127.0.0.1:0"
                store.dir = "{{node.StoreDir}}"
                store.commitlog-segment-size = 1m
                store.max-message-size = 256k
                replication.min-in-sync-replicas = 1
                replication.listen = "127.0.0.1:0"
                replication.advertise = "127.0.0.1:0"
              }
              control-state {
                {{_controlState}}
              }
            }
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.split-brain-resolver.stable-after = 2s
            # A crash (Abort) runs no shutdown task, as a killed process runs none; a node stops
            # gracefully by running its coordinated shutdown itself, which this does not affect.
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            {{node.ExtraConfig}}
            """);
        var (system, settings) = EndToEnd.NodeFixture.CreateSystem(conf, seed);
        node.SystemCreated(system, settings);
        using var deadline = new CancellationTokenSource(StartDeadline);
        var stopping = Task.Delay(Timeout.Infinite, deadline.Token);
        Assert.True(await NodeHost.JoinClusterAsync(system, seed is null ? [] : [seed], stopping), $"{node.Name} did not join the cluster within {StartDeadline}");
        var guardian = system.ActorOf(NodeGuardianActor.Props(settings, NullLogger.Instance), "node");
        var roles = await NodeRoles.StartAsync(settings, system, guardian, NullLoggerFactory.Instance, deadline.Token, node.ConfigureBroker);
        node.Started(system, settings, roles);
        Note(node.Name + " started");
    }
}
