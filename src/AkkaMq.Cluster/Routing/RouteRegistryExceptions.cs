using Akka.Actor;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The route registry cannot start: its recovered state or the legacy file it must import is
/// unreadable. The message names the file and what an operator can do. It derives from
/// <see cref="ActorInitializationException"/>, so Akka's default supervision stops the registry
/// instead of restarting it into the same failure.
/// </summary>
public sealed class RouteRegistryStartException : ActorInitializationException
{
    public RouteRegistryStartException(string message)
        : base(message)
    {
    }

    public RouteRegistryStartException(string message, Exception cause)
        : base(message, cause)
    {
    }
}

/// <summary>
/// A route change was valid but the journal did not store it, so it was not applied. After a write
/// failure (database unreachable, disk full) the registry has stopped, as Akka stops every persistent
/// actor whose write failed; after a rejection (the journal refused that one event) it goes on.
/// </summary>
public sealed class RouteChangeNotStoredException(string message, Exception cause) : Exception(message, cause);
