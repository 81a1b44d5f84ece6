using System.ComponentModel.DataAnnotations;
using AkkaMq.Hocon;

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

public enum FlushMode
{
    GroupCommit,
    Async,
}

public enum ReplicationMode
{
    Sync,
    Async,
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

public sealed record NameServerSettings([property: Required] string Listen);

public sealed record BrokerSettings(
    [property: Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$")] string Group,
    [property: Required] string Listen,
    [property: Required] string Advertise,
    [property: Range(1, 1024)] int DefaultQueuesPerTopic,
    bool AutoCreateTopic,
    StoreSettingsSection Store,
    ReplicationSettings Replication);

public sealed record StoreSettingsSection(
    [property: Required] string Dir,
    ByteSize CommitlogSegmentSize,
    FlushMode Flush,
    TimeSpan FlushInterval,
    TimeSpan FileReservedTime,
    [property: Range(1, 99)] int DiskWatermarkPercent,
    ByteSize MaxMessageSize);

public sealed record ReplicationSettings(
    ReplicationMode Mode,
    [property: Range(1, 16)] int MinInSyncReplicas);

public sealed record ShutdownSettings(TimeSpan PhaseTimeout);
