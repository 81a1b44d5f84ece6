using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Broker;

/// <summary>
/// The clients actor's read-only queries: who is in a group, its connections' descriptions for
/// the admin, and the connections the broker calls back (consumer relays, transaction
/// check-back, offset-reset pushes). They only read the tables the heartbeat path maintains.
/// </summary>
public sealed partial class ClientsActor
{
    private RemotingConnection? FindMember(string group, string clientId)
    {
        if (_consumers.TryGetValue(group, out var state))
        {
            foreach (var member in state.Members)
            {
                if (!member.IsClosed && _channels.TryGetValue(member, out var channel) && channel.ClientId == clientId)
                {
                    return member;
                }
            }
        }

        return null;
    }

    /// <summary>One live connection of a producer group, picked at random (transaction check-back).</summary>
    private RemotingConnection? FindProducerChannel(string group)
    {
        if (!_producers.TryGetValue(group, out var members))
        {
            return null;
        }

        var live = new List<RemotingConnection>();
        foreach (var member in members)
        {
            if (!member.IsClosed)
            {
                live.Add(member);
            }
        }

        return live.Count == 0 ? null : live[Random.Shared.Next(live.Count)];
    }

    private List<GroupChannel> ChannelsOf(string group)
    {
        var channels = new List<GroupChannel>();
        if (_consumers.TryGetValue(group, out var state))
        {
            foreach (var member in state.Members)
            {
                if (!member.IsClosed && _channels.TryGetValue(member, out var channel))
                {
                    channels.Add(new GroupChannel(member, channel.ClientId, channel.Language, channel.Version));
                }
            }
        }

        return channels;
    }

    private List<string> ConsumerIdsOf(string group)
    {
        var ids = new List<string>();
        if (_consumers.TryGetValue(group, out var state))
        {
            foreach (var member in state.Members)
            {
                if (_channels.TryGetValue(member, out var channel) && !ids.Contains(channel.ClientId))
                {
                    ids.Add(channel.ClientId);
                }
            }
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    private byte[]? ConsumerConnectionsOf(string group)
    {
        if (!_consumers.TryGetValue(group, out var state) || state.Members.Count == 0)
        {
            return null;
        }

        var body = new ConsumerConnectionBody
        {
            ConsumeType = state.Consumer.ConsumeType,
            MessageModel = state.Consumer.MessageModel,
            ConsumeFromWhere = state.Consumer.ConsumeFromWhere,
        };
        foreach (var member in state.Members)
        {
            body.ConnectionSet.Add(Describe(member));
        }

        foreach (var subscription in state.Consumer.SubscriptionDataSet)
        {
            body.SubscriptionTable[subscription.Topic] = subscription;
        }

        return body.Encode();
    }

    private byte[]? ProducerConnectionsOf(string group)
    {
        if (!_producers.TryGetValue(group, out var members) || members.Count == 0)
        {
            return null;
        }

        var body = new ProducerConnectionBody();
        foreach (var member in members)
        {
            body.ConnectionSet.Add(Describe(member));
        }

        return body.Encode();
    }

    /// <summary>Every producer group with a live client, for GET_ALL_PRODUCER_INFO.</summary>
    private byte[] ProducerTable()
    {
        var table = new ProducerTableBody();
        foreach (var (group, members) in _producers)
        {
            if (members.Count == 0)
            {
                continue;
            }

            var list = new List<ProducerInfoData>();
            foreach (var member in members)
            {
                var channel = _channels[member];
                list.Add(new ProducerInfoData
                {
                    ClientId = channel.ClientId, RemoteIp = member.RemoteAddress, Language = channel.Language,
                    Version = channel.Version, LastUpdateTimestamp = channel.LastHeartbeat.ToUnixTimeMilliseconds(),
                });
            }

            table.Data[group] = list;
        }

        return table.Encode();
    }

    private ConnectionData Describe(RemotingConnection connection)
    {
        var channel = _channels[connection];
        return new ConnectionData
        {
            ClientId = channel.ClientId,
            ClientAddr = connection.RemoteAddress,
            Language = channel.Language,
            Version = channel.Version,
        };
    }
}

/// <summary>Replies <see cref="ConsumerIds"/>, sorted.</summary>
public sealed record GetConsumerIds(string Group);

public sealed record ConsumerIds(IReadOnlyList<string> Ids);

/// <summary>Replies <see cref="EncodedBody"/> with a ConsumerConnection body, or null when the group is not online.</summary>
public sealed record GetConsumerConnections(string Group);

/// <summary>Replies <see cref="EncodedBody"/> with a ProducerConnection body, or null when the group has no producer.</summary>
public sealed record GetProducerConnections(string Group);

public sealed record EncodedBody(byte[]? Body);

/// <summary>Replies <see cref="FoundClient"/>: the live connection of a consumer, for broker-to-client relays.</summary>
public sealed record FindClient(string Group, string ClientId);

public sealed record FoundClient(RemotingConnection? Connection);

/// <summary>Replies <see cref="GroupChannels"/>: every live connection of a consumer group, for broker-to-client pushes.</summary>
public sealed record GetGroupChannels(string Group);

public sealed record GroupChannel(RemotingConnection Connection, string ClientId, string Language, int Version);

public sealed record GroupChannels(IReadOnlyList<GroupChannel> Channels);

/// <summary>Replies <see cref="FoundClient"/>: a live connection of a producer group, for transaction check-back.</summary>
public sealed record FindProducer(string Group);

/// <summary>Replies <see cref="EncodedBody"/> with a ProducerTableInfo body of every live producer group.</summary>
public sealed record GetProducerTable
{
    public static GetProducerTable Instance { get; } = new();
}
