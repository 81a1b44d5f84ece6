using AkkaMq.Actors;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// Marks a node's life in its actor tree (/user/node): logs when the node is up and when the
/// actor system has stopped it. The roles' actors are started next to it by
/// <see cref="NodeRoles"/>; their shutdown order comes from the coordinated-shutdown phases.
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
