using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Support;

/// <summary>
/// Several actor systems in this process forming one Akka cluster on loopback (port 0, the first
/// node is the others' seed), all with role controller and a shared control-state directory, each
/// running its part of the control plane. Disposing shuts every system down and deletes the files.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "akkamq-cluster-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Config? _persistence;

    public ClusterNodes(Config? persistence = null) => _persistence = persistence;

    public List<Node> Nodes { get; } = [];

    public sealed record Node(ActorSystem System, ControlPlane ControlPlane)
    {
        public RouteTableFeed Feed => ControlPlane.Feed;

        public string Address => Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();

        /// <summary>This node's incarnation, as brokers register it in routes.</summary>
        public string NodeId => ClusterNodeId.Of(System);
    }

    /// <summary>Settings for test clusters: quick failure detection and a short SBR wait.</summary>
    public static Config Settings { get; } = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          actor {
            provider = cluster
            serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
            serialization-bindings { "System.Object" = hyperion }
          }
          remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
          cluster {
            roles = [controller]
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver { active-strategy = keep-majority, stable-after = 2s }
            failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
            run-coordinated-shutdown-when-down = on
          }
          coordinated-shutdown { exit-clr = off, run-by-clr-shutdown-hook = off }
        }
        """);

    /// <summary>Starts <paramref name="count"/> nodes and waits until all are Up and the registry answers everywhere.</summary>
    public async Task<List<Node>> StartAsync(int count, ControlPlaneOptions? options = null)
    {
        for (int i = 0; i < count; i++)
        {
            await AddAsync(options);
        }

        await WaitUntilAsync(() => Nodes.All(n => Akka.Cluster.Cluster.Get(n.System).State.Members.Count(m => m.Status == MemberStatus.Up) == count), "all nodes Up");
        foreach (var node in Nodes)
        {
            await node.ControlPlane.WaitUntilReadyAsync(Deadline, NullLogger.Instance, CancellationToken.None);
        }

        return Nodes;
    }

    public async Task<Node> AddAsync(ControlPlaneOptions? options = null)
    {
        var persistence = _persistence ?? ControlStatePersistence.Sqlite(_directory);
        var system = ActorSystem.Create("ControlTest", Settings.WithFallback(persistence).WithFallback(ControlPlane.DefaultConfig));
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(Nodes.Count == 0 ? cluster.SelfAddress : Akka.Cluster.Cluster.Get(Nodes[0].System).SelfAddress);
        await up.Task.WaitAsync(Deadline);
        var node = new Node(system, ControlPlane.Start(system, new RouteTableFeed(RouteTable.Empty), NullLoggerFactory.Instance, options));
        Nodes.Add(node);
        return node;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? Deadline);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException("not reached in time: " + what);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Asks <paramref name="target"/> until it answers with a <typeparamref name="T"/> passing <paramref name="accept"/>.</summary>
    public static async Task<T> AskUntilAsync<T>(IActorRef target, object message, Func<T, bool> accept, string what)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            try
            {
                var answer = await target.Ask<T>(message, TimeSpan.FromSeconds(2));
                if (accept(answer))
                {
                    return answer;
                }
            }
            catch (AskTimeoutException) when (!timeout.IsCancellationRequested)
            {
                // The singleton is moving; the proxy buffers and a later ask gets through.
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException("no accepted answer in time: " + what);
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await CoordinatedShutdown.Get(node.System).Run(CoordinatedShutdown.UnknownReason.Instance).WaitAsync(Deadline);
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
