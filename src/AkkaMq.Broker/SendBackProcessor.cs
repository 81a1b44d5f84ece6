using Akka.Actor;
using System.Globalization;
using AkkaMq.Broker.SubscriptionGroups;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// CONSUMER_SEND_MSG_BACK (36): a consumer hands back a message it failed to consume. The
/// broker re-stores a copy in <c>%RETRY%group</c>, or in <c>%DLQ%group</c> once it was retried
/// too often (wire doc 6.6). The retry copy carries a DELAY level and waits in the schedule
/// topic until the <see cref="ScheduleActor"/> delivers it.
/// </summary>
internal sealed class SendBackProcessor(BrokerContext context)
{
    /// <summary>Send-back with delay level 0 means "broker chooses": 3 + reconsumeTimes (with the default levels 10 s, 30 s, 1 m, …).</summary>
    private const int FirstRetryDelayLevel = 3;

    public async ValueTask<RemotingCommand?> SendBackAsync(RemotingCommand request, CancellationToken ct)
    {
        if (Membership.FollowerFence.RefuseWrite(context, request) is { } follower)
        {
            return follower;
        }

        if (!CommandHeader.TryDecode<ConsumerSendMsgBackRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (TopicNames.Validate(header.Group) is not null)
        {
            return BrokerResponses.Refuse(request, Refusal.IllegalGroupName, header.Group);
        }

        if (SubscriptionGroupProcessor.RefuseUnknown(context, request, header.Group, Refusal.SubscriptionGroupNotExistOnSendBack) is { } unknownGroup)
        {
            return unknownGroup;
        }

        if (!TryReadOriginal(header.Offset, out var original))
        {
            return BrokerResponses.Refuse(request, Refusal.MessageNotFoundAtOffset, header.Offset);
        }

        int max = request.Version >= RemotingVersion.V3_4_9 && header.MaxReconsumeTimes is int m && m > 0
            ? m
            : SubscriptionGroupProcessor.ConfigOf(context, header.Group).RetryMaxTimes;
        bool deadLetter = original.ReconsumeTimes >= max || header.DelayLevel < 0;
        string topic = deadLetter ? TopicNames.DeadLetterTopic(header.Group) : TopicNames.RetryTopic(header.Group);
        var (status, _, problem) = await TopicResolver.EnsureAsync(context, TopicResolver.RetryTopicConfig(topic), ct).ConfigureAwait(false);
        if (status != TopicLookupStatus.Found)
        {
            return BrokerResponses.Refuse(request, Refusal.RouteChangeRejected, problem);
        }

        var copy = new MessageToStore(
            topic, 0, original.Flag, original.Body, CopyProperties(original, header, deadLetter),
            original.BornTimestamp, original.BornHost, context.StoreHost, original.SysFlag, original.ReconsumeTimes + 1);
        var completion = new TaskAppendCompletion();
        var parked = DelayLevels.Park(copy);
        context.StoreActor.Tell(new AppendMessages(new[] { parked }, completion), ActorRefs.NoSender);
        AppendResult result;
        try
        {
            result = (await completion.Task.ConfigureAwait(false))[0];
        }
        catch (Exception e) when (BrokerResponses.IsStoreError(e))
        {
            return BrokerResponses.StoreError(request, e, context.Store);
        }

        if (!result.IsOk)
        {
            var (code, remark) = BrokerResponses.ForAppend(result.Status, context.MaxMessageSize);
            return request.CreateResponse(code, remark);
        }

        if (parked.Topic == TopicNames.Schedule)
        {
            context.StatsService.OnInternalPut(parked.Topic, result.StoredSize);
        }

        context.StatsService.OnSendBack(header.Group, MessageProperties.Get(original.Properties, MessageProperty.RetryTopic) ?? original.Topic);
        long endOffset = result.CommitLogOffset + result.StoredSize;
        return Replication.ReplicaAckResponses.GateFor(context, endOffset) is { } gate
            ? Replication.ReplicaAckResponses.ForSendBack(request, await gate.WaitAsync(endOffset).ConfigureAwait(false))
            : request.CreateResponse(ResponseCode.Success);
    }

    private bool TryReadOriginal(long offset, out StoredMessage message)
    {
        message = null!;
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(context.MaxRecordSize);
        try
        {
            if (!context.Store.TryReadMessage(offset, buffer, out int size))
            {
                return false;
            }

            message = StoredMessage.Decode(buffer.AsSpan(0, size));
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string CopyProperties(StoredMessage original, ConsumerSendMsgBackRequestHeader header, bool deadLetter)
    {
        string props = original.Properties;
        if (MessageProperties.Get(props, MessageProperty.RetryTopic) is null)
        {
            props = MessageProperties.Set(props, MessageProperty.RetryTopic, original.Topic);
        }

        if (MessageProperties.Get(props, MessageProperty.OriginMessageId) is null)
        {
            props = MessageProperties.Set(props, MessageProperty.OriginMessageId, string.IsNullOrEmpty(header.OriginMsgId) ? original.MessageId : header.OriginMsgId);
        }

        if (!deadLetter)
        {
            int level = header.DelayLevel == 0 ? FirstRetryDelayLevel + original.ReconsumeTimes : header.DelayLevel;
            props = MessageProperties.Set(props, MessageProperty.DelayTimeLevel, Math.Min(level, 18).ToString(CultureInfo.InvariantCulture));
        }

        return props;
    }
}
