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

    /// <summary>
    /// Java sends it one-way, ali-ons as a normal request. One-way: applied in memory and in the
    /// log within the offsets actor's delta interval, and the reply (dropped by the connection) goes
    /// at once. A normal request is answered only once the record holding the commit is in the
    /// log (durable per the store's flush mode), so a consumer that got the answer resumes from
    /// that offset after a failover.
    /// </summary>
    public async ValueTask<RemotingCommand?> UpdateConsumerOffsetAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<UpdateConsumerOffsetRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var commit = new CommitOffset(header.ConsumerGroup, header.Topic, header.QueueId, header.CommitOffset);
        if (request.IsOneway)
        {
            context.Offsets.Tell(commit);
            return request.CreateResponse(ResponseCode.Success);
        }

        var outcome = await context.Offsets.Ask<OffsetCommitOutcome>(new CommitOffsetDurably(commit), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        return outcome.Stored
            ? request.CreateResponse(ResponseCode.Success)
            : request.CreateResponse(ResponseCode.SystemError, outcome.Error);
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
