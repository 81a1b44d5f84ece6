using System.Collections.Immutable;
using Akka.Actor;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// Owns the live clients: which connection is which client, which producer and consumer groups
/// each belongs to and each consumer group's subscriptions. Fed by heartbeats, unregistrations
/// and connection closes; a connection silent for <see cref="ChannelExpiry"/> is dropped. When a
/// consumer group's members change, every member gets NOTIFY_CONSUMER_IDS_CHANGED (one-way).
/// Subscriptions are published to <see cref="ConsumerSubscriptions"/> for the pull path.
/// </summary>
public sealed partial class ClientsActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan ChannelExpiry = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(10);

    private readonly ConsumerSubscriptions _view;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Dictionary<RemotingConnection, ClientChannel> _channels = [];
    private readonly Dictionary<string, ConsumerGroupState> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<RemotingConnection>> _producers = new(StringComparer.Ordinal);

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public ClientsActor(ConsumerSubscriptions view, TimeProvider time, ILogger log)
    {
        _view = view;
        _time = time;
        _log = log;
        Receive<ClientHeartbeat>(Heartbeat);
        Receive<UnregisterClient>(Unregister);
        Receive<ClientConnectionClosed>(m => DropChannel(m.Connection));
        Receive<ScanChannels>(_ => ScanExpired());
        Receive<GetConsumerIds>(m => Sender.Tell(new ConsumerIds(ConsumerIdsOf(m.Group)), Self));
        Receive<GetConsumerConnections>(m => Sender.Tell(new EncodedBody(ConsumerConnectionsOf(m.Group)), Self));
        Receive<GetProducerConnections>(m => Sender.Tell(new EncodedBody(ProducerConnectionsOf(m.Group)), Self));
        Receive<FindClient>(m => Sender.Tell(new FoundClient(FindMember(m.Group, m.ClientId)), Self));
        Receive<FindProducer>(m => Sender.Tell(new FoundClient(FindProducerChannel(m.Group)), Self));
        Receive<GetProducerTable>(_ => Sender.Tell(new EncodedBody(ProducerTable()), Self));
        Receive<GetGroupChannels>(m => Sender.Tell(new GroupChannels(ChannelsOf(m.Group)), Self));
    }

    public static Props Props(ConsumerSubscriptions view, TimeProvider time, ILogger log) =>
        Akka.Actor.Props.Create(() => new ClientsActor(view, time, log));

    protected override void PreStart() => Timers.StartPeriodicTimer("scan", ScanChannels.Instance, ScanInterval);

    private void Heartbeat(ClientHeartbeat m)
    {
        if (!_channels.TryGetValue(m.Connection, out var channel))
        {
            _channels[m.Connection] = channel = new ClientChannel(m.Data.ClientId, m.Language, m.Version);
        }

        channel.LastHeartbeat = _time.GetUtcNow();
        foreach (string group in m.Data.ProducerGroups)
        {
            channel.ProducerGroups.Add(group);
            GetOrAdd(_producers, group).Add(m.Connection);
        }

        bool subscriptionsChanged = false;
        foreach (var consumer in m.Data.ConsumerDataSet)
        {
            channel.ConsumerGroups.Add(consumer.GroupName);
            if (!_consumers.TryGetValue(consumer.GroupName, out var state))
            {
                _consumers[consumer.GroupName] = state = new ConsumerGroupState();
            }

            state.Consumer = consumer;
            subscriptionsChanged = true;
            if (state.Members.Add(m.Connection))
            {
                NotifyMembers(consumer.GroupName, state);
            }
        }

        if (subscriptionsChanged)
        {
            PublishSubscriptions();
        }

        Sender.Tell(ClientRegistered.Instance, Self);
    }

    private void Unregister(UnregisterClient m)
    {
        if (m.ProducerGroup is { } producer)
        {
            RemoveProducer(producer, m.Connection);
        }

        if (m.ConsumerGroup is { } group)
        {
            RemoveMember(group, m.Connection);
            PublishSubscriptions();
        }

        Sender.Tell(ClientRegistered.Instance, Self);
    }

    private void DropChannel(RemotingConnection connection)
    {
        if (!_channels.Remove(connection, out var channel))
        {
            return;
        }

        foreach (string group in channel.ProducerGroups)
        {
            RemoveProducer(group, connection);
        }

        foreach (string group in channel.ConsumerGroups)
        {
            RemoveMember(group, connection);
        }

        PublishSubscriptions();
    }

    /// <summary>A group whose last producer left is forgotten, so the table holds only groups with a client.</summary>
    private void RemoveProducer(string group, RemotingConnection connection)
    {
        if (_producers.TryGetValue(group, out var set) && set.Remove(connection) && set.Count == 0)
        {
            _producers.Remove(group);
        }
    }

    private void RemoveMember(string group, RemotingConnection connection)
    {
        if (_consumers.TryGetValue(group, out var state) && state.Members.Remove(connection))
        {
            if (state.Members.Count == 0)
            {
                _consumers.Remove(group);
            }
            else
            {
                NotifyMembers(group, state);
            }
        }
    }

    private void ScanExpired()
    {
        var cutoff = _time.GetUtcNow() - ChannelExpiry;
        List<RemotingConnection>? expired = null;
        foreach (var (connection, channel) in _channels)
        {
            if (channel.LastHeartbeat < cutoff || connection.IsClosed)
            {
                (expired ??= []).Add(connection);
            }
        }

        foreach (var connection in expired ?? [])
        {
            _log.LogInformation("Client channel {Remote} expired without heartbeat", connection.RemoteAddress);
            DropChannel(connection);
        }
    }

    private void NotifyMembers(string group, ConsumerGroupState state)
    {
        foreach (var member in state.Members)
        {
            if (member.IsClosed)
            {
                continue;
            }

            var notify = CommandHeader.CreateRequest(
                RequestCode.NotifyConsumerIdsChanged, new NotifyConsumerIdsChangedRequestHeader { ConsumerGroup = group });
            try
            {
                member.InvokeOneway(notify);
            }
            catch (RemotingConnectionException e)
            {
                // Closed in the meantime; its close event removes it from the group.
                _log.LogDebug("Could not notify {Remote} of group {Group} change: {Reason}", member.RemoteAddress, group, e.Message);
            }
        }
    }

    private void PublishSubscriptions()
    {
        var groups = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, SubscriptionData>>(StringComparer.Ordinal);
        var broadcasting = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var (group, state) in _consumers)
        {
            if (state.Consumer.MessageModel == MessageModel.Broadcasting)
            {
                broadcasting.Add(group);
            }

            var topics = ImmutableDictionary.CreateBuilder<string, SubscriptionData>(StringComparer.Ordinal);
            foreach (var subscription in state.Consumer.SubscriptionDataSet)
            {
                topics[subscription.Topic] = subscription;
            }

            groups[group] = topics.ToImmutable();
        }

        _view.Publish(groups.ToImmutable(), broadcasting.ToImmutable());
    }

    private static HashSet<RemotingConnection> GetOrAdd(Dictionary<string, HashSet<RemotingConnection>> map, string key)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = [];
        }

        return set;
    }

    private sealed class ClientChannel(string clientId, string language, int version)
    {
        public string ClientId { get; } = clientId;

        public string Language { get; } = language;

        public int Version { get; } = version;

        public DateTimeOffset LastHeartbeat { get; set; }

        public HashSet<string> ProducerGroups { get; } = new(StringComparer.Ordinal);

        public HashSet<string> ConsumerGroups { get; } = new(StringComparer.Ordinal);
    }

    private sealed class ConsumerGroupState
    {
        public ConsumerData Consumer { get; set; } = new();

        public HashSet<RemotingConnection> Members { get; } = [];
    }
}

/// <summary>A heartbeat arrived on <paramref name="Connection"/>; replies <see cref="ClientRegistered"/> once registered.</summary>
public sealed record ClientHeartbeat(RemotingConnection Connection, HeartbeatData Data, string Language, int Version);

/// <summary>UNREGISTER_CLIENT; replies <see cref="ClientRegistered"/>.</summary>
public sealed record UnregisterClient(RemotingConnection Connection, string ClientId, string? ProducerGroup, string? ConsumerGroup);

public sealed record ClientRegistered
{
    public static ClientRegistered Instance { get; } = new();
}

public sealed record ClientConnectionClosed(RemotingConnection Connection);

internal sealed record ScanChannels
{
    public static ScanChannels Instance { get; } = new();
}
