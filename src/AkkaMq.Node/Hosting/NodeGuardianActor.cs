using AkkaMq.Actors;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// Top of a node's actor tree (/user/node). It owns the per-role actors; its children are
/// stopped before it when the node shuts down, so every role finishes before the node reports
/// itself stopped.
/// </summary>
public sealed class NodeGuardianActor : ReceiveActor
{
    private readonly NodeSettings _settings;
    private readonly ILogger _log;

    private NodeGuardianActor(NodeSettings settings, ILogger log)
    {
        _settings = settings;
        _log = log;
    }

    public static Props Props(NodeSettings settings, ILogger log) =>
        AkkaMq.Actors.Props.Create(() => new NodeGuardianActor(settings, log));

    protected override void PreStart() =>
        _log.LogInformation("Node {Node} of cluster {Cluster} up: roles {Roles}",
            _settings.NodeName, _settings.ClusterName, string.Join(", ", _settings.Roles).ToLowerInvariant());

    protected override void PostStop() =>
        _log.LogInformation("Node {Node}: all actors stopped", _settings.NodeName);
}
