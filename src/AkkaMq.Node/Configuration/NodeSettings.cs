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

public enum CoordinationKind
{
    Embedded,
    Etcd,
}

/// <summary>Everything under `akkamq`, bound strictly: an unknown key is a start-up error.</summary>
public sealed record NodeSettings(
    [property: Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$")] string ClusterName,
    [property: Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$")] string NodeName,
    IReadOnlyList<NodeRole> Roles,
    CoordinationSettings Coordination,
    NameServerSettings Namesrv,
    BrokerSettings Broker,
    ShutdownSettings Shutdown)
{
    public bool Has(NodeRole role) => Roles.Contains(role);
}

public sealed record CoordinationSettings(CoordinationKind Kind, EtcdSettings Etcd);

public sealed record EtcdSettings(IReadOnlyList<string> Endpoints, TimeSpan LeaseTtl, string KeyPrefix);

public sealed record ShutdownSettings(TimeSpan PhaseTimeout);
