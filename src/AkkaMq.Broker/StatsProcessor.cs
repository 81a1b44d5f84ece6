using Akka.Actor;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker;

/// <summary>VIEW_BROKER_STATS_DATA (315) and GET_BROKER_CONSUME_STATS (317).</summary>
internal sealed class StatsProcessor(BrokerContext context)
{
    private readonly AdminProcessor _admin = new(context);

    /// <summary>One stats item's minute, hour and day windows; an unknown name or key is SYSTEM_ERROR, as in RocketMQ.</summary>
    public RemotingCommand ViewBrokerStatsData(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<ViewBrokerStatsDataRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (!context.StatsService.TryGetItem(header.StatsName, header.StatsKey, out var item))
        {
            return BrokerResponses.Refuse(request, Refusal.StatsNotExist, "<" + header.StatsName + "> <" + header.StatsKey + ">");
        }

        var body = new BrokerStatsData
        {
            StatsMinute = ToItem(item.Minute),
            StatsHour = ToItem(item.Hour),
            StatsDay = ToItem(item.Day),
        };
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    /// <summary>
    /// Consume stats of every group this broker knows — declared, online, or holding offsets —
    /// for each topic it has offsets in (with <c>isOrder</c>, ordered topics only), and the sum of
    /// their lag. A group that subscribes to other topics only is not reported for a topic it
    /// merely has old offsets in, as RocketMQ skips it.
    /// </summary>
    public async ValueTask<RemotingCommand?> GetBrokerConsumeStatsAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<GetConsumeStatsInBrokerHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var body = new ConsumeStatsListBody { BrokerAddr = context.BrokerAddress };
        foreach (string group in await KnownGroupsAsync(ct).ConfigureAwait(false))
        {
            var offsets = await context.Offsets.Ask<GroupOffsetTable>(new GetGroupOffsets(group), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
            var statsList = new List<ConsumeStatsBody>();
            foreach (string topic in offsets.Topics.Keys.Order(StringComparer.Ordinal))
            {
                if (TopicResolver.Find(context, topic) is not { } config || (header.IsOrder && !config.Order) || SubscribesElsewhere(group, topic))
                {
                    continue;
                }

                var stats = new ConsumeStatsBody();
                _admin.AddConsumeStats(stats, topic, offsets);
                stats.ConsumeTps = context.StatsService.GroupGetTps(topic, group);
                foreach (var queue in stats.OffsetTable.Values)
                {
                    body.TotalDiff += queue.BrokerOffset - queue.ConsumerOffset;
                }

                statsList.Add(stats);
            }

            body.ConsumeStatsList.Add(new(group, statsList));
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    private static BrokerStatsItem ToItem(Stats.StatsSnapshot snapshot) => new() { Sum = snapshot.Sum, Tps = snapshot.Tps, Avgpt = snapshot.Avgpt };

    /// <summary>The group is online with subscriptions, none of them to <paramref name="topic"/>.</summary>
    private bool SubscribesElsewhere(string group, string topic) =>
        context.Subscriptions.Groups.TryGetValue(group, out var topics) && topics.Count > 0 && !topics.ContainsKey(topic);

    /// <summary>Declared groups, online groups, and groups with offsets in any of this broker's topics.</summary>
    private async Task<SortedSet<string>> KnownGroupsAsync(CancellationToken ct)
    {
        var groups = new SortedSet<string>(context.SubscriptionGroups.Current.Keys, StringComparer.Ordinal);
        groups.UnionWith(context.Subscriptions.Groups.Keys);
        var asks = new List<Task<TopicGroupList>>();
        foreach (var (topic, perGroup) in context.Routes.Current.Topics)
        {
            if (perGroup.ContainsKey(context.Group))
            {
                asks.Add(context.Offsets.Ask<TopicGroupList>(new GetTopicGroups(topic), BrokerContext.AskTimeout, ct));
            }
        }

        foreach (var answer in await Task.WhenAll(asks).ConfigureAwait(false))
        {
            groups.UnionWith(answer.Groups);
        }

        return groups;
    }
}
