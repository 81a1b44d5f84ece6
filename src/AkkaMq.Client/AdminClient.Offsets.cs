using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>One queue of a per-queue offset reset (Java RollbackStats): where it was, where the timestamp points, where it is now.</summary>
public sealed record RollbackStats(string BrokerName, int QueueId, long BrokerOffset, long ConsumerOffset, long TimestampOffset, long RollbackOffset);

/// <summary>Offsets moved by an operator: reset by time (222, or per queue), consumer status (223), clone (314).</summary>
public sealed partial class AdminClient
{
    /// <summary>The timestamp that means "each queue's max offset" (skip what is accumulated).</summary>
    public const long TimestampMaxOffset = -1;

    /// <summary>
    /// 105 for the topic, then INVOKE_BROKER_TO_RESET_OFFSET (222) to each broker's master; the
    /// queues' new offsets merged. Online consumers of the group are moved by the brokers. An
    /// offline group raises <see cref="MQBrokerException"/> with code 206 (CONSUMER_NOT_ONLINE):
    /// then <see cref="ResetOffsetByTimestampOldAsync"/> does it queue by queue.
    /// </summary>
    /// <param name="timestamp">Milliseconds since the epoch, or <see cref="TimestampMaxOffset"/>.</param>
    /// <param name="force">False: a queue whose consumer is already behind the target keeps its place.</param>
    /// <param name="cplus">Ask the brokers to tell the consumers in the C++ client's body form.</param>
    public async Task<Dictionary<MessageQueue, long>> ResetOffsetByTimestampAsync(
        string topic, string consumerGroup, long timestamp, bool force, bool cplus = false, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var header = new ResetOffsetRequestHeader { Topic = topic, Group = consumerGroup, Timestamp = timestamp, IsForce = force };
        var merged = new Dictionary<MessageQueue, long>();
        foreach (var address in PreferredAddresses(route))
        {
            var request = CommandHeader.CreateRequest(RequestCode.InvokeBrokerToResetOffset, header);
            if (cplus)
            {
                request.Language = LanguageCode.Cpp;
            }

            var response = await InvokeBrokerAsync(address, request, cancellationToken).ConfigureAwait(false);
            foreach (var (queue, offset) in ResetOffsetBody.Decode(response.Body.Span).OffsetTable)
            {
                merged[queue] = offset;
            }
        }

        return merged;
    }

    /// <summary>
    /// Java's resetOffsetByTimestampOld, for a group with no consumer online: per broker,
    /// GET_CONSUME_STATS (208) for the group's queues of the topic (or the topic's queues from
    /// GET_TOPIC_STATS_INFO, 202, when the group has none), the target of each queue by
    /// SEARCH_OFFSET_BY_TIMESTAMP (29) or GET_MAX_OFFSET (30), and UPDATE_CONSUMER_OFFSET (15)
    /// when forced or when the target is not ahead of the consumer.
    /// </summary>
    public async Task<List<RollbackStats>> ResetOffsetByTimestampOldAsync(
        string consumerGroup, string topic, long timestamp, bool force, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var result = new List<RollbackStats>();
        foreach (var broker in route.BrokerDatas)
        {
            var addresses = PreferredAddresses(new TopicRouteData { BrokerDatas = [broker] });
            if (addresses.Count == 0)
            {
                continue;
            }

            foreach (var (queue, progress) in await QueueProgressAsync(addresses[0], consumerGroup, topic, broker.BrokerName, route, cancellationToken).ConfigureAwait(false))
            {
                result.Add(await RollbackQueueAsync(addresses[0], consumerGroup, queue, progress, timestamp, force, cancellationToken).ConfigureAwait(false));
            }
        }

        return result;
    }

    /// <summary>
    /// 105 for the topic, then INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) to the first broker, which
    /// asks each live client of the group (or only <paramref name="clientId"/>) for its offsets.
    /// </summary>
    public async Task<Dictionary<string, Dictionary<MessageQueue, long>>> GetConsumerStatusAsync(
        string topic, string consumerGroup, string? clientId = null, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var header = new GetConsumerStatusRequestHeader { Topic = topic, Group = consumerGroup, ClientAddr = clientId ?? string.Empty };
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.InvokeBrokerToGetConsumerStatus, header), cancellationToken).ConfigureAwait(false);
            return GetConsumerStatusBody.Decode(response.Body.Span).ConsumerTable;
        }

        throw new MQClientException("No broker serves topic " + topic);
    }

    /// <summary>105 for the topic, then CLONE_GROUP_OFFSET (314) to each broker's master.</summary>
    /// <param name="offline">Clone even a topic the source group is online without subscribing to.</param>
    public async Task CloneGroupOffsetAsync(string sourceGroup, string destinationGroup, string topic, bool offline, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var header = new CloneGroupOffsetRequestHeader { SrcGroup = sourceGroup, DestGroup = destinationGroup, Topic = topic, Offline = offline };
        foreach (var address in PreferredAddresses(route))
        {
            await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.CloneGroupOffset, header), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The group's consume progress on the topic's queues of one broker; the queues' min offsets when it has none.</summary>
    private async Task<List<(MessageQueue Queue, OffsetWrapper Progress)>> QueueProgressAsync(
        string address, string consumerGroup, string topic, string brokerName, TopicRouteData route, CancellationToken cancellationToken)
    {
        var progress = new List<(MessageQueue, OffsetWrapper)>();
        var statsHeader = new GetConsumeStatsRequestHeader { ConsumerGroup = consumerGroup, Topic = topic };
        var stats = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetConsumeStats, statsHeader), cancellationToken).ConfigureAwait(false);
        foreach (var (queue, wrapper) in ConsumeStatsBody.Decode(stats.Body.Span).OffsetTable)
        {
            if (queue.Topic == topic)
            {
                progress.Add((queue, wrapper));
            }
        }

        if (progress.Count > 0)
        {
            return progress;
        }

        var topicHeader = new GetTopicStatsInfoRequestHeader { Topic = topic };
        var topicStats = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.GetTopicStatsInfo, topicHeader), cancellationToken).ConfigureAwait(false);
        var table = TopicStatsTableBody.Decode(topicStats.Body.Span).OffsetTable;
        int readQueues = route.QueueDatas.Find(q => q.BrokerName == brokerName)?.ReadQueueNums ?? 0;
        for (int q = 0; q < readQueues; q++)
        {
            var queue = new MessageQueue(topic, brokerName, q);
            if (table.TryGetValue(queue, out var offsets))
            {
                progress.Add((queue, new OffsetWrapper { BrokerOffset = offsets.MaxOffset, ConsumerOffset = offsets.MinOffset }));
            }
        }

        return progress;
    }

    private async Task<RollbackStats> RollbackQueueAsync(
        string address, string consumerGroup, MessageQueue queue, OffsetWrapper progress, long timestamp, bool force, CancellationToken cancellationToken)
    {
        RemotingCommand request = timestamp == TimestampMaxOffset
            ? CommandHeader.CreateRequest(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, BrokerName = queue.BrokerName })
            : CommandHeader.CreateRequest(
                RequestCode.SearchOffsetByTimestamp,
                new SearchOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, Timestamp = timestamp, BrokerName = queue.BrokerName });
        var answer = await InvokeBrokerAsync(address, request, cancellationToken).ConfigureAwait(false);
        long target = timestamp == TimestampMaxOffset
            ? CommandHeader.Decode<GetMaxOffsetResponseHeader>(answer).Offset
            : CommandHeader.Decode<SearchOffsetResponseHeader>(answer).Offset;
        long rollback = progress.ConsumerOffset;
        if (force || target <= progress.ConsumerOffset)
        {
            rollback = target;
            var update = new UpdateConsumerOffsetRequestHeader
            {
                ConsumerGroup = consumerGroup,
                Topic = queue.Topic,
                QueueId = queue.QueueId,
                CommitOffset = target,
                BrokerName = queue.BrokerName,
            };
            await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.UpdateConsumerOffset, update), cancellationToken).ConfigureAwait(false);
        }

        return new RollbackStats(queue.BrokerName, queue.QueueId, progress.BrokerOffset, progress.ConsumerOffset, target, rollback);
    }
}
