using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Broker statistics and consume-queue queries (mqadmin statsAll, brokerConsumeStats, queryCq).</summary>
public sealed partial class AdminClient
{
    /// <summary>
    /// VIEW_BROKER_STATS_DATA (315): one counter of a broker over the last minute, hour and day.
    /// <paramref name="statsName"/> is RocketMQ's name (e.g. <c>TOPIC_PUT_NUMS</c>, <c>GROUP_GET_NUMS</c>) and
    /// <paramref name="statsKey"/> its key (<c>topic</c>, <c>topic@group</c>, …). A counter that never
    /// counted raises <see cref="MQBrokerException"/> (SYSTEM_ERROR, "The stats &lt;name&gt; &lt;key&gt; not exist").
    /// </summary>
    public async Task<BrokerStatsData> ViewBrokerStatsDataAsync(string brokerAddress, string statsName, string statsKey, CancellationToken cancellationToken = default)
    {
        var header = new ViewBrokerStatsDataRequestHeader { StatsName = statsName, StatsKey = statsKey };
        var response = await InvokeBrokerAsync(brokerAddress, CommandHeader.CreateRequest(RequestCode.ViewBrokerStatsData, header), cancellationToken).ConfigureAwait(false);
        return BrokerStatsData.Decode(response.Body.Span);
    }

    /// <summary>GET_BROKER_CONSUME_STATS (317): every group's consume stats on one broker (ordered topics only with <paramref name="isOrder"/>).</summary>
    public async Task<ConsumeStatsListBody> FetchConsumeStatsInBrokerAsync(string brokerAddress, bool isOrder, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var request = CommandHeader.CreateRequest(RequestCode.GetBrokerConsumeStats, new GetConsumeStatsInBrokerHeader { IsOrder = isOrder });
        var response = await InvokeBrokerAsync(brokerAddress, request, timeout, cancellationToken).ConfigureAwait(false);
        return ConsumeStatsListBody.Decode(response.Body.Span);
    }

    /// <summary>
    /// QUERY_CONSUME_QUEUE (321): up to <paramref name="count"/> index entries of a queue from
    /// <paramref name="index"/>, with <paramref name="consumerGroup"/>'s subscription when given.
    /// An index outside the queue gives no entries (<see cref="QueryConsumeQueueResponseBody.QueueData"/> null).
    /// </summary>
    public async Task<QueryConsumeQueueResponseBody> QueryConsumeQueueAsync(
        string brokerAddress, string topic, int queueId, long index, int count, string? consumerGroup = null, CancellationToken cancellationToken = default)
    {
        var header = new QueryConsumeQueueRequestHeader { Topic = topic, QueueId = queueId, Index = index, Count = count, ConsumerGroup = consumerGroup };
        var response = await InvokeBrokerAsync(brokerAddress, CommandHeader.CreateRequest(RequestCode.QueryConsumeQueue, header), cancellationToken).ConfigureAwait(false);
        return QueryConsumeQueueResponseBody.Decode(response.Body.Span);
    }

    /// <summary>105, then QUERY_CONSUME_TIME_SPAN (303) to each broker of the topic: per queue, the store times of the oldest, newest and last consumed message.</summary>
    public async Task<List<QueueTimeSpan>> QueryConsumeTimeSpanAsync(string topic, string group, CancellationToken cancellationToken = default)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var header = new QueryConsumeTimeSpanRequestHeader { Topic = topic, Group = group };
        var spans = new List<QueueTimeSpan>();
        foreach (var address in PreferredAddresses(route))
        {
            var response = await InvokeBrokerAsync(address, CommandHeader.CreateRequest(RequestCode.QueryConsumeTimeSpan, header), cancellationToken).ConfigureAwait(false);
            spans.AddRange(QueryConsumeTimeSpanBody.Decode(response.Body.Span).ConsumeTimeSpanSet);
        }

        return spans;
    }

    private async Task<RemotingCommand> InvokeBrokerAsync(string address, RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        RemotingCommand response;
        try
        {
            response = await _instance.Remoting.InvokeAsync(address, request, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClientInstance.IsNetworkError(ex))
        {
            throw new MQClientException("connect to " + address + " failed", ex);
        }

        if (response.Code != (int)ResponseCode.Success)
        {
            throw new MQBrokerException(response.Code, response.Remark, address);
        }

        return response;
    }
}
