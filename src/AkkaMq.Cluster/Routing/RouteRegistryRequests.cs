using Akka.Actor;

namespace AkkaMq.Cluster.Routing;

/// <summary>The outcome of a change sent to the <see cref="RouteRegistryActor"/>: the new table, or why it was refused.</summary>
public readonly record struct RouteChangeResult(RouteTable? Table, string? Rejection)
{
    public bool IsAccepted => Table is not null;
}

/// <summary>Sends changes to the route registry from request handlers (outside actors).</summary>
public static class RouteRegistryRequests
{
    /// <summary>How long a handler waits for the registry; it saves to the control-state store before replying.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="change"/> and waits for the registry's answer. A rule the change breaks comes back as
    /// <see cref="RouteChangeResult.Rejection"/>; timeouts and store failures are thrown.
    /// </summary>
    public static async Task<RouteChangeResult> ChangeAsync(IActorRef registry, object change, CancellationToken ct)
    {
        object reply = await registry.Ask<object>(change, Timeout, ct).ConfigureAwait(false);
        return reply switch
        {
            RouteTable table => new RouteChangeResult(table, null),
            Status.Failure { Cause: RouteChangeRejectedException rejected } => new RouteChangeResult(null, rejected.Message),
            Status.Failure failure => throw new InvalidOperationException("route registry failed: " + failure.Cause.Message, failure.Cause),
            _ => throw new InvalidOperationException("route registry replied " + reply.GetType().Name),
        };
    }
}
