using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>One PULL_MESSAGE (11) request and the decoding of its answer, shared by both consumers.</summary>
internal static class PullApi
{
    public sealed record PullRequest(
        string Group,
        MessageQueue Queue,
        long Offset,
        int MaxNums,
        int SysFlag,
        long CommitOffset,
        SubscriptionData Subscription,
        long BrokerId,
        TimeSpan Suspend,
        TimeSpan Timeout);

    /// <summary>Sends the pull; an answer other than 0/19/20/21 becomes <see cref="MQBrokerException"/>.</summary>
    public static async Task<PullResult> PullAsync(ClientInstance instance, PullRequest pull, CancellationToken cancellationToken)
    {
        var found = instance.FindBrokerAddress(pull.Queue.BrokerName, pull.BrokerId);
        if (found is null)
        {
            await instance.UpdateTopicRouteAsync(pull.Queue.Topic, cancellationToken).ConfigureAwait(false);
            found = instance.FindBrokerAddress(pull.Queue.BrokerName, pull.BrokerId);
        }

        var (address, isMaster) = found ?? throw new MQClientException("The broker[" + pull.Queue.BrokerName + "] not exist");
        int sysFlag = isMaster ? pull.SysFlag : pull.SysFlag & ~PullSysFlag.CommitOffset;
        var header = new PullMessageRequestHeader
        {
            ConsumerGroup = pull.Group,
            Topic = pull.Queue.Topic,
            QueueId = pull.Queue.QueueId,
            QueueOffset = pull.Offset,
            MaxMsgNums = pull.MaxNums,
            SysFlag = sysFlag,
            CommitOffset = pull.CommitOffset,
            SuspendTimeoutMillis = (long)pull.Suspend.TotalMilliseconds,
            Subscription = (sysFlag & PullSysFlag.Subscription) != 0 ? pull.Subscription.SubString : null,
            SubVersion = pull.Subscription.SubVersion,
            ExpressionType = pull.Subscription.ExpressionType,
            BrokerName = pull.Queue.BrokerName,
        };
        var request = CommandHeader.CreateRequest(RequestCode.PullMessage, header);
        var response = await instance.Remoting.InvokeAsync(address, request, pull.Timeout, cancellationToken).ConfigureAwait(false);
        return ToResult(response, pull, address);
    }

    private static PullResult ToResult(RemotingCommand response, PullRequest pull, string address)
    {
        var status = response.Code switch
        {
            (int)ResponseCode.Success => PullStatus.Found,
            (int)ResponseCode.PullNotFound => PullStatus.NoNewMsg,
            (int)ResponseCode.PullRetryImmediately => PullStatus.NoMatchedMsg,
            (int)ResponseCode.PullOffsetMoved => PullStatus.OffsetIllegal,
            _ => throw new MQBrokerException(response.Code, response.Remark, address),
        };
        if (!CommandHeader.TryDecode<PullMessageResponseHeader>(response, out var header, out var error))
        {
            throw new MQClientException("Bad pull response from " + address + ": " + error);
        }

        IReadOnlyList<MessageExt> messages = [];
        if (status == PullStatus.Found)
        {
            messages = Filter(MessageDecoder.DecodeAll(response.Body), pull.Subscription, pull.Queue, header);
        }

        return new PullResult(status, header.NextBeginOffset, header.MinOffset, header.MaxOffset, messages)
        {
            SuggestWhichBrokerId = header.SuggestWhichBrokerId,
        };
    }

    /// <summary>The broker filters by tag hash; clients re-check the tag string (hash collisions).</summary>
    private static List<MessageExt> Filter(List<MessageExt> decoded, SubscriptionData subscription, MessageQueue queue, PullMessageResponseHeader header)
    {
        bool filter = subscription.TagsSet.Count > 0 && !subscription.ClassFilterMode;
        var kept = new List<MessageExt>(decoded.Count);
        foreach (var message in decoded)
        {
            if (filter && (message.Tags is null || !subscription.TagsSet.Contains(message.Tags)))
            {
                continue;
            }

            message.BrokerName = queue.BrokerName;
            message.SetQueueOffsets(header.MinOffset, header.MaxOffset);
            kept.Add(message);
        }

        return kept;
    }
}
