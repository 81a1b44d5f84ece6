using System.Globalization;
using Akka.Actor;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>QUERY_CONSUME_QUEUE (321) and QUERY_CONSUME_TIME_SPAN (303): a queue's index entries and its time span against a group.</summary>
internal sealed class ConsumeQueueProcessor(BrokerContext context)
{
    /// <summary>The most entries one query returns (RocketMQ stops at the end of one consume-queue file).</summary>
    internal const int MaxEntriesPerQuery = 10_000;

    public RemotingCommand QueryConsumeQueue(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<QueryConsumeQueueRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var store = context.Store;
        long min = store.GetMinOffset(header.Topic, header.QueueId);
        long max = store.GetMaxOffset(header.Topic, header.QueueId);
        if (max == 0)
        {
            // Like RocketMQ's, a queue exists once something was written to it.
            return BrokerResponses.Refuse(request, Refusal.ConsumeQueueNotExist, header.QueueId.ToString(CultureInfo.InvariantCulture) + "@" + header.Topic);
        }

        var body = new QueryConsumeQueueResponseBody { MaxQueueIndex = max, MinQueueIndex = min };
        if (header.ConsumerGroup is { } group)
        {
            AddSubscription(body, group, header.Topic);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        if (header.Index < min || header.Index >= max)
        {
            // RocketMQ answers success with this remark and no entries.
            response.Remark = string.Create(CultureInfo.InvariantCulture, $"Index {header.Index} of {header.QueueId}@{header.Topic} is not exist!");
        }
        else
        {
            body.QueueData = ReadEntries(header);
        }

        response.Body = body.Encode();
        return response;
    }

    /// <summary>
    /// Per write queue: store times of the oldest and newest message, of the group's last consumed
    /// one, and how long its next one has waited. A group without an offset counts from the oldest
    /// message kept (RocketMQ would report its delay from the epoch).
    /// </summary>
    public async ValueTask<RemotingCommand?> QueryConsumeTimeSpanAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<QueryConsumeTimeSpanRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (TopicResolver.Find(context, header.Topic) is not { } config)
        {
            return BrokerResponses.Refuse(request, Refusal.TopicNotExistForQuery, header.Topic);
        }

        var offsets = await context.Offsets.Ask<GroupOffsetTable>(new GetGroupOffsets(header.Group), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        offsets.Topics.TryGetValue(header.Topic, out var committed);
        long now = context.StatsService.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var body = new QueryConsumeTimeSpanBody();
        for (int q = 0; q < config.WriteQueueNums; q++)
        {
            long consumerOffset = committed is not null && committed.TryGetValue(q, out long c) ? c : -1;
            body.ConsumeTimeSpanSet.Add(TimeSpanOf(header.Topic, q, consumerOffset, now));
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    private QueueTimeSpan TimeSpanOf(string topic, int queueId, long consumerOffset, long now)
    {
        var store = context.Store;
        long minTime = store.GetEarliestMessageTime(topic, queueId);
        long max = store.GetMaxOffset(topic, queueId);
        var span = new QueueTimeSpan
        {
            MessageQueue = new MessageQueue(topic, context.Group, queueId),
            MinTimeStamp = minTime,
            MaxTimeStamp = store.GetMessageStoreTimestamp(topic, queueId, max - 1),
            ConsumeTimeStamp = consumerOffset > 0 ? store.GetMessageStoreTimestamp(topic, queueId, consumerOffset - 1) : minTime,
        };
        long next = Math.Max(consumerOffset, store.GetMinOffset(topic, queueId));
        if (next < max && store.GetMessageStoreTimestamp(topic, queueId, next) is var nextTime and > 0)
        {
            span.DelayTime = now - nextTime;
        }

        return span;
    }

    private List<ConsumeQueueData> ReadEntries(QueryConsumeQueueRequestHeader header)
    {
        int count = Math.Clamp(header.Count, 0, MaxEntriesPerQuery);
        var entries = new QueueEntry[count];
        var read = context.Store.ReadQueue(header.Topic, header.QueueId, header.Index, entries, default, count);
        var result = new List<ConsumeQueueData>(read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            result.Add(new ConsumeQueueData { PhysicOffset = entries[i].CommitLogOffset, PhysicSize = entries[i].Size, TagsCode = entries[i].TagsCode });
        }

        return result;
    }

    /// <summary>The group's subscription and filter, or RocketMQ's note that it is not online.</summary>
    private void AddSubscription(QueryConsumeQueueResponseBody body, string group, string topic)
    {
        var subscription = context.Subscriptions.Find(group, topic);
        body.SubscriptionData = subscription;
        if (subscription is null)
        {
            body.FilterData = group + "@" + topic + " is not online!";
            return;
        }

        // RocketMQ keeps a filter only for SQL92 subscriptions; for tags its JSON is "null".
        if (!string.Equals(subscription.ExpressionType, "SQL92", StringComparison.OrdinalIgnoreCase))
        {
            body.FilterData = "null";
            return;
        }

        var json = new FastJsonWriter();
        json.StartObject()
            .Property("clientVersion", subscription.SubVersion)
            .Property("consumerGroup", group)
            .Property("expression", subscription.SubString)
            .Property("expressionType", "SQL92")
            .Property("topic", topic)
            .EndObject();
        body.FilterData = json.ToString();
    }
}
