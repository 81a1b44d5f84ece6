using System.ComponentModel.DataAnnotations;
using AkkaMq.Broker;
using AkkaMq.Hocon;
using AkkaMq.NameServer;
using AkkaMq.Remoting.Transport;

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
    ShutdownSettings Shutdown,
    RemotingLimits? Remoting = null,
    ControlStateSettings? ControlState = null,
    ControllerSettings? Controller = null,
    HealthSettings? Health = null)
{
    public bool Has(NodeRole role) => Roles.Contains(role);

    /// <summary>The transport settings of this node's servers (nameserver and broker ports).</summary>
    public RemotingSettings RemotingSettings => (Remoting ?? RemotingLimits.Default).ToRemotingSettings();
}

/// <summary><c>akkamq.remoting</c>: limits of every connection a node accepts.</summary>
public sealed record RemotingLimits(
    [property: Range(1, 1_000_000)] int MaxRequestsInFlight,
    ByteSize MaxPendingOutbound,
    TimeSpan IdleTimeout,
    [property: Range(1, 1_000_000)] int MaxConnectionsPerAddress,
    TimeSpan WarningInterval)
{
    public static RemotingLimits Default { get; } = FromSettings(RemotingSettings.Default);

    public RemotingSettings ToRemotingSettings() => RemotingSettings.Default with
    {
        MaxRequestsInFlight = MaxRequestsInFlight,
        MaxPendingOutboundBytes = MaxPendingOutbound.Bytes,
        IdleTimeout = IdleTimeout,
        MaxConnectionsPerAddress = MaxConnectionsPerAddress,
        WarningInterval = WarningInterval,
    };

    private static RemotingLimits FromSettings(RemotingSettings s) =>
        new(s.MaxRequestsInFlight, new ByteSize(s.MaxPendingOutboundBytes), s.IdleTimeout, s.MaxConnectionsPerAddress, s.WarningInterval);
}

public sealed record ShutdownSettings(TimeSpan PhaseTimeout);

/// <summary>
/// <c>akkamq.control-state</c>: where the control plane (route registry, controller) keeps its journal:
/// <see cref="Kind"/> <c>sqlite</c> (files in <see cref="Path"/>, empty = &lt;broker store dir&gt;/control) or
/// <c>postgresql</c> (<see cref="ConnectionString"/>).
/// </summary>
public sealed record ControlStateSettings(string Kind, string Path, string ConnectionString)
{
    public static ControlStateSettings Default { get; } = new("sqlite", string.Empty, string.Empty);
}

/// <summary>
/// <c>akkamq.controller</c>: how the Controller elects a group's master.
/// <see cref="AllowUncleanElection"/>: when no member of the in-sync set is online, elect another online
/// member anyway (the group takes writes again, and messages only the lost members held are gone).
/// </summary>
public sealed record ControllerSettings(bool AllowUncleanElection)
{
    public static ControllerSettings Default { get; } = new(false);
}
