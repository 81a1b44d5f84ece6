namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The latest <see cref="RouteTable"/> on this node, for lock-free reads by request handlers,
/// and a change notification for actors that keep derived state. Only the
/// <see cref="RouteRegistryActor"/> (or, in a cluster, the watch that replicates it) publishes.
/// </summary>
public sealed class RouteTableFeed
{
    private readonly object _gate = new();
    private RouteTable _current;
    private Action<RouteTable>[] _subscribers = [];

    public RouteTableFeed(RouteTable initial) => _current = initial;

    public RouteTable Current => Volatile.Read(ref _current);

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
        Action<RouteTable>[] subscribers;
        lock (_gate)
        {
            if (table.Version <= _current.Version)
            {
                return;
            }

            Volatile.Write(ref _current, table);
            subscribers = _subscribers;
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(table);
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
