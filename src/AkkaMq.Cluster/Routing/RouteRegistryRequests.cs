using Akka.Actor;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The <see cref="RouteRegistryActor"/>'s answer to a change: accepted with the table after it
/// (the same table when the change altered nothing), or rejected with the rule it broke.
/// </summary>
public sealed record RouteChangeResult(RouteTable? Table, string? Rejection)
{
    public bool IsAccepted => Table is not null;

    public static RouteChangeResult Accepted(RouteTable table) => new(table, null);

    public static RouteChangeResult Rejected(string reason) => new(null, reason);
}

/// <summary>Talks to the route registry from request handlers and the node host (outside actors).</summary>
public static class RouteRegistryRequests
{
    /// <summary>How long a handler waits for the registry; it writes the change to the journal before replying.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="change"/> (<see cref="UpsertTopic"/>, <see cref="DeleteTopic"/>,
    /// <see cref="RegisterBrokerMember"/>, <see cref="PutKv"/>, <see cref="DeleteKv"/>) and waits for the answer.
    /// A rule the change breaks comes back as <see cref="RouteChangeResult.Rejection"/>. Thrown:
    /// <see cref="RouteChangeNotStoredException"/> when the journal failed to store the change;
    /// <see cref="Akka.Actor.AskTimeoutException"/> when no answer came within <see cref="Timeout"/>
    /// (registry stopped, still recovering, or unreachable); <see cref="OperationCanceledException"/> on <paramref name="ct"/>.
    /// </summary>
    public static Task<RouteChangeResult> ChangeAsync(IActorRef registry, object change, CancellationToken ct) =>
        registry.Ask<RouteChangeResult>(change, Timeout, ct);

    /// <summary>
    /// Waits until the registry has recovered its state (and imported a legacy file, if any) and
    /// returns the table. Throws <see cref="RouteRegistryStartException"/> when the registry stops
    /// instead: its log then holds the reason (e.g. an unreadable legacy file, named there).
    /// </summary>
    public static async Task<RouteTable> WaitUntilStartedAsync(IActorRef registry, TimeSpan timeout, CancellationToken ct)
    {
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stopped = registry.WatchAsync(stopWatching.Token);
        var table = registry.Ask<RouteTable>(GetRouteTable.Instance, timeout, ct);
        var first = await Task.WhenAny(table, stopped).ConfigureAwait(false);
        if (first == stopped && await stopped.ConfigureAwait(false))
        {
            throw new RouteRegistryStartException($"route registry {registry.Path} stopped while starting; its log says why");
        }

        await stopWatching.CancelAsync().ConfigureAwait(false);
        return await table.ConfigureAwait(false);
    }
}
