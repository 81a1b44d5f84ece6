using System.Collections.Immutable;

namespace AkkaMq.Cluster.Routing;

/// <summary>RocketMQ's PermName bits: what clients may do with a topic's queues on a broker group.</summary>
public static class Perm
{
    public const int Priority = 0x8;
    public const int Read = 0x4;
    public const int Write = 0x2;
    /// <summary>The topic may serve as an auto-create template (TBW102).</summary>
    public const int Inherit = 0x1;
    public const int ReadWrite = Read | Write;

    public static bool IsReadable(int perm) => (perm & Read) != 0;

    public static bool IsWritable(int perm) => (perm & Write) != 0;
}

public enum TopicFilterType
{
    SingleTag,
    MultiTag,
}

/// <summary>A topic's queues on one broker group, as RocketMQ's TopicConfig describes them.</summary>
public sealed record TopicConfig(
    string TopicName,
    int ReadQueueNums,
    int WriteQueueNums,
    int Perm,
    TopicFilterType FilterType = TopicFilterType.SingleTag,
    int TopicSysFlag = 0,
    bool Order = false)
{
    /// <summary>The larger of the read and write queue counts: queue ids below it exist.</summary>
    public int QueueCount => Math.Max(ReadQueueNums, WriteQueueNums);
}

/// <summary>
/// One broker group (RocketMQ's brokerName): its cluster and the address of each member by broker id (0 = master);
/// <paramref name="Nodes"/> holds, per broker id, the Akka address of the node that member runs on (absent for
/// members registered without one; those are always listed).
/// </summary>
public sealed record BrokerGroup(
    string ClusterName, string GroupName, ImmutableSortedDictionary<long, string> Addresses, ImmutableSortedDictionary<long, string>? Nodes = null)
{
    public string? MasterAddress => Addresses.TryGetValue(0, out var address) ? address : null;

    /// <summary>Akka node address of each member by broker id; empty when none was registered.</summary>
    public ImmutableSortedDictionary<long, string> NodeAddresses => Nodes ?? ImmutableSortedDictionary<long, string>.Empty;

    /// <summary>The Akka address of the node broker id <paramref name="brokerId"/> runs on, or null when unknown.</summary>
    public string? NodeOf(long brokerId) => NodeAddresses.TryGetValue(brokerId, out var node) ? node : null;
}
