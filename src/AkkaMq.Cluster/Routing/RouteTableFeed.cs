using System.Collections.Immutable;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The latest <see cref="RouteTable"/> on this node, for lock-free reads by request handlers,
/// and a change notification for actors that keep derived state. Only the
/// <see cref="RouteRegistryActor"/> (or, in a cluster, the node's <see cref="RouteReplicaActor"/>) publishes.
/// </summary>
/// <remarks>
/// Liveness lives here, as a view: the feed keeps the registry's table (<see cref="Source"/>) and the set
/// of cluster nodes that are unreachable or gone (<see cref="SetUnavailableNodes"/>), and
/// <see cref="Current"/> is the source with the broker members on those nodes left out — computed once
/// per change, so a read is still a single volatile load. The view keeps the source's
/// <see cref="RouteTable.Version"/>: versions count the registry's changes only, so a node coming back
/// never makes an older table look newer, and <see cref="Publish"/> still compares against the source.
/// As RocketMQ's nameserver does when a broker's channel closes, a group left with no member is dropped,
/// and with it that group's queues of every topic (a topic served by no listed group disappears).
/// </remarks>
public sealed class RouteTableFeed
{
    private readonly object _gate = new();
    private RouteTable _source;
    private RouteTable _current;
    private ImmutableHashSet<string> _unavailable = ImmutableHashSet<string>.Empty;
    private Action<RouteTable>[] _subscribers = [];

    public RouteTableFeed(RouteTable initial)
    {
        _source = initial;
        _current = initial;
    }

    /// <summary>The table to answer from: the registry's latest, without members on unavailable nodes.</summary>
    public RouteTable Current => Volatile.Read(ref _current);

    /// <summary>The registry's latest table as published, every member included.</summary>
    public RouteTable Source => Volatile.Read(ref _source);

    /// <summary>Akka addresses of the nodes whose broker members are left out of <see cref="Current"/>.</summary>
    public ImmutableHashSet<string> UnavailableNodes => Volatile.Read(ref _unavailable);

    /// <summary>Calls <paramref name="onChange"/> after every publish; keep it short (e.g. an actor Tell).</summary>
    public IDisposable Subscribe(Action<RouteTable> onChange)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, onChange];
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Makes <paramref name="table"/> current unless a newer version is already published.</summary>
    public void Publish(RouteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Action<RouteTable>[] subscribers;
        RouteTable view;
        lock (_gate)
        {
            if (table.Version <= _source.Version)
            {
                return;
            }

            Volatile.Write(ref _source, table);
            view = WithoutMembersOn(table, _unavailable);
            Volatile.Write(ref _current, view);
            subscribers = _subscribers;
        }

        Notify(subscribers, view);
    }

    /// <summary>
    /// Replaces the set of unavailable nodes (Akka addresses as <c>Address.ToString()</c>) and recomputes
    /// <see cref="Current"/>; subscribers hear of it when the view changes.
    /// </summary>
    public void SetUnavailableNodes(IEnumerable<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var set = nodes.ToImmutableHashSet(StringComparer.Ordinal);
        Action<RouteTable>[] subscribers;
        RouteTable view;
        lock (_gate)
        {
            if (set.SetEquals(_unavailable))
            {
                return;
            }

            Volatile.Write(ref _unavailable, set);
            view = WithoutMembersOn(_source, set);
            if (ReferenceEquals(view, _current))
            {
                return;
            }

            Volatile.Write(ref _current, view);
            subscribers = _subscribers;
        }

        Notify(subscribers, view);
    }

    /// <summary>
    /// <paramref name="table"/> without the members whose node is in <paramref name="unavailable"/>, groups left
    /// empty and their topic queues; the same instance when nothing is left out. The version is kept.
    /// </summary>
    public static RouteTable WithoutMembersOn(RouteTable table, ImmutableHashSet<string> unavailable)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(unavailable);
        if (unavailable.IsEmpty)
        {
            return table;
        }

        var groups = table.Groups;
        var dropped = new List<string>();
        foreach (var group in table.Groups.Values)
        {
            var addresses = group.Addresses;
            foreach (var (id, node) in group.NodeAddresses)
            {
                if (unavailable.Contains(node))
                {
                    addresses = addresses.Remove(id);
                }
            }

            if (ReferenceEquals(addresses, group.Addresses))
            {
                continue;
            }

            if (addresses.IsEmpty)
            {
                groups = groups.Remove(group.GroupName);
                dropped.Add(group.GroupName);
            }
            else
            {
                groups = groups.SetItem(group.GroupName, group with { Addresses = addresses });
            }
        }

        if (ReferenceEquals(groups, table.Groups))
        {
            return table;
        }

        var topics = table.Topics;
        foreach (var (name, perGroup) in table.Topics)
        {
            var left = perGroup.RemoveRange(dropped);
            if (left.Count != perGroup.Count)
            {
                topics = left.IsEmpty ? topics.Remove(name) : topics.SetItem(name, left);
            }
        }

        return new RouteTable(table.Version, groups, topics, table.Kv);
    }

    private static void Notify(Action<RouteTable>[] subscribers, RouteTable view)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber(view);
        }
    }

    private void Unsubscribe(Action<RouteTable> onChange)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => s != onChange);
        }
    }

    private sealed class Subscription(RouteTableFeed feed, Action<RouteTable> onChange) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(onChange);
    }
}
