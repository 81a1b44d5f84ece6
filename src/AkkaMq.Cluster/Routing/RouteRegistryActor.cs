using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// Owns the route table: topic configuration, broker groups and nameserver KV config, as cluster
/// state. Each change is saved to the control-state store before it is acknowledged and then
/// published through the <see cref="RouteTableFeed"/>. Exactly one runs per cluster (in a
/// standalone node, the local one). Changes are handled one at a time, so they never race.
/// Replies: the new <see cref="RouteTable"/>, or <see cref="Status.Failure"/> with the reason.
/// </summary>
public sealed class RouteRegistryActor : ReceiveActor
{
    public const string StateKey = "route-table";
    public const int MaxQueues = 1024;

    private readonly IControlStateStore _store;
    private readonly RouteTableFeed _feed;
    private readonly ILogger _log;
    private RouteTable _table;

    public RouteRegistryActor(RouteTable initial, IControlStateStore store, RouteTableFeed feed, ILogger log)
    {
        _table = initial;
        _store = store;
        _feed = feed;
        _log = log;

        ReceiveAsync<UpsertTopic>(m => ValidateTopic(m.Config) is { } problem
            ? Reject(problem)
            : CommitAsync(_table.WithTopic(m.Group, m.Config)));
        ReceiveAsync<DeleteTopic>(m => _table.Topics.ContainsKey(m.Topic)
            ? CommitAsync(_table.WithoutTopic(m.Topic))
            : Reject($"topic {m.Topic} does not exist"));
        ReceiveAsync<RegisterBrokerMember>(m => CommitAsync(Register(m)));
        ReceiveAsync<PutKv>(m => CommitAsync(_table.WithKv(m.Namespace, m.Key, m.Value)));
        ReceiveAsync<DeleteKv>(m => CommitAsync(_table.WithoutKv(m.Namespace, m.Key)));
        Receive<GetRouteTable>(_ => Sender.Tell(_table, Self));
    }

    /// <summary>Loads the saved table (or starts empty) before the registry accepts changes.</summary>
    public static async Task<RouteTable> LoadAsync(IControlStateStore store, CancellationToken cancellation)
    {
        var saved = await store.LoadAsync(StateKey, cancellation);
        return saved is null ? RouteTable.Empty : RouteTableCodec.Decode(saved, StateKey);
    }

    public static Props Props(RouteTable initial, IControlStateStore store, RouteTableFeed feed, ILogger log) =>
        Akka.Actor.Props.Create(() => new RouteRegistryActor(initial, store, feed, log));

    protected override void PreStart() => _feed.Publish(_table);

    private static string? ValidateTopic(TopicConfig config)
    {
        if (TopicNames.Validate(config.TopicName) is { } problem)
        {
            return problem;
        }

        return config.ReadQueueNums is < 1 or > MaxQueues || config.WriteQueueNums is < 1 or > MaxQueues
            ? $"queue counts must be 1..{MaxQueues}, got read {config.ReadQueueNums} write {config.WriteQueueNums}"
            : null;
    }

    private RouteTable Register(RegisterBrokerMember m)
    {
        var addresses = _table.Groups.TryGetValue(m.Group, out var existing)
            ? existing.Addresses
            : System.Collections.Immutable.ImmutableSortedDictionary<long, string>.Empty;
        if (existing is not null && existing.ClusterName == m.Cluster && addresses.TryGetValue(m.BrokerId, out var current) && current == m.Address)
        {
            return _table;
        }

        return _table.WithGroup(new BrokerGroup(m.Cluster, m.Group, addresses.SetItem(m.BrokerId, m.Address)));
    }

    private Task Reject(string problem)
    {
        Sender.Tell(new Status.Failure(new RouteChangeRejectedException(problem)), Self);
        return Task.CompletedTask;
    }

    /// <summary>Saves <paramref name="next"/>, then makes it current and publishes it; replies with the current table.</summary>
    private async Task CommitAsync(RouteTable next)
    {
        var sender = Sender;
        if (!ReferenceEquals(next, _table))
        {
            await _store.SaveAsync(StateKey, RouteTableCodec.Encode(next), CancellationToken.None);
            _table = next;
            _feed.Publish(next);
            _log.LogDebug("Route table now at version {Version}", next.Version);
        }

        sender.Tell(_table, Self);
    }
}

/// <summary>Creates or replaces <paramref name="Config"/>'s topic on broker group <paramref name="Group"/>.</summary>
public sealed record UpsertTopic(string Group, TopicConfig Config);

/// <summary>Removes a topic from every group.</summary>
public sealed record DeleteTopic(string Topic);

/// <summary>Records that <paramref name="Address"/> serves <paramref name="Group"/> as broker id <paramref name="BrokerId"/> (0 = master).</summary>
public sealed record RegisterBrokerMember(string Cluster, string Group, long BrokerId, string Address);

public sealed record PutKv(string Namespace, string Key, string Value);

public sealed record DeleteKv(string Namespace, string Key);

public sealed record GetRouteTable
{
    public static GetRouteTable Instance { get; } = new();
}

/// <summary>A route change that breaks a rule (bad topic name, unknown topic); the message says which.</summary>
public sealed class RouteChangeRejectedException(string message) : Exception(message);
