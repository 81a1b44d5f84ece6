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
/// A route change was valid but the journal did not store it (database unreachable, disk full,
/// serialization failure). The change is not applied and the registry stops to recover its state afresh.
/// </summary>
public sealed class RouteChangeNotStoredException(string message, Exception cause) : Exception(message, cause);
