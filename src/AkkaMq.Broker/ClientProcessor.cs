using System.Text.Json;
using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Broker;

/// <summary>Client management: HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38), CHECK_CLIENT_CONFIG (46), connection lists (203, 204).</summary>
internal sealed class ClientProcessor(BrokerContext context)
{
    /// <summary>How long a relayed admin request waits for the client (Java admin waits 5 s too).</summary>
    private static readonly TimeSpan RelayTimeout = TimeSpan.FromSeconds(5);

    public async ValueTask<RemotingCommand?> HeartbeatAsync(RemotingConnection connection, RemotingCommand request, CancellationToken ct)
    {
        HeartbeatData data;
        try
        {
            data = HeartbeatData.Decode(request.Body.Span);
        }
        catch (JsonException e)
        {
            return BrokerResponses.Refuse(request, Refusal.InvalidBody, e.Message);
        }

        // The retry topic must be routable as soon as the heartbeat is answered (consumers subscribe to it at once).
        foreach (var consumer in data.ConsumerDataSet)
        {
            if (TopicNames.Validate(consumer.GroupName) is not null)
            {
                return BrokerResponses.Refuse(request, Refusal.IllegalGroupName, consumer.GroupName);
            }

            if (!SubscriptionGroups.SubscriptionGroupProcessor.MayConsume(context, consumer.GroupName))
            {
                // As RocketMQ: an undeclared group with auto-creation off is registered but gets no retry topic.
                continue;
            }

            var retry = TopicResolver.RetryTopicConfig(TopicNames.RetryTopic(consumer.GroupName));
            var (status, _, problem) = await TopicResolver.EnsureAsync(context, retry, ct).ConfigureAwait(false);
            if (status != TopicLookupStatus.Found)
            {
                return BrokerResponses.Refuse(request, Refusal.RouteChangeRejected, problem);
            }
        }

        Filtering.SubscriptionFilters.CompileHeartbeat(context, data);
        await context.Clients.Ask<ClientRegistered>(
            new ClientHeartbeat(connection, data, request.LanguageName, request.Version), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>CHECK_CLIENT_CONFIG (46): can this broker serve the consumer's subscription (SQL92 selectors)?</summary>
    public RemotingCommand CheckClientConfig(RemotingCommand request) => Filtering.SubscriptionFilters.CheckClientConfig(context, request);

    /// <summary>
    /// UNREGISTER_CLIENT (35): the fields come from the header, as RocketMQ reads them, or from a
    /// JSON body (NewLife.RocketMQ sends them there); a header field wins over the body's.
    /// </summary>
    public async ValueTask<RemotingCommand?> UnregisterAsync(RemotingConnection connection, RemotingCommand request, CancellationToken ct)
    {
        // A missing clientID is looked for in the body before it is an error (the table stops
        // at the first missing required field, so the groups are then read by key).
        bool headerOk = CommandHeader.TryDecode<UnregisterClientRequestHeader>(request, out var header, out var error);
        string? clientId = Blank(header.ClientId);
        string? producerGroup = Blank(headerOk ? header.ProducerGroup : request.GetExtField("producerGroup"));
        string? consumerGroup = Blank(headerOk ? header.ConsumerGroup : request.GetExtField("consumerGroup"));
        if (!request.Body.IsEmpty && (clientId is null || producerGroup is null || consumerGroup is null))
        {
            UnregisterClientBody body;
            try
            {
                body = UnregisterClientBody.Decode(request.Body.Span);
            }
            catch (JsonException e)
            {
                return BrokerResponses.Refuse(request, Refusal.InvalidBody, e.Message);
            }

            clientId ??= Blank(body.ClientId);
            producerGroup ??= Blank(body.ProducerGroup);
            consumerGroup ??= Blank(body.ConsumerGroup);
        }

        if (clientId is null)
        {
            return BrokerResponses.BadHeader(request, (headerOk ? "the custom field <clientID> is empty" : error)
                + (request.Body.IsEmpty ? string.Empty : ", and the body names no clientID either"));
        }

        await context.Clients.Ask<ClientRegistered>(
            new UnregisterClient(connection, clientId, producerGroup, consumerGroup),
            BrokerContext.AskTimeout,
            ct).ConfigureAwait(false);
        return request.CreateResponse(ResponseCode.Success);
    }

    public async ValueTask<RemotingCommand?> GetConsumerListAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<GetConsumerListByGroupRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var ids = await context.Clients.Ask<ConsumerIds>(new GetConsumerIds(header.ConsumerGroup), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (ids.Ids.Count == 0)
        {
            return BrokerResponses.Refuse(request, Refusal.NoConsumerInGroup, header.ConsumerGroup);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = new ConsumerListBody { ConsumerIdList = [.. ids.Ids] }.Encode();
        return response;
    }

    public async ValueTask<RemotingCommand?> GetConsumerConnectionsAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<GetConsumerConnectionListRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var body = await context.Clients.Ask<EncodedBody>(new GetConsumerConnections(header.ConsumerGroup), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (body.Body is null)
        {
            return BrokerResponses.Refuse(request, Refusal.ConsumerGroupNotOnline, header.ConsumerGroup);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Body;
        return response;
    }

    public async ValueTask<RemotingCommand?> GetProducerConnectionsAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<GetProducerConnectionListRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var body = await context.Clients.Ask<EncodedBody>(new GetProducerConnections(header.ProducerGroup), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (body.Body is null)
        {
            return BrokerResponses.Refuse(request, Refusal.ProducerGroupNotExist, header.ProducerGroup);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Body;
        return response;
    }

    public async ValueTask<RemotingCommand?> LockBatchAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!TryDecodeLockBody(request, out var body, out var refusal))
        {
            return refusal;
        }

        var locked = await context.Broker.Ask<LockedQueues>(new LockQueues(body.ConsumerGroup, body.ClientId, body.MqSet), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = new LockBatchResponseBody { LockOKMQSet = [.. locked.Queues] }.Encode();
        return response;
    }

    public async ValueTask<RemotingCommand?> UnlockBatchAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!TryDecodeLockBody(request, out var body, out var refusal))
        {
            return refusal;
        }

        await context.Broker.Ask<LockedQueues>(new UnlockQueues(body.ConsumerGroup, body.ClientId, body.MqSet), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>
    /// GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309): forwarded to the
    /// client's own connection; its answer goes back to the admin as is.
    /// </summary>
    public async ValueTask<RemotingCommand?> RelayToClientAsync(RemotingCommand request, CancellationToken ct)
    {
        string? group = request.GetExtField("consumerGroup");
        string? clientId = request.GetExtField("clientId");
        if (group is null || clientId is null)
        {
            return BrokerResponses.BadHeader(request, "the custom field <" + (group is null ? "consumerGroup" : "clientId") + "> is null");
        }

        var found = await context.Clients.Ask<FoundClient>(new FindClient(group, clientId), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (found.Connection is null)
        {
            return BrokerResponses.Refuse(request, Refusal.ClientNotOnline, clientId);
        }

        var forward = RemotingCommand.CreateRequest(request.Code, null, request.Body);
        foreach (var (key, value) in request.ExtFields)
        {
            forward.ExtFields[key] = value;
        }

        RemotingCommand answer;
        try
        {
            answer = await found.Connection.InvokeAsync(forward, RelayTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RemotingTimeoutException or RemotingConnectionException)
        {
            return BrokerResponses.Refuse(request, Refusal.ClientInvokeFailed, clientId + ": " + e.Message);
        }

        var response = request.CreateResponse((ResponseCode)answer.Code, answer.Remark);
        response.Body = answer.Body;
        return response;
    }

    private static bool TryDecodeLockBody(RemotingCommand request, out LockBatchRequestBody body, out RemotingCommand? refusal)
    {
        refusal = null;
        try
        {
            body = LockBatchRequestBody.Decode(request.Body.Span);
            return true;
        }
        catch (JsonException e)
        {
            body = new LockBatchRequestBody();
            refusal = BrokerResponses.Refuse(request, Refusal.InvalidBody, e.Message);
            return false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
