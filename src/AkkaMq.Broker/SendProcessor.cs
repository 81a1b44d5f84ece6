using Akka.Actor;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Broker.SubscriptionGroups;
using AkkaMq.Broker.Transactions;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320).</summary>
internal sealed class SendProcessor(BrokerContext context)
{
    /// <summary>
    /// Decodes, checks and hands the message to the store; only the wait for the store (and, now
    /// and then, a topic to create) is asynchronous, so the state kept across the wait is small.
    /// </summary>
    public ValueTask<RemotingCommand?> SendAsync(RemotingConnection connection, RemotingCommand request, CancellationToken ct)
    {
        if (Membership.FollowerFence.RefuseWrite(context, request) is { } follower)
        {
            return new(follower);
        }

        if (!SendMessageRequestHeader.TryDecode(request, out var header, out var error))
        {
            return new(BrokerResponses.BadHeader(request, error));
        }

        // As RocketMQ, the header's flag decides, whatever the code: the C++ client sends its
        // batches as 310 with m = "1" or "true". A 320 is always a batch.
        bool batch = header.Batch == true || request.Code == (int)RequestCode.SendBatchMessage;
        if (Precheck(request, header, batch) is { } refused)
        {
            return new(refused);
        }

        var lookup = TopicResolver.ResolveForSendAsync(context, header.Topic, header.DefaultTopic, header.DefaultTopicQueueNums, ct);
        return lookup.IsCompletedSuccessfully
            ? SendToTopic(connection, request, header, batch, lookup.Result, ct)
            : AwaitTopicAsync(connection, request, header, batch, lookup, ct);
    }

    private async ValueTask<RemotingCommand?> AwaitTopicAsync(
        RemotingConnection connection, RemotingCommand request, SendMessageRequestHeader header, bool batch,
        ValueTask<(TopicLookupStatus, TopicConfig?, string?)> lookup, CancellationToken ct) =>
        await SendToTopic(connection, request, header, batch, await lookup.ConfigureAwait(false), ct).ConfigureAwait(false);

    private ValueTask<RemotingCommand?> SendToTopic(
        RemotingConnection connection, RemotingCommand request, SendMessageRequestHeader header, bool batch,
        (TopicLookupStatus Status, TopicConfig? Config, string? Problem) lookup, CancellationToken ct)
    {
        var (status, config, problem) = lookup;
        if (status != TopicLookupStatus.Found)
        {
            return new(status == TopicLookupStatus.NotExist
                ? BrokerResponses.Refuse(request, Refusal.TopicNotExist, header.Topic)
                : BrokerResponses.Refuse(request, Refusal.RouteChangeRejected, problem));
        }

        if (!Perm.IsWritable(config!.Perm))
        {
            return new(BrokerResponses.Refuse(request, Refusal.TopicNotWritable, header.Topic));
        }

        int queueId = header.QueueId;
        if (queueId >= config.QueueCount)
        {
            return new(BrokerResponses.IllegalQueue(request, queueId, header.Topic, config.QueueCount));
        }

        if (queueId < 0)
        {
            queueId = Random.Shared.Next(Math.Max(1, config.WriteQueueNums));
        }

        if (request.Body.Length > context.MaxMessageSize)
        {
            // RocketMQ's store refuses a body over maxMessageSize; a batch is checked whole, so no
            // item of a refused batch is stored.
            return new(BrokerResponses.Refuse(request, Refusal.BodyTooLarge, context.MaxMessageSize));
        }

        var template = new MessageToStore(
            header.Topic, queueId, header.Flag, request.Body, string.Empty, header.BornTimestamp,
            BornHost(connection.RemoteEndPoint), context.StoreHost, header.SysFlag, header.ReconsumeTimes ?? 0);
        PooledAppendCompletion completion;
        if (batch)
        {
            if (!BatchBody.TryDecode(request.Body, template, header.Properties, context.ClusterName, out var items, out var malformed))
            {
                return new(BrokerResponses.Refuse(request, Refusal.BatchMalformed, malformed));
            }

            completion = PooledAppendCompletion.Rent(items.Count);
            items.CopyTo(completion.Messages);
            return AppendAsync(connection, request, completion, queueId);
        }

        template = template with { Properties = MessageProperties.ForStore(header.Properties, context.ClusterName) };
        if (HalfMessages.IsHalf(template.Properties))
        {
            // Parked in the half queue until END_TRANSACTION; the answer carries the half's offsets.
            completion = PooledAppendCompletion.Rent(1);
            completion.Messages[0] = HalfMessages.ToHalf(template, header.ProducerGroup);
            return AppendAsync(connection, request, completion, queueId);
        }

        var deadLetter = ToDeadLetterAsync(template, header, ct);
        return deadLetter.IsCompletedSuccessfully
            ? AppendParked(connection, request, header, queueId, deadLetter.Result)
            : AwaitDeadLetterAsync(connection, request, header, queueId, deadLetter);
    }

    private async ValueTask<RemotingCommand?> AwaitDeadLetterAsync(
        RemotingConnection connection, RemotingCommand request, SendMessageRequestHeader header, int queueId, ValueTask<MessageToStore?> deadLetter) =>
        await AppendParked(connection, request, header, queueId, await deadLetter.ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>The message as stored: delayed ones parked in their schedule queue; null when its dead-letter topic could not be made.</summary>
    private ValueTask<RemotingCommand?> AppendParked(RemotingConnection connection, RemotingCommand request, SendMessageRequestHeader header, int queueId, MessageToStore? message)
    {
        if (message is null)
        {
            return new(BrokerResponses.Refuse(request, Refusal.DeadLetterUnavailable, header.Topic));
        }

        var completion = PooledAppendCompletion.Rent(1);
        completion.Messages[0] = DelayLevels.Park(message.Value);
        return AppendAsync(connection, request, completion, queueId);
    }

    /// <summary>Admits the send to the send queue (or answers SYSTEM_BUSY at once) and appends it.</summary>
    private ValueTask<RemotingCommand?> AppendAsync(RemotingConnection connection, RemotingCommand request, PooledAppendCompletion completion, int queueId)
    {
        completion.ReplyTo = connection;
        if (context.SendQueue is not { } queue)
        {
            return AppendAdmittedAsync(request, completion, queueId, null);
        }

        var admission = queue.TryEnter();
        if (admission == SendQueue.Admission.Admitted)
        {
            return AppendAdmittedAsync(request, completion, queueId, queue);
        }

        completion.Return();
        return new(BrokerResponses.Refuse(request, admission == SendQueue.Admission.Full ? Refusal.SendQueueFull : Refusal.SendRejectedPageCacheBusy));
    }

    private async ValueTask<RemotingCommand?> AppendAdmittedAsync(RemotingCommand request, PooledAppendCompletion completion, int queueId, SendQueue? queue)
    {
        try
        {
            long queuedAt = queue is null ? 0 : Stopwatch.GetTimestamp();
            context.StoreActor.Tell(new AppendMessages(completion.MessagesMemory, completion, queuedAt), ActorRefs.NoSender);
            bool written;
            try
            {
                written = await completion.WaitAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (BrokerResponses.IsStoreError(e))
            {
                // The store actor logged the failed write or flush once for its whole batch; each sender gets the reason.
                return BrokerResponses.StoreError(request, e, context.Store);
            }

            if (!written)
            {
                return Shed(request, completion.ShedAs);
            }

            var response = Respond(request, completion, queueId, out long endOffset);
            // In sync replication the answer waits until the in-sync replicas hold the send (none on a standalone broker).
            return Replication.ReplicaAckResponses.GateFor(context, endOffset) is { } gate
                ? Replication.ReplicaAckResponses.ForSend(response, await gate.WaitAsync(endOffset).ConfigureAwait(false))
                : response;
        }
        finally
        {
            queue?.Leave();
            completion.Return();
        }
    }

    private static RemotingCommand Shed(RemotingCommand request, (SendShed Reason, long WaitedMs, int QueueSize) shed) =>
        BrokerResponses.Refuse(
            request,
            shed.Reason == SendShed.PageCacheBusy ? Refusal.SendQueueShedPageCacheBusy : Refusal.SendQueueWaitedTooLong,
            string.Create(CultureInfo.InvariantCulture, $"{shed.WaitedMs}ms, size of queue: {shed.QueueSize}"));

    /// <summary>Checks that need no topic config: name rules, forbidden topics, batch rules.</summary>
    private RemotingCommand? Precheck(RemotingCommand request, SendMessageRequestHeader header, bool batch)
    {
        if (TopicNames.Validate(header.Topic) is { } problem)
        {
            return BrokerResponses.Refuse(request, Refusal.IllegalTopic, problem);
        }

        if (TopicNames.IsNotSendable(header.Topic) || header.Topic == OffsetSnapshot.Topic)
        {
            return BrokerResponses.Refuse(request, Refusal.SendToSystemTopic, header.Topic);
        }

        if (batch && HalfMessages.IsHalf(header.Properties))
        {
            // A transaction ends one half at a time; clients never batch halves.
            return BrokerResponses.Refuse(request, Refusal.TransactionForbidden, context.Group);
        }

        if (batch && header.Topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal))
        {
            return BrokerResponses.Refuse(request, Refusal.BatchToRetryTopic, header.Topic);
        }

        if (header.Topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal)
            && SubscriptionGroupProcessor.RefuseUnknown(context, request, header.Topic[TopicNames.RetryPrefix.Length..], Refusal.SubscriptionGroupNotExistOnSendBack) is { } unknownGroup)
        {
            return unknownGroup;
        }

        return null;
    }

    /// <summary>
    /// A message sent straight to <c>%RETRY%group</c> that has been retried too often goes to
    /// <c>%DLQ%group</c> queue 0 instead (wire doc 6.6). Null when the DLQ topic cannot be created.
    /// </summary>
    private async ValueTask<MessageToStore?> ToDeadLetterAsync(MessageToStore message, SendMessageRequestHeader header, CancellationToken ct)
    {
        if (!header.Topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal))
        {
            return message;
        }

        string group = header.Topic[TopicNames.RetryPrefix.Length..];
        int max = header.MaxReconsumeTimes is int m && m > 0 ? m : SubscriptionGroupProcessor.ConfigOf(context, group).RetryMaxTimes;
        if ((header.ReconsumeTimes ?? 0) < max)
        {
            return message;
        }

        string dlq = TopicNames.DeadLetterTopic(group);
        var (status, _, _) = await TopicResolver.EnsureAsync(context, TopicResolver.RetryTopicConfig(dlq), ct).ConfigureAwait(false);
        return status == TopicLookupStatus.Found ? message with { Topic = dlq, QueueId = 0 } : null;
    }

    /// <summary>The answer; <paramref name="queueId"/> is the queue the client addressed (a delayed message is parked elsewhere first).</summary>
    /// <paramref name="endOffset"/>: where the stored records end in the commit log (-1 when not stored).
    private RemotingCommand Respond(RemotingCommand request, PooledAppendCompletion completion, int queueId, out long endOffset)
    {
        var results = completion.Results;
        endOffset = -1;
        for (int i = 0; i < results.Length; i++)
        {
            if (!results[i].IsOk)
            {
                endOffset = -1;
                var (code, remark) = BrokerResponses.ForAppend(results[i].Status, context.MaxMessageSize);
                return request.CreateResponse(code, remark);
            }

            endOffset = Math.Max(endOffset, results[i].CommitLogOffset + results[i].StoredSize);
        }

        context.StatsService.OnPut(completion.Messages[0].Topic, results);
        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(
            new SendMessageResponseHeader
            {
                MsgId = MessageIds(results),
                QueueId = queueId,
                QueueOffset = results[0].QueueOffset,
            },
            response);
        return response;
    }

    private string MessageIds(ReadOnlySpan<AppendResult> results)
    {
        if (results.Length == 1)
        {
            return MessageId.Create(context.StoreHost, results[0].CommitLogOffset);
        }

        var ids = new string[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            ids[i] = MessageId.Create(context.StoreHost, results[i].CommitLogOffset);
        }

        return string.Join(',', ids);
    }

    /// <summary>The TCP peer as a 4-byte host (4.x clients read IPv4 only); a true IPv6 peer is stored as 0.0.0.0 with its port.</summary>
    internal static IPv4Endpoint BornHost(IPEndPoint peer) =>
        peer.Address.AddressFamily == AddressFamily.InterNetwork || peer.Address.IsIPv4MappedToIPv6
            ? IPv4Endpoint.From(peer)
            : new IPv4Endpoint(0, peer.Port);
}
