using System.Net.Sockets;
using System.Runtime.InteropServices;
using AkkaMq.Actors;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// Runs one node until SIGINT or SIGTERM: prepares what its roles need on disk, starts the
/// actor system under a <see cref="NodeGuardianActor"/>, and on a signal runs the coordinated
/// shutdown (stop accepting, drain, stop actors, flush) before returning.
/// </summary>
public sealed class NodeHost
{
    private readonly NodeSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;

    public NodeHost(NodeSettings settings, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _loggerFactory = loggerFactory;
        _log = loggerFactory.CreateLogger("AkkaMq.Node");
    }

    /// <summary>Runs until <paramref name="stop"/> is cancelled or a termination signal arrives; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        LogRoles();
        var storeDir = PrepareStoreDirectory();
        if (storeDir is null)
        {
            return 1;
        }

        var system = ActorSystem.Create(_settings.NodeName, new ActorSystemOptions
        {
            LoggerFactory = _loggerFactory,
            ShutdownPhaseTimeout = _settings.Shutdown.PhaseTimeout,
        });
        system.ActorOf(NodeGuardianActor.Props(_settings, _log), "node");
        if (!await TryStartRolesAsync(system, stop).ConfigureAwait(false))
        {
            await system.CoordinatedShutdown.RunAsync("start-up failed").ConfigureAwait(false);
            return 1;
        }

        var shutdownReason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => OnSignal(ctx, "SIGINT"));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => OnSignal(ctx, "SIGTERM"));
        await using var onStop = stop.Register(() => shutdownReason.TrySetResult("stop requested"));

        _log.LogInformation("Node {Node} started", _settings.NodeName);
        var reason = await shutdownReason.Task.ConfigureAwait(false);

        _log.LogInformation("Node {Node} stopping ({Reason})", _settings.NodeName, reason);
        await system.CoordinatedShutdown.RunAsync(reason).ConfigureAwait(false);
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

    /// <summary>Starts the roles; a port in use or an unreadable store is logged and ends the node, not a crash.</summary>
    private async Task<bool> TryStartRolesAsync(ActorSystem system, CancellationToken stop)
    {
        try
        {
            await NodeRoles.StartAsync(_settings, system, _loggerFactory, stop).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException or FormatException
            or ArgumentException or InvalidOperationException or AkkaMq.Store.StoreCorruptedException or AskTimeoutException)
        {
            _log.LogCritical("Node {Node} cannot start: {Reason}", _settings.NodeName, e.Message);
            return false;
        }
    }

    private void LogRoles()
    {
        var s = _settings;
        _log.LogInformation("Node {Node}, cluster {Cluster}, roles: {Roles}, coordination: {Coordination}",
            s.NodeName, s.ClusterName, string.Join(", ", s.Roles).ToLowerInvariant(), s.Coordination.Kind.ToString().ToLowerInvariant());
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
