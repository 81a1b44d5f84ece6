using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Node.Hosting;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// A cluster of <c>akkamq run</c> child processes in one directory: node 0 master of broker-a, node 1
/// its follower, node 2 master of broker-b, further nodes followers of broker-a and broker-b in turn.
/// Every node runs nameserver, broker and controller, has a health endpoint, and shares one SQLite
/// control-state journal (the nodes run on one host). Nodes listen on 127.0.0.1 on free ports, or on
/// the addresses of a <see cref="NetworkLab"/> when the drill cuts links.
/// </summary>
public sealed class DrillCluster : IAsyncDisposable
{
    public const string ClusterName = "DrillCluster";

    /// <summary>How long a node may take from its start to a ready health answer.</summary>
    public static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(1) };
    private readonly List<DrillNode> _nodes = [];
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly string _extraConfig;

    private readonly string? _attached;
    private IReadOnlyList<string> _attachedGroups = [];
    private string _brokerClusterName = ClusterName;

    private DrillCluster(string directory, bool ownsDirectory, string extraConfig, NetworkLab? lab, string? attached = null)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        _extraConfig = extraConfig;
        _attached = attached;
        Lab = lab;
    }

    private readonly Dictionary<DrillNode, LoopDisk> _disks = [];

    /// <summary>The drill's own node processes (none when attached to a running cluster).</summary>
    public IReadOnlyList<DrillNode> Nodes => _nodes;

    /// <summary>Whether the drill started these nodes itself (false: <see cref="AttachAsync"/> to a running cluster).</summary>
    public bool IsLocal => _attached is null;

    /// <summary>The broker groups (RocketMQ broker names) of the cluster.</summary>
    public IReadOnlyList<string> Groups => IsLocal ? [.. _nodes.Select(n => n.Group).Distinct()] : _attachedGroups;

    /// <summary>The RocketMQ cluster name the broker groups register under.</summary>
    public string BrokerClusterName => _brokerClusterName;

    /// <summary>
    /// A running cluster reached through its nameservers (<paramref name="nameServers"/>, separated by
    /// ';'): the drill controls no process there, so only scenarios that need none can run.
    /// </summary>
    public static async Task<DrillCluster> AttachAsync(string nameServers, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameServers);
        var cluster = new DrillCluster(string.Empty, ownsDirectory: false, string.Empty, lab: null, nameServers);
        await using var admin = new AdminClient(cluster.ClientOptions("drill-admin"));
        var info = await admin.GetClusterInfoAsync(ct).ConfigureAwait(false);
        var (name, groups) = info.ClusterAddrTable.OrderBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault(c => c.Value.Count > 0);
        if (name is null)
        {
            throw new DrillException("the nameservers at " + nameServers + " list no broker group");
        }

        cluster._brokerClusterName = name;
        cluster._attachedGroups = [.. groups.Order(StringComparer.Ordinal)];
        return cluster;
    }

    public string Directory => _directory;

    /// <summary>The private network the nodes run in, when the drill cuts links; null on loopback.</summary>
    public NetworkLab? Lab { get; }

    public DrillNode this[string name] => _nodes.Single(n => n.Name == name);

    /// <summary>The nameserver list a RocketMQ client is given: every node's.</summary>
    public string NameServers => _attached ?? string.Join(';', _nodes.Select(n => n.NameServer));

    /// <summary>
    /// Lays out <paramref name="nodes"/> nodes under <paramref name="directory"/> (null: a new temporary
    /// directory, removed on dispose). Nothing starts yet.
    /// </summary>
    /// <param name="extraConfig">HOCON appended to every node file (overrides).</param>
    public static DrillCluster Create(int nodes, string? directory = null, string extraConfig = "", NetworkLab? lab = null)
    {
        if (nodes < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "a drill cluster needs at least 3 nodes (broker-a master and follower, broker-b master)");
        }

        if (lab is not null && lab.Hosts < nodes)
        {
            throw new ArgumentException($"the network has {lab.Hosts} hosts for {nodes} nodes", nameof(lab));
        }

        bool owns = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "akkamq-drill-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new DrillCluster(directory, owns, extraConfig, lab);
        for (int i = 0; i < nodes; i++)
        {
            var (group, id) = Placement(i);
            string name = "node-" + (char)('a' + i);
            string host = lab?.AddressOf(i) ?? "127.0.0.1";
            var ports = lab is null
                ? new DrillPorts(FreePort(), FreePort(), FreePort(), FreePort(), FreePort())
                : new DrillPorts(9876, 10911, 10912, 2552, 8080);
            Func<int, ProcessStartInfo, ProcessStartInfo> wrap = lab is null ? (_, s) => s : lab.Wrap;
            cluster._nodes.Add(new DrillNode(i, name, group, id, host, ports, Path.Combine(directory, name), wrap));
        }

        return cluster;
    }

    /// <summary>
    /// Starts every node and waits until each answers ready. The first seed (broker-b's master) starts
    /// first and forms the cluster, so it is the oldest member and hosts the Controller: losing
    /// broker-a's master is then a failover alone, and kill-controller is a drill of its own.
    /// </summary>
    public async Task StartAllAsync(CancellationToken ct)
    {
        var first = Seeds[0];
        first.Start(NodeFile(first));
        await WaitReadyAsync(first, ct).ConfigureAwait(false);
        foreach (var node in _nodes.Where(n => n != first))
        {
            node.Start(NodeFile(node));
        }

        await Task.WhenAll(_nodes.Select(n => WaitReadyAsync(n, ct))).ConfigureAwait(false);
        await WaitUntilListedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Waits until every node's nameserver lists every broker group (a client anywhere sees them all).</summary>
    private async Task WaitUntilListedAsync(CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        foreach (var node in _nodes)
        {
            await using var admin = new AdminClient(ClientOptions("drill-admin") with { NameServerAddresses = node.NameServer });
            while (true)
            {
                var listed = (await admin.GetClusterInfoAsync(ct).ConfigureAwait(false)).BrokerAddrTable.Keys;
                if (Groups.All(listed.Contains))
                {
                    break;
                }

                if (waited.Elapsed > ReadyDeadline)
                {
                    throw new DrillException($"{node.Name}'s nameserver lists {string.Join(", ", listed)}, not every group of {string.Join(", ", Groups)}");
                }

                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The seed nodes in their order: broker-b's master (node 2) first, then the others.</summary>
    private IReadOnlyList<DrillNode> Seeds => [_nodes[2], .. _nodes.Where(n => n.Index != 2)];

    /// <summary>The disk of its own <paramref name="node"/>'s store is on, if it was given one.</summary>
    public LoopDisk? DiskOf(DrillNode node) => _disks.GetValueOrDefault(node);

    /// <summary>Why nodes cannot get disks of their own here; null when they can (asked once per cluster).</summary>
    public async Task<string?> LoopDisksUnavailableAsync(CancellationToken ct)
    {
        string scratch = Path.Combine(_directory, "disk-probe");
        System.IO.Directory.CreateDirectory(scratch);
        var (available, reason) = await LoopDisk.ProbeAsync(scratch, ct).ConfigureAwait(false);
        System.IO.Directory.Delete(scratch, recursive: true);
        return available ? null : reason;
    }

    /// <summary>Puts <paramref name="node"/>'s store on a new, empty disk of its own (the node must not run); an old one is unmounted and removed.</summary>
    public async Task<LoopDisk> GiveOwnDiskAsync(DrillNode node, CancellationToken ct)
    {
        if (node.IsRunning)
        {
            throw new InvalidOperationException(node.Name + " runs: its disk cannot be changed");
        }

        if (_disks.Remove(node, out var old))
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        string image = Path.Combine(_directory, $"{node.Name}-{Guid.NewGuid().ToString("N")[..6]}.img");
        var disk = await LoopDisk.CreateAsync(image, node.StoreDirectory, 2L << 30, ct).ConfigureAwait(false);
        _disks[node] = disk;
        return disk;
    }

    /// <summary>How long a restarted node may take to answer ready before the drill kills it and starts it once more.</summary>
    public static readonly TimeSpan RestartPatience = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Starts a stopped node again on its store (empty if it was wiped) and waits until it answers ready.
    /// With <paramref name="retrying"/>, a node not ready within <see cref="RestartPatience"/> (one that
    /// came back before the cluster removed its previous incarnation may not get in) is killed and
    /// started once more, as a service manager's health check would, and <paramref name="retrying"/> says so.
    /// </summary>
    public async Task RestartAsync(DrillNode node, CancellationToken ct, Action<string>? retrying = null)
    {
        node.Start(NodeFile(node));
        if (retrying is not null)
        {
            var (ready, why) = await TryWaitReadyAsync(node, RestartPatience, ct).ConfigureAwait(false);
            if (ready)
            {
                return;
            }

            retrying($"{node.Name} not ready {RestartPatience.TotalSeconds:0}s after its start ({why}); killed and started again, as a health-checking service manager would");
            node.Kill();
            await node.WaitForExitAsync(ct).ConfigureAwait(false);
            node.Start(NodeFile(node));
        }

        await WaitReadyAsync(node, ct).ConfigureAwait(false);
    }

    /// <summary>Starts a stopped node again without waiting for it.</summary>
    public void Restart(DrillNode node) => node.Start(NodeFile(node));

    /// <summary>Waits until <paramref name="node"/>'s health endpoint answers ready; a node that ends or is not ready within <see cref="ReadyDeadline"/> is an error.</summary>
    public async Task WaitReadyAsync(DrillNode node, CancellationToken ct)
    {
        var (ready, why) = await TryWaitReadyAsync(node, ReadyDeadline, ct).ConfigureAwait(false);
        if (!ready)
        {
            throw new DrillException($"{node.Name} {why}; its log ends:\n{node.Tail(30)}");
        }
    }

    private async Task<(bool Ready, string Why)> TryWaitReadyAsync(DrillNode node, TimeSpan patience, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var health = await node.HealthAsync(_http, ct).ConfigureAwait(false);
            if (health is { Ready: true })
            {
                return (true, string.Empty);
            }

            if (!node.IsRunning)
            {
                return (false, $"exited with code {node.ExitCode} before it was ready");
            }

            if (waited.Elapsed > patience)
            {
                return (false, $"not ready within {patience.TotalSeconds:0}s ({(health is null ? "no health answer" : string.Join("; ", health.Reasons))})");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One node's health answer (null when it does not answer).</summary>
    public Task<HealthReport?> HealthOfAsync(DrillNode node, CancellationToken ct) => node.HealthAsync(_http, ct);

    /// <summary>Every running node's health answer (null for a node that does not answer).</summary>
    public async Task<IReadOnlyDictionary<DrillNode, HealthReport?>> HealthAsync(CancellationToken ct)
    {
        var answers = await Task.WhenAll(_nodes.Select(n => n.HealthAsync(_http, ct))).ConfigureAwait(false);
        var map = new Dictionary<DrillNode, HealthReport?>();
        for (int i = 0; i < _nodes.Count; i++)
        {
            map[_nodes[i]] = answers[i];
        }

        return map;
    }

    /// <summary>The node that reports itself master of <paramref name="group"/> with the highest epoch, with that epoch; null when none does.</summary>
    public async Task<(DrillNode Node, int Epoch)?> MasterOfAsync(string group, CancellationToken ct)
    {
        (DrillNode, int)? best = null;
        foreach (var (node, health) in await HealthAsync(ct).ConfigureAwait(false))
        {
            var g = health?.Groups.FirstOrDefault(x => x.Group == group);
            if (g is { Role: "master" } && (best is null || g.MasterEpoch > best.Value.Item2))
            {
                best = (node, g.MasterEpoch);
            }
        }

        return best;
    }

    /// <summary>The node hosting the Controller, as the nameserver of <paramref name="asked"/> reports it.</summary>
    public async Task<DrillNode> ControllerHostAsync(DrillNode asked, CancellationToken ct)
    {
        await using var admin = new AdminClient(ClientOptions("drill-admin"));
        var metadata = await admin.GetControllerMetadataAsync(asked.NameServer, ct).ConfigureAwait(false);
        string leader = metadata.ControllerLeaderAddress ?? throw new DrillException("the Controller runs nowhere right now");
        return _nodes.FirstOrDefault(n => leader.Contains(n.Host + ":" + n.Ports.Akka.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
            ?? throw new DrillException("the Controller runs at " + leader + ", which is no node of this drill");
    }

    /// <summary>Whether the Controller counts <paramref name="node"/> in its group's in-sync set.</summary>
    public async Task<bool> InSyncAsync(DrillNode node, CancellationToken ct) =>
        (await SyncStateAsync(node.Group, ct).ConfigureAwait(false))?.InSyncReplicas.Any(r => r.BrokerAddress == node.BrokerAddress) == true;

    /// <summary>The Controller's view of <paramref name="group"/> (master, epoch, in-sync set), asked of the nameservers in turn; null when none answers.</summary>
    public async Task<ReplicasInfo?> SyncStateAsync(string group, CancellationToken ct)
    {
        var asked = IsLocal ? _nodes.Where(n => n.IsRunning).Select(n => n.NameServer) : _attached!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await using var admin = new AdminClient(ClientOptions("drill-admin"));
        foreach (var nameServer in asked)
        {
            try
            {
                var answer = await admin.GetSyncStateSetAsync(nameServer, [group], ct).ConfigureAwait(false);
                return answer.Info.ReplicasInfoTable.GetValueOrDefault(group);
            }
            catch (Exception e) when (e is MQClientException or MQBrokerException or IOException or SocketException or TimeoutException)
            {
                // That nameserver cannot reach the Controller now: ask the next.
            }
        }

        return null;
    }

    /// <summary>The broker address and epoch of <paramref name="group"/>'s master: from the nodes' health here, from the Controller when attached.</summary>
    public async Task<(string Address, int Epoch)?> MasterAddressAsync(string group, CancellationToken ct)
    {
        if (IsLocal)
        {
            return await MasterOfAsync(group, ct).ConfigureAwait(false) is { } local ? (local.Node.BrokerAddress, local.Epoch) : null;
        }

        return await SyncStateAsync(group, ct).ConfigureAwait(false) is { MasterAddress: { Length: > 0 } address } state ? (address, state.MasterEpoch) : null;
    }

    /// <summary>Client options for the drill's own producers, consumers and admin calls.</summary>
    public ClientOptions ClientOptions(string instance) => new()
    {
        NameServerAddresses = NameServers,
        InstanceName = instance + "-" + Guid.NewGuid().ToString("N")[..8],
        PersistOffsetInterval = TimeSpan.FromMilliseconds(500),
        RebalanceInterval = TimeSpan.FromSeconds(2),
        PollNameServerInterval = TimeSpan.FromSeconds(1),
        FirstHeartbeatDelay = TimeSpan.FromMilliseconds(10),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Kill();
        }

        foreach (var node in _nodes)
        {
            await node.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            node.ReleaseLog();
        }

        foreach (var disk in _disks.Values)
        {
            await disk.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        if (_ownsDirectory && _directory.Length > 0 && System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The broker group and id of node <paramref name="index"/>.</summary>
    internal static (string Group, long BrokerId) Placement(int index) => index switch
    {
        0 => ("broker-a", 0),
        1 => ("broker-a", 1),
        2 => ("broker-b", 0),
        _ => index % 2 == 1 ? ("broker-a", 2 + ((index - 3) / 2)) : ("broker-b", 1 + ((index - 3) / 2)),
    };

    private string NodeFile(DrillNode node)
    {
        var seeds = string.Join(", ", Seeds.Select(n => "\"" + n.AkkaAddress(ClusterName) + "\""));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $$"""
            # Written by akkamq drill for {{node.Name}}.
            akkamq {
              cluster-name = {{ClusterName}}
              node-name = {{node.Name}}
              roles = [namesrv, broker, controller]
              namesrv.listen = "{{node.NameServer}}"
              health.listen = "{{node.Host}}:{{node.Ports.Health}}"
              control-state {
                kind = sqlite
                path = "{{Path.Combine(_directory, "control").Replace("\\", "/", StringComparison.Ordinal)}}"
              }
              broker {
                group = {{node.Group}}
                broker-id = {{node.BrokerId}}
                listen = "{{node.BrokerAddress}}"
                advertise = "{{node.BrokerAddress}}"
                store.dir = "{{node.StoreDirectory.Replace("\\", "/", StringComparison.Ordinal)}}"
                store.commitlog-segment-size = 64m
                replication {
                  listen = "{{node.Host}}:{{node.Ports.Replication}}"
                  advertise = "{{node.Host}}:{{node.Ports.Replication}}"
                }
              }
            }
            akka.remote.dot-netty.tcp {
              hostname = "{{node.Host}}"
              port = {{node.Ports.Akka}}
            }
            akka.cluster.seed-nodes = [{{seeds}}]
            """);
        text.AppendLine(_extraConfig);
        return text.ToString();
    }

    /// <summary>
    /// A free loopback port below the ephemeral range: the nodes bind it later and again after every
    /// restart, and a port from the ephemeral range may meanwhile be taken by any outgoing connection.
    /// </summary>
    private static int FreePort()
    {
        int below = EphemeralLow();
        lock (TakenPorts)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(Math.Min(10000, below - 1000), below);
                if (!TakenPorts.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use by something else: another one.
                }
            }
        }

        throw new DrillException("no free port found below " + below);
    }

    /// <summary>The first port of the ephemeral range (Linux's ip_local_port_range; 32768 where unknown).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int low) && low > 2048 ? low : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    /// <summary>Ports handed out by this process's drills, never handed out twice.</summary>
    private static readonly HashSet<int> TakenPorts = [];
}

/// <summary>The drill could not go on (a node did not start, the cluster did not settle).</summary>
public sealed class DrillException(string message) : Exception(message);
