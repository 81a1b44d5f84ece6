using System.Collections.Immutable;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// What the <see cref="RouteRegistryActor"/> writes to the journal and the snapshot store. Every
/// implementation has a manifest and a hand-written codec in <see cref="RouteRegistrySerializer"/>;
/// the persistence configuration binds this interface to that serializer.
/// </summary>
public interface IRouteRegistryPersisted;

/// <summary>An accepted route change, as stored in the journal. Replaying the events in order rebuilds the table.</summary>
public interface IRouteRegistryEvent : IRouteRegistryPersisted;

/// <summary><paramref name="Config"/>'s topic was created or replaced on broker group <paramref name="Group"/>.</summary>
public sealed record TopicUpserted(string Group, TopicConfig Config) : IRouteRegistryEvent;

/// <summary>The topic was removed from every group.</summary>
public sealed record TopicDeleted(string Topic) : IRouteRegistryEvent;

/// <summary>
/// <paramref name="Address"/> serves <paramref name="Group"/> of <paramref name="Cluster"/> as broker id <paramref name="BrokerId"/>,
/// on the Akka node <paramref name="NodeAddress"/> (null: registered before node addresses were recorded).
/// </summary>
public sealed record BrokerMemberRegistered(string Cluster, string Group, long BrokerId, string Address, string? NodeAddress = null) : IRouteRegistryEvent;

public sealed record KvPut(string Namespace, string Key, string Value) : IRouteRegistryEvent;

public sealed record KvDeleted(string Namespace, string Key) : IRouteRegistryEvent;

/// <summary>
/// Write permission of every topic on broker group <paramref name="Group"/> was taken away
/// (<paramref name="Writable"/> false: the write bit cleared) or given back (true: read and write bits set),
/// as RocketMQ's wipeWritePerm / addWritePerm do to the name server's queue data.
/// </summary>
public sealed record BrokerWritePermChanged(string Group, bool Writable) : IRouteRegistryEvent;

/// <summary>
/// The whole table read from a data directory of the file-based store, once, when the journal was
/// still empty. It replaces the table, version included.
/// </summary>
public sealed record RouteTableImported(RouteTable Table) : IRouteRegistryEvent;

/// <summary>The whole table at the snapshot's sequence number.</summary>
public sealed record RouteRegistrySnapshot(RouteTable Table) : IRouteRegistryPersisted;

/// <summary>How each event changes the table: the one place both command handling and recovery use.</summary>
public static class RouteRegistryEvents
{
    public static RouteTable Apply(RouteTable table, IRouteRegistryEvent e) => e switch
    {
        TopicUpserted u => table.WithTopic(u.Group, u.Config),
        TopicDeleted d => table.WithoutTopic(d.Topic),
        BrokerMemberRegistered r => table.WithGroup(Register(table, r)),
        KvPut p => table.WithKv(p.Namespace, p.Key, p.Value),
        KvDeleted d => table.WithoutKv(d.Namespace, d.Key),
        RouteTableImported i => i.Table,
        BrokerWritePermChanged w => table.WithGroupWritePerm(w.Group, w.Writable),
        _ => throw new ArgumentException("not a route registry event: " + e.GetType().Name, nameof(e)),
    };

    /// <summary>True when applying <paramref name="e"/> would leave <paramref name="table"/>'s content as it is.</summary>
    public static bool ChangesNothing(RouteTable table, IRouteRegistryEvent e) => e switch
    {
        TopicUpserted u => table.FindTopic(u.Config.TopicName, u.Group) == u.Config,
        TopicDeleted d => !table.Topics.ContainsKey(d.Topic),
        BrokerMemberRegistered r => table.Groups.TryGetValue(r.Group, out var group)
            && group.ClusterName == r.Cluster
            && group.Addresses.TryGetValue(r.BrokerId, out var address)
            && address == r.Address
            && group.NodeOf(r.BrokerId) == r.NodeAddress
            && !HasOtherIdAt(group, r),
        KvPut p => table.FindKv(p.Namespace, p.Key) == p.Value,
        KvDeleted d => table.FindKv(d.Namespace, d.Key) is null,
        BrokerWritePermChanged w => ReferenceEquals(table.WithGroupWritePerm(w.Group, w.Writable), table),
        _ => false,
    };

    /// <summary>
    /// A broker that registers under a new id (a follower promoted to master, a master demoted)
    /// leaves its old id: one address is one member of the group, so routes never list it twice.
    /// </summary>
    private static BrokerGroup Register(RouteTable table, BrokerMemberRegistered r)
    {
        table.Groups.TryGetValue(r.Group, out var existing);
        var addresses = existing?.Addresses ?? ImmutableSortedDictionary<long, string>.Empty;
        var nodes = existing?.NodeAddresses ?? ImmutableSortedDictionary<long, string>.Empty;
        foreach (var (id, address) in addresses)
        {
            if (id != r.BrokerId && address == r.Address)
            {
                addresses = addresses.Remove(id);
                nodes = nodes.Remove(id);
            }
        }

        nodes = r.NodeAddress is null ? nodes.Remove(r.BrokerId) : nodes.SetItem(r.BrokerId, r.NodeAddress);
        return new BrokerGroup(r.Cluster, r.Group, addresses.SetItem(r.BrokerId, r.Address), nodes.IsEmpty ? null : nodes);
    }

    private static bool HasOtherIdAt(BrokerGroup group, BrokerMemberRegistered r)
    {
        foreach (var (id, address) in group.Addresses)
        {
            if (id != r.BrokerId && address == r.Address)
            {
                return true;
            }
        }

        return false;
    }
}
