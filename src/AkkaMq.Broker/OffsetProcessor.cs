using Akka.Actor;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Broker;

/// <summary>Consumer offsets (14, 15) and queue offset queries (29–32), wire doc 2.4.</summary>
internal sealed class OffsetProcessor(BrokerContext context)
{
    public async ValueTask<RemotingCommand?> QueryConsumerOffsetAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<QueryConsumerOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var stored = await context.Offsets.Ask<StoredOffset>(
            new QueryOffset(header.ConsumerGroup, header.Topic, header.QueueId), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        long offset = stored.Offset;
        if (offset < 0)
        {
            // No commit yet: a queue that still starts at 0 is read from 0 (new groups see
            // everything); a queue whose head was deleted leaves the choice to the client.
            if (context.Store.GetMinOffset(header.Topic, header.QueueId) > 0)
            {
                return BrokerResponses.Refuse(request, Refusal.NoCommittedOffset);
            }

            offset = 0;
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new QueryConsumerOffsetResponseHeader { Offset = offset }, response);
        return response;
    }

    /// <summary>Java sends it one-way, ali-ons as a normal request: the reply is sent either way and dropped by the connection for one-way.</summary>
    public RemotingCommand UpdateConsumerOffset(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<UpdateConsumerOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        context.Offsets.Tell(new CommitOffset(header.ConsumerGroup, header.Topic, header.QueueId, header.CommitOffset));
        return request.CreateResponse(ResponseCode.Success);
    }

    public RemotingCommand GetMaxOffset(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetMaxOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new GetMaxOffsetResponseHeader { Offset = context.Store.GetMaxOffset(header.Topic, header.QueueId) }, response);
        return response;
    }

    public RemotingCommand GetMinOffset(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetMinOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new GetMinOffsetResponseHeader { Offset = context.Store.GetMinOffset(header.Topic, header.QueueId) }, response);
        return response;
    }

    public RemotingCommand SearchOffsetByTimestamp(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<SearchOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        long offset = context.Store.GetOffsetByTime(header.Topic, header.QueueId, header.Timestamp);
        CommandHeader.Encode(new SearchOffsetResponseHeader { Offset = offset }, response);
        return response;
    }

    public RemotingCommand GetEarliestMsgStoretime(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetEarliestMsgStoretimeRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        long timestamp = context.Store.GetEarliestMessageTime(header.Topic, header.QueueId);
        CommandHeader.Encode(new GetEarliestMsgStoretimeResponseHeader { Timestamp = timestamp }, response);
        return response;
    }
}
