using System.Globalization;
using Akka.Actor;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// Offsets moved by an operator: INVOKE_BROKER_TO_RESET_OFFSET (222), INVOKE_BROKER_TO_GET_CONSUMER_STATUS
/// (223) and CLONE_GROUP_OFFSET (314).
/// </summary>
internal sealed class OffsetResetProcessor(BrokerContext context)
{
    /// <summary>
    /// How long the broker waits for the clients' GET_CONSUMER_STATUS_FROM_CLIENT answers, asked all
    /// at once. Java waits 5 s for each in turn, as long as mqadmin waits for the whole answer, so
    /// one silent client made the tool time out; this leaves the tool time to hear the others.
    /// </summary>
    internal static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// RocketMQ 4.9.8's Broker2Client.resetOffset: per queue, the offset for the timestamp (−1: the
    /// max offset; a negative search result: 0); without force a queue already behind that offset
    /// keeps its place. The new offsets are committed here, held until each queue's next pull (so
    /// consumers that ignore 220, like ali-ons, are moved by that pull's answer), and pushed to
    /// every live client of the group as RESET_CONSUMER_CLIENT_OFFSET (220, one-way). An offline
    /// group gets CONSUMER_NOT_ONLINE, on which mqadmin falls back to its per-queue path.
    /// <para>
    /// Differences from 4.9.8: the queues are the topic's read queues (those consumers pull), and a
    /// queue the group never committed is reset too rather than failing the whole request.
    /// </para>
    /// </summary>
    public async ValueTask<RemotingCommand?> ResetOffsetAsync(RemotingConnection connection, RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<ResetOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (TopicResolver.Find(context, header.Topic) is not { } config)
        {
            return BrokerResponses.Refuse(request, Refusal.ResetTopicNotInBroker, header.Topic);
        }

        var channels = await context.Clients.Ask<GroupChannels>(new GetGroupChannels(header.Group), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (channels.Channels.Count == 0)
        {
            context.Offsets.Tell(new ClearOffsetResets(header.Group, header.Topic), ActorRefs.NoSender);
            return BrokerResponses.Refuse(
                request,
                Refusal.ConsumerNotOnlineForReset,
                string.Create(CultureInfo.InvariantCulture, $"Group: {header.Group} Topic: {header.Topic} Timestamp: {header.Timestamp}"));
        }

        var committed = await context.Offsets.Ask<GroupOffsetTable>(new GetGroupOffsets(header.Group), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        committed.Topics.TryGetValue(header.Topic, out var current);
        var (chosen, moved) = TargetOffsets(header, config.ReadQueueNums, current);
        var body = new ResetOffsetBody();
        foreach (var (queueId, offset) in chosen)
        {
            body.OffsetTable[new MessageQueue(header.Topic, context.Group, queueId)] = offset;
        }

        // Clients hear of the reset first: on each connection the 220 then precedes any pull
        // answer that the held reset causes, so a client that handles 220 is not moved twice.
        PushToClients(channels.Channels, header, body, request.LanguageName == "CPP");
        await context.Offsets.Ask<OffsetsReset>(new ResetGroupOffsets(header.Group, header.Topic, moved, UntilPulled: true), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        foreach (int queueId in moved.Keys)
        {
            context.Broker.Tell(new WakeHolds(header.Topic, queueId), ActorRefs.NoSender);
        }

        context.Log.LogInformation(
            "Offsets of group {Group} on topic {Topic} reset by {Admin} to timestamp {Timestamp} (force {Force}); told {Clients} clients",
            header.Group, header.Topic, connection.RemoteAddress, header.Timestamp, header.IsForce, channels.Channels.Count);
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    /// <summary>
    /// Broker2Client.getConsumeStatus: GET_CONSUMER_STATUS_FROM_CLIENT (221) to each live client of
    /// the group (or only the one named in <c>clientAddr</c>), all at once, their offset tables gathered by client id.
    /// A client that fails or does not answer is left out, as in RocketMQ.
    /// </summary>
    public async ValueTask<RemotingCommand?> GetConsumerStatusAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<GetConsumerStatusRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var channels = await context.Clients.Ask<GroupChannels>(new GetGroupChannels(header.Group), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (channels.Channels.Count == 0)
        {
            return BrokerResponses.Refuse(request, Refusal.NoConsumerOnlineForStatus, header.Group);
        }

        var asks = new List<(string ClientId, Task<Dictionary<MessageQueue, long>?> Offsets)>();
        foreach (var channel in channels.Channels)
        {
            if (string.IsNullOrEmpty(header.ClientAddr) || header.ClientAddr == channel.ClientId)
            {
                asks.Add((channel.ClientId, AskClientStatusAsync(channel, header, ct)));
            }
        }

        var result = new GetConsumerStatusBody();
        foreach (var (clientId, ask) in asks)
        {
            if (await ask.ConfigureAwait(false) is { } offsets)
            {
                result.ConsumerTable[clientId] = offsets;
            }
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = result.Encode();
        return response;
    }

    /// <summary>
    /// AdminBrokerProcessor.cloneGroupOffset: the source group's offsets of the topic (of every topic
    /// it has offsets for when none is given) become the destination group's. Unless the request
    /// says offline, a topic the source group is online without subscribing to is skipped.
    /// </summary>
    public async ValueTask<RemotingCommand?> CloneGroupOffsetAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<CloneGroupOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var topics = new List<string>();
        if (string.IsNullOrWhiteSpace(header.Topic))
        {
            var source = await context.Offsets.Ask<GroupOffsetTable>(new GetGroupOffsets(header.SrcGroup), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
            topics.AddRange(source.Topics.Keys);
        }
        else
        {
            topics.Add(header.Topic);
        }

        context.Subscriptions.Groups.TryGetValue(header.SrcGroup, out var subscribed);
        topics.RemoveAll(topic =>
            TopicResolver.Find(context, topic) is null
            || (!header.Offline && subscribed is { Count: > 0 } && !subscribed.ContainsKey(topic)));
        var cloned = await context.Offsets.Ask<ClonedTopics>(
            new CloneGroupOffsets(header.SrcGroup, header.DestGroup, topics), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        context.Log.LogInformation(
            "Offsets of group {Source} cloned to group {Destination} for topics {Topics}", header.SrcGroup, header.DestGroup, string.Join(", ", cloned.Topics));
        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>Every queue's new offset, and those that differ from the committed one.</summary>
    private (Dictionary<int, long> Chosen, Dictionary<int, long> Moved) TargetOffsets(
        ResetOffsetRequestHeader header, int queues, IReadOnlyDictionary<int, long>? committed)
    {
        var chosen = new Dictionary<int, long>();
        var moved = new Dictionary<int, long>();
        for (int q = 0; q < queues; q++)
        {
            long target = header.Timestamp == -1
                ? context.Store.GetMaxOffset(header.Topic, q)
                : context.Store.GetOffsetByTime(header.Topic, q, header.Timestamp);
            target = Math.Max(0, target);
            long consumer = committed is not null && committed.TryGetValue(q, out long c) ? c : -1;
            long offset = header.IsForce || consumer < 0 || target < consumer ? target : consumer;
            chosen[q] = offset;
            if (offset != consumer)
            {
                moved[q] = offset;
            }
        }

        return (chosen, moved);
    }

    private void PushToClients(IReadOnlyList<GroupChannel> channels, ResetOffsetRequestHeader header, ResetOffsetBody body, bool cpp)
    {
        var pushed = new ResetOffsetRequestHeader { Topic = header.Topic, Group = header.Group, Timestamp = header.Timestamp, IsForce = false };
        byte[] encoded = cpp ? body.EncodeForCpp() : body.Encode();
        foreach (var channel in channels)
        {
            try
            {
                channel.Connection.InvokeOneway(CommandHeader.CreateRequest(RequestCode.ResetConsumerClientOffset, pushed, encoded));
            }
            catch (RemotingConnectionException e)
            {
                // Closed in the meantime: that client reads the committed offsets when it comes back.
                context.Log.LogWarning("Could not tell client {Client} of the offset reset of group {Group}: {Reason}", channel.ClientId, header.Group, e.Message);
            }
        }
    }

    private async Task<Dictionary<MessageQueue, long>?> AskClientStatusAsync(GroupChannel channel, GetConsumerStatusRequestHeader header, CancellationToken ct)
    {
        var ask = CommandHeader.CreateRequest(
            RequestCode.GetConsumerStatusFromClient, new GetConsumerStatusRequestHeader { Topic = header.Topic, Group = header.Group });
        try
        {
            var answer = await channel.Connection.InvokeAsync(ask, ClientTimeout, ct).ConfigureAwait(false);
            if (answer.Code == (int)ResponseCode.Success && !answer.Body.IsEmpty)
            {
                return GetConsumerStatusBody.Decode(answer.Body.Span).MessageQueueTable;
            }

            context.Log.LogInformation("Client {Client} answered consumer status with code {Code}: {Remark}", channel.ClientId, answer.Code, answer.Remark);
        }
        catch (Exception e) when (e is RemotingTimeoutException or RemotingConnectionException or System.Text.Json.JsonException)
        {
            context.Log.LogWarning("Consumer status of client {Client} of group {Group} not read: {Reason}", channel.ClientId, header.Group, e.Message);
        }

        return null;
    }
}
