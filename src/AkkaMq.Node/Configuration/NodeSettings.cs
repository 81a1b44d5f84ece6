using System.ComponentModel.DataAnnotations;
using AkkaMq.Broker;
using AkkaMq.NameServer;

namespace AkkaMq.Node.Configuration;

/// <summary>The roles a node can play (`akkamq.roles`).</summary>
public enum NodeRole
{
    Namesrv,
    Broker,
    Controller,
}

/// <summary>Everything under `akkamq`, bound strictly: an unknown key is a start-up error.</summary>
public sealed record NodeSettings(
    // Also the name of the node's actor system, which Akka addresses carry: letters, digits, '-' and '_', not first.
    [property: Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")] string ClusterName,
    [property: Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$")] string NodeName,
    IReadOnlyList<NodeRole> Roles,
    NameServerSettings Namesrv,
    BrokerSettings Broker,
    ShutdownSettings Shutdown)
{
    public bool Has(NodeRole role) => Roles.Contains(role);
}

public sealed record ShutdownSettings(TimeSpan PhaseTimeout);
