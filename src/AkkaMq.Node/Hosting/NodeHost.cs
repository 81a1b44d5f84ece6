using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Actor.Setup;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;
using AkkaConfig = Akka.Configuration.Config;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// Runs one node until SIGINT or SIGTERM: prepares what its roles need on disk, starts the
/// actor system (named after the cluster) and joins the cluster — itself, when no seed nodes
/// are configured — then starts the roles under a <see cref="NodeGuardianActor"/>. A signal
/// runs Akka's coordinated shutdown (stop accepting, save offsets, stop actors and close the
/// store, leave the cluster) before it returns.
/// </summary>
public sealed class NodeHost
{
    /// <summary>Exit code when the node's actor system stopped without a signal (downed by the cluster, a role failed).</summary>
    public const int StoppedExitCode = 3;

    private readonly NodeSettings _settings;
    private readonly AkkaConfig _akka;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private volatile IPEndPoint? _healthEndPoint;

    public NodeHost(NodeSettings settings, AkkaConfig akka, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _akka = akka;
        _loggerFactory = loggerFactory;
        _log = loggerFactory.CreateLogger("AkkaMq.Node");
    }

    /// <summary>The health endpoint's bound address once it listens; null while it does not (<c>akkamq.health.listen</c> empty, or not started yet).</summary>
    public IPEndPoint? HealthEndPoint => _healthEndPoint;

    /// <summary>Runs until <paramref name="stop"/> is cancelled or a termination signal arrives; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        LogRoles();
        if (PrepareStoreDirectory() is null || StartSystem() is not { } system)
        {
            return 1;
        }

        var shutdownReason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => OnSignal(ctx, "SIGINT"));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => OnSignal(ctx, "SIGTERM"));
        await using var onStop = stop.Register(() => shutdownReason.TrySetResult("stop requested"));

        var health = new NodeHealth(_settings, system);
        if (!await TryStartHealthAsync(health, system, stop).ConfigureAwait(false)
            || !await TryJoinAndStartAsync(system, health, shutdownReason.Task, stop).ConfigureAwait(false))
        {
            await CoordinatedShutdown.Get(system).Run(StartFailedReason.Instance).ConfigureAwait(false);
            return 1;
        }

        _log.LogInformation("Node {Node} started", _settings.NodeName);
        await Task.WhenAny(shutdownReason.Task, system.WhenTerminated).ConfigureAwait(false);
        if (!shutdownReason.Task.IsCompleted)
        {
            _log.LogCritical("Node {Node}: its actor system stopped ({Reason}); exiting", _settings.NodeName, CoordinatedShutdown.Get(system).ShutdownReason);
            return StoppedExitCode;
        }

        var reason = await shutdownReason.Task.ConfigureAwait(false);
        _log.LogInformation("Node {Node} stopping ({Reason})", _settings.NodeName, reason);
        await CoordinatedShutdown.Get(system).Run(StopRequestedReason.Instance).ConfigureAwait(false);
        await system.WhenTerminated.ConfigureAwait(false);
        _log.LogInformation("Node {Node} stopped", _settings.NodeName);
        return 0;

        void OnSignal(PosixSignalContext context, string name)
        {
            // The process stays alive until the shutdown phases have run.
            context.Cancel = true;
            shutdownReason.TrySetResult(name);
        }
    }

    /// <summary>The node's actor system; null (with a logged reason) when Akka cannot start, e.g. its port is taken.</summary>
    private ActorSystem? StartSystem()
    {
        try
        {
            var config = SystemConfig(_settings, _akka);
            var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), new LoggerFactorySetup(_loggerFactory));
            return ActorSystem.Create(_settings.ClusterName, setup);
        }
        catch (Exception e) when (e is Akka.Remote.RemoteTransportException or Akka.Configuration.ConfigurationException or SocketException
            or AggregateException or InvalidOperationException or TypeLoadException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            _log.LogCritical("Node {Node} cannot start its actor system: {Reason}", _settings.NodeName, e.GetBaseException().Message);
            return null;
        }
    }

    /// <summary>
    /// The actor system's whole configuration: <paramref name="akka"/> over the control-state journal
    /// chosen by <c>akkamq.control-state</c> and the control plane's Akka defaults. Throws
    /// <see cref="ArgumentException"/> naming the key when the control-state settings are unusable.
    /// </summary>
    public static AkkaConfig SystemConfig(NodeSettings settings, AkkaConfig akka)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(akka);
        var state = settings.ControlState ?? ControlStateSettings.Default;
        var defaultDirectory = ControlStatePersistence.DirectoryFor(settings.Broker.Store.Dir);
        return akka
            .WithFallback(ControlStatePersistence.For(state.Kind, state.Path, state.ConnectionString, defaultDirectory))
            .WithFallback(ControlPlane.DefaultConfig);
    }

    /// <summary>
    /// Joins the cluster — this node alone when <paramref name="seeds"/> is empty (Akka joins
    /// configured seeds by itself) — and waits until this node is Up; false if
    /// <paramref name="stopping"/> completes first.
    /// </summary>
    public static async Task<bool> JoinClusterAsync(ActorSystem system, IReadOnlyList<string> seeds, Task stopping)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(seeds);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (seeds.Count == 0)
        {
            cluster.Join(cluster.SelfAddress);
        }

        // The actor system ends on its own when the join gives up (akka.cluster.shutdown-after-unsuccessful-join-seed-nodes).
        return await Task.WhenAny(up.Task, stopping, system.WhenTerminated).ConfigureAwait(false) == up.Task;
    }

    /// <summary>Joins the cluster (waits to be a member, or for a stop) and starts the roles; false when the node must not run.</summary>
    private async Task<bool> TryJoinAndStartAsync(ActorSystem system, NodeHealth health, Task<string> stopping, CancellationToken stop)
    {
        var seeds = AkkaConfiguration.SeedNodes(_akka);
        if (seeds.Count > 0)
        {
            _log.LogInformation("Joining the cluster through {Seeds}", string.Join(", ", seeds));
        }

        if (!await JoinClusterAsync(system, seeds, stopping).ConfigureAwait(false))
        {
            if (!stopping.IsCompleted && system.WhenTerminated.IsCompleted)
            {
                _log.LogCritical(
                    "Node {Node} could not join the cluster through {Seeds} within akka.cluster.shutdown-after-unsuccessful-join-seed-nodes ({Limit}); exiting so that its service manager starts it again",
                    _settings.NodeName, string.Join(", ", seeds), system.Settings.Config.GetString("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes"));
            }
            else
            {
                _log.LogWarning("Node {Node} stopped before it joined the cluster", _settings.NodeName);
            }

            return false;
        }

        _log.LogInformation("Node {Node} is a cluster member at {Address}", _settings.NodeName, Akka.Cluster.Cluster.Get(system).SelfAddress);
        var guardian = system.ActorOf(NodeGuardianActor.Props(_settings, _log), "node");
        try
        {
            health.RolesStarted(await NodeRoles.StartAsync(_settings, system, guardian, _loggerFactory, stop).ConfigureAwait(false));
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or FormatException
            or ArgumentException or InvalidOperationException or AkkaMq.Store.StoreCorruptedException or AskTimeoutException
            or AkkaMq.Cluster.Routing.RouteRegistryStartException)
        {
            _log.LogCritical("Node {Node} cannot start: {Reason}", _settings.NodeName, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Starts the health endpoint before the node joins, so liveness answers (and readiness says
    /// why not) while it joins and starts; it closes in the service-stop phase of the node's
    /// shutdown, after readiness has answered 503 through the drain. False when it cannot bind.
    /// </summary>
    private async Task<bool> TryStartHealthAsync(NodeHealth health, ActorSystem system, CancellationToken stop)
    {
        var settings = _settings.Health ?? HealthSettings.Default;
        if (!settings.Enabled)
        {
            return true;
        }

        try
        {
            var listen = AkkaMq.Remoting.Transport.HostPort.Parse(settings.Listen, "akkamq.health.listen");
            var endpoint = await HealthEndpoint.StartAsync(listen, health, _loggerFactory, stop).ConfigureAwait(false);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "health-listener", async () =>
            {
                _healthEndPoint = null;
                await endpoint.DisposeAsync().ConfigureAwait(false);
                return Akka.Done.Instance;
            });
            _healthEndPoint = endpoint.LocalEndPoint;
            _log.LogInformation("health endpoint listening on http://{EndPoint}/health", endpoint.LocalEndPoint);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or ArgumentException or InvalidOperationException)
        {
            _log.LogCritical("Node {Node}: akkamq.health.listen: cannot listen on {Listen}: {Reason}", _settings.NodeName, settings.Listen, e.Message);
            return false;
        }
    }

    private void LogRoles()
    {
        var s = _settings;
        _log.LogInformation("Node {Node}, cluster {Cluster}, roles: {Roles}",
            s.NodeName, s.ClusterName, string.Join(", ", s.Roles).ToLowerInvariant());
        if (s.Has(NodeRole.Namesrv))
        {
            _log.LogInformation("namesrv: port {Listen}", s.Namesrv.Listen);
        }

        if (s.Has(NodeRole.Broker))
        {
            _log.LogInformation("broker: group {Group}, port {Listen}, advertised as {Advertise}, store {Dir}, flush {Flush}",
                s.Broker.Group, s.Broker.Listen, s.Broker.Advertise, Path.GetFullPath(s.Broker.Store.Dir), s.Broker.Store.Flush);
        }

        if (s.Has(NodeRole.Controller))
        {
            _log.LogInformation("controller: may host the cluster singletons");
        }
    }

    /// <summary>Creates the broker's store directory; null (with a logged reason) when it cannot be used.</summary>
    private string? PrepareStoreDirectory()
    {
        var dir = Path.GetFullPath(_settings.Broker.Store.Dir);
        if (!_settings.Has(NodeRole.Broker))
        {
            return dir;
        }

        try
        {
            Directory.CreateDirectory(dir);
            return dir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogCritical("akkamq.broker.store.dir: cannot create store directory {Dir}: {Reason}", dir, e.Message);
            return null;
        }
    }
}

/// <summary>The coordinated-shutdown reason for SIGINT, SIGTERM or a requested stop.</summary>
public sealed class StopRequestedReason : CoordinatedShutdown.Reason
{
    public static readonly StopRequestedReason Instance = new();

    private StopRequestedReason()
    {
    }

    /// <summary>Not used: the node sets its own exit code (exit-clr is off).</summary>
    public override int ExitCode => 0;

    public override string ToString() => "stop requested";
}

/// <summary>The coordinated-shutdown reason when a node could not start.</summary>
public sealed class StartFailedReason : CoordinatedShutdown.Reason
{
    public static readonly StartFailedReason Instance = new();

    private StartFailedReason()
    {
    }

    /// <summary>Not used: the node sets its own exit code (exit-clr is off).</summary>
    public override int ExitCode => 1;
}
