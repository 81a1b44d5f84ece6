using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>What a consumer offers to the broker's offset requests (220, 221).</summary>
internal interface IConsumerOffsets
{
    /// <summary>The offsets in memory of the topic's queues (GET_CONSUMER_STATUS_FROM_CLIENT).</summary>
    Dictionary<MessageQueue, long> OffsetTableOf(string topic);

    /// <summary>
    /// Stops the named queues at once, on the connection's read loop: a pull answer that arrives
    /// after the 220 (the broker sends it first) then finds its queue dropped and is ignored.
    /// </summary>
    void StopQueues(string topic, IReadOnlyDictionary<MessageQueue, long> offsets);

    /// <summary>Moves the topic's queues to <paramref name="offsets"/> (RESET_CONSUMER_CLIENT_OFFSET).</summary>
    Task ResetOffsetsAsync(string topic, IReadOnlyDictionary<MessageQueue, long> offsets, CancellationToken cancellationToken);
}

/// <summary>Broker-initiated offset requests: an operator's reset (220) and the consumer status query (221).</summary>
public sealed partial class ClientInstance
{
    /// <summary>
    /// RESET_CONSUMER_CLIENT_OFFSET (220), sent one-way by the broker after an operator's reset:
    /// the push consumer of the group moves in the background (Java MQClientInstance.resetOffset);
    /// nothing is answered to a one-way request.
    /// </summary>
    private RemotingCommand? OnResetConsumerOffset(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<ResetOffsetRequestHeader>(request, out var header, out var error))
        {
            return request.IsOneway ? null : request.CreateResponse(ResponseCode.SystemError, error);
        }

        ResetOffsetBody body;
        try
        {
            body = request.Body.IsEmpty ? new ResetOffsetBody() : ResetOffsetBody.Decode(request.Body.Span);
        }
        catch (System.Text.Json.JsonException e)
        {
            Log.OffsetResetIgnored(Logger, header.Group, header.Topic, e.Message);
            return request.IsOneway ? null : request.CreateResponse(ResponseCode.SystemError, e.Message);
        }

        if (_consumers.TryGetValue(header.Group, out var consumer) && consumer is IConsumerOffsets offsets)
        {
            offsets.StopQueues(header.Topic, body.OffsetTable);
            _ = Task.Run(() => ResetLoggedAsync(offsets, header, body.OffsetTable), CancellationToken.None);
        }
        else
        {
            Log.OffsetResetIgnored(Logger, header.Group, header.Topic, "no push consumer of the group in this client");
        }

        return request.IsOneway ? null : request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>GET_CONSUMER_STATUS_FROM_CLIENT (221): the group's offsets in memory for the topic; empty when the group is not here.</summary>
    private RemotingCommand AnswerConsumerStatus(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetConsumerStatusRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var body = new GetConsumerStatusBody();
        if (_consumers.TryGetValue(header.Group, out var consumer) && consumer is IConsumerOffsets offsets)
        {
            body.MessageQueueTable = offsets.OffsetTableOf(header.Topic);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    private async Task ResetLoggedAsync(IConsumerOffsets consumer, ResetOffsetRequestHeader header, Dictionary<MessageQueue, long> offsets)
    {
        try
        {
            await consumer.ResetOffsetsAsync(header.Topic, offsets, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Log.OffsetResetIgnored(Logger, header.Group, header.Topic, "the client is stopping");
        }
        catch (Exception ex) when (ex is MQClientException or MQBrokerException || IsNetworkError(ex))
        {
            Log.OffsetResetIgnored(Logger, header.Group, header.Topic, ex.Message);
        }
        catch (Exception ex)
        {
            // The reset runs in the background with nobody to await it: whatever else goes wrong is logged here, not lost.
            Log.OffsetResetIgnored(Logger, header.Group, header.Topic, ex.GetType().Name + ": " + ex.Message);
        }
    }
}
