using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

/// <summary>VIEW_BROKER_STATS_DATA (315), GET_BROKER_CONSUME_STATS (317), QUERY_CONSUME_QUEUE (321) and QUERY_CONSUME_TIME_SPAN (303) on the wire.</summary>
public sealed class StatsRequestTests
{
    [Fact]
    public async Task ViewStatsData_CountsSendsAndPulls_OnceSampled()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("StatTopic", "m" + i, 0))).Code);
        }

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendBatch("StatTopic", 0, ("b1", ""), ("b2", "")))).Code);
        var pulled = await node.BrokerAsync(Requests.Pull("StatGroup", "StatTopic", 0, 0));
        Assert.Equal(5, Requests.Records(pulled.Body).Count);

        // Counted at once, shown from the next 10 s sample on (as RocketMQ's StatsItem).
        Assert.Equal(0, (await StatsAsync(node, "TOPIC_PUT_NUMS", "StatTopic")).StatsMinute.Sum);
        node.AdvanceTime(TimeSpan.FromSeconds(10));

        var put = await StatsAsync(node, "TOPIC_PUT_NUMS", "StatTopic");
        Assert.Equal(5, put.StatsMinute.Sum);
        Assert.Equal(0.5, put.StatsMinute.Tps, 6);
        Assert.Equal(5 / 4.0, put.StatsMinute.Avgpt, 6);
        Assert.Equal(0, put.StatsHour.Sum);
        Assert.Equal(5, (await StatsAsync(node, "GROUP_GET_NUMS", "StatTopic@StatGroup")).StatsMinute.Sum);
        Assert.Equal(pulled.Body.Length, (await StatsAsync(node, "GROUP_GET_SIZE", "StatTopic@StatGroup")).StatsMinute.Sum);
        var latency = (await StatsAsync(node, "GROUP_GET_LATENCY", "0@StatTopic@StatGroup")).StatsMinute;
        Assert.Equal(latency.Sum, latency.Avgpt, 6);
        Assert.Equal(5, (await StatsAsync(node, "BROKER_PUT_NUMS", BrokerFixture.Cluster)).StatsMinute.Sum);
        Assert.Equal(5, (await StatsAsync(node, "BROKER_GET_NUMS", BrokerFixture.Cluster)).StatsMinute.Sum);
        Assert.True((await StatsAsync(node, "TOPIC_PUT_SIZE", "StatTopic")).StatsMinute.Sum > 5 * 20);

        var consume = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetConsumeStats, new GetConsumeStatsRequestHeader { ConsumerGroup = "StatGroup", Topic = "StatTopic" }));
        Assert.Equal(0.5, ConsumeStatsBody.Decode(consume.Body.Span).ConsumeTps, 6);

        node.AdvanceTime(TimeSpan.FromMinutes(10));
        Assert.Equal(5, (await StatsAsync(node, "TOPIC_PUT_NUMS", "StatTopic")).StatsHour.Sum);

        // A deleted topic's counters go with it.
        await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.DeleteTopicInBroker, new DeleteTopicRequestHeader { Topic = "StatTopic" }));
        Assert.Equal((int)ResponseCode.SystemError, (await node.BrokerAsync(ViewStats("TOPIC_PUT_NUMS", "StatTopic"))).Code);
        Assert.Equal((int)ResponseCode.SystemError, (await node.BrokerAsync(ViewStats("GROUP_GET_NUMS", "StatTopic@StatGroup"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(ViewStats("BROKER_PUT_NUMS", BrokerFixture.Cluster))).Code);
    }

    [Fact]
    public async Task ViewStatsData_UnknownNameOrKey_IsSystemErrorNamingBoth()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("StatTopic", "m", 0));

        var badName = await node.BrokerAsync(ViewStats("PUT_EVERYTHING", "StatTopic"));
        Assert.Equal((int)ResponseCode.SystemError, badName.Code);
        Assert.Equal("The stats <PUT_EVERYTHING> <StatTopic> not exist", badName.Remark);

        var badKey = await node.BrokerAsync(ViewStats("TOPIC_PUT_NUMS", "NeverSent"));
        Assert.Equal((int)ResponseCode.SystemError, badKey.Code);
        Assert.Equal("The stats <TOPIC_PUT_NUMS> <NeverSent> not exist", badKey.Remark);

        var noKey = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.ViewBrokerStatsData, new OrderedDictionary<string, string> { ["statsName"] = "TOPIC_PUT_NUMS" }));
        Assert.Equal((int)ResponseCode.SystemError, noKey.Code);
        Assert.Contains("statsKey", noKey.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendBack_CountsUnderTheOriginalTopicAndGroup()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        await node.BrokerAsync(Requests.SendV2("BackTopic", "job", 0));
        var original = Assert.Single(Requests.Records((await node.BrokerAsync(Requests.Pull("BackGroup", "BackTopic", 0, 0))).Body));
        var request = CommandHeader.CreateRequest(RequestCode.ConsumerSendMsgBack, new ConsumerSendMsgBackRequestHeader
        {
            Offset = original.CommitLogOffset,
            Group = "BackGroup",
            OriginMsgId = original.MessageId,
            MaxReconsumeTimes = 16,
        });
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(request)).Code);

        node.AdvanceTime(TimeSpan.FromSeconds(10));
        Assert.Equal(1, (await StatsAsync(node, "SNDBCK_PUT_NUMS", "BackTopic@BackGroup")).StatsMinute.Sum);
        Assert.Equal(1, (await StatsAsync(node, "TOPIC_PUT_NUMS", "SCHEDULE_TOPIC_XXXX")).StatsMinute.Sum);
    }

    [Fact]
    public async Task BrokerConsumeStats_ListsEachGroupWithItsLag()
    {
        await using var node = await BrokerFixture.StartAsync();
        for (int i = 0; i < 4; i++)
        {
            await node.BrokerAsync(Requests.SendV2("LagTopic", "m" + i, 0));
        }

        await node.BrokerAsync(OffsetTests.Update("LagGroup", "LagTopic", 0, 3));
        await node.BrokerAsync(Requests.Pull("LagGroup", "LagTopic", 0, 3));

        var all = await ConsumeStatsAsync(node, isOrder: false);
        Assert.Equal(node.BrokerAddress, all.BrokerAddr);
        Assert.Equal(1, all.TotalDiff);
        var (_, statsList) = Assert.Single(all.ConsumeStatsList, e => e.Key == "LagGroup");
        var stats = Assert.Single(statsList);
        var q0 = stats.OffsetTable[new MessageQueue("LagTopic", BrokerFixture.Group, 0)];
        Assert.Equal((4L, 3L), (q0.BrokerOffset, q0.ConsumerOffset));
        Assert.True(q0.LastTimestamp > 0);

        var ordered = await ConsumeStatsAsync(node, isOrder: true);
        Assert.Empty(Assert.Single(ordered.ConsumeStatsList, e => e.Key == "LagGroup").Value);
        Assert.Equal(0, ordered.TotalDiff);

        var noHeader = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerConsumeStats));
        Assert.Equal((int)ResponseCode.SystemError, noHeader.Code);
        Assert.Contains("isOrder", noHeader.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryConsumeQueue_ReturnsTheEntriesAndTheGroupsSubscription()
    {
        await using var node = await BrokerFixture.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await node.BrokerAsync(Requests.SendV2("CqTopic", "entry" + i, 1, Requests.Props(("TAGS", "TagA"))));
        }

        var offline = await QueryCqAsync(node, "CqTopic", 1, 0, 10, "CqGroup");
        Assert.Equal((int)ResponseCode.Success, offline.Code);
        var body = QueryConsumeQueueResponseBody.Decode(offline.Body.Span);
        Assert.Equal((0L, 3L), (body.MinQueueIndex, body.MaxQueueIndex));
        Assert.Equal("CqGroup@CqTopic is not online!", body.FilterData);
        Assert.Null(body.SubscriptionData);
        var records = Requests.Records((await node.BrokerAsync(Requests.Pull("CqGroup", "CqTopic", 1, 0))).Body);
        Assert.Equal(3, body.QueueData!.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(records[i].CommitLogOffset, body.QueueData[i].PhysicOffset);
            Assert.Equal(JavaHash("TagA"), body.QueueData[i].TagsCode);
            Assert.True(body.QueueData[i].PhysicSize > 0);
        }

        await node.BrokerAsync(Requests.Heartbeat("cq-client", "CqGroup", "CqTopic"));
        var online = QueryConsumeQueueResponseBody.Decode((await QueryCqAsync(node, "CqTopic", 1, 1, 1, "CqGroup")).Body.Span);
        Assert.Equal("CqTopic", online.SubscriptionData!.Topic);
        Assert.Equal("null", online.FilterData);
        Assert.Equal(records[1].CommitLogOffset, Assert.Single(online.QueueData!).PhysicOffset);
    }

    [Fact]
    public async Task QueryConsumeQueue_OutsideTheQueue_AnswersAsRocketMq()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("CqTopic", "only", 1));

        var pastEnd = await QueryCqAsync(node, "CqTopic", 1, 5, 10, null);
        Assert.Equal((int)ResponseCode.Success, pastEnd.Code);
        Assert.Equal("Index 5 of 1@CqTopic is not exist!", pastEnd.Remark);
        Assert.Null(QueryConsumeQueueResponseBody.Decode(pastEnd.Body.Span).QueueData);

        var emptyQueue = await QueryCqAsync(node, "CqTopic", 2, 0, 10, null);
        Assert.Equal((int)ResponseCode.SystemError, emptyQueue.Code);
        Assert.Equal("2@CqTopic is not exist!", emptyQueue.Remark);
    }

    [Fact]
    public async Task QueryConsumeTimeSpan_GivesStoreTimesPerQueue()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("SpanTopic", "first", 0));
        await node.BrokerAsync(Requests.SendV2("SpanTopic", "second", 0));
        await node.BrokerAsync(OffsetTests.Update("SpanGroup", "SpanTopic", 0, 1));
        var records = Requests.Records((await node.BrokerAsync(Requests.Pull("SpanGroup", "SpanTopic", 0, 0))).Body);

        var response = await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.QueryConsumeTimeSpan, new QueryConsumeTimeSpanRequestHeader { Topic = "SpanTopic", Group = "SpanGroup" }));
        Assert.Equal((int)ResponseCode.Success, response.Code);
        var spans = QueryConsumeTimeSpanBody.Decode(response.Body.Span).ConsumeTimeSpanSet;
        Assert.Equal(4, spans.Count);
        var q0 = Assert.Single(spans, s => s.MessageQueue.QueueId == 0);
        Assert.Equal(new MessageQueue("SpanTopic", BrokerFixture.Group, 0), q0.MessageQueue);
        Assert.Equal(records[0].StoreTimestamp, q0.MinTimeStamp);
        Assert.Equal(records[1].StoreTimestamp, q0.MaxTimeStamp);
        Assert.Equal(records[0].StoreTimestamp, q0.ConsumeTimeStamp);
        Assert.True(q0.DelayTime >= 0);
        Assert.Contains("\"minTimeStampStr\":\"", System.Text.Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);

        var unknown = await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.QueryConsumeTimeSpan, new QueryConsumeTimeSpanRequestHeader { Topic = "NoSpanTopic", Group = "SpanGroup" }));
        Assert.Equal((int)ResponseCode.TopicNotExist, unknown.Code);
        Assert.Equal("topic[NoSpanTopic] not exist", unknown.Remark);
    }

    private static RemotingCommand ViewStats(string name, string key) =>
        CommandHeader.CreateRequest(RequestCode.ViewBrokerStatsData, new ViewBrokerStatsDataRequestHeader { StatsName = name, StatsKey = key });

    private static async Task<BrokerStatsData> StatsAsync(BrokerFixture node, string name, string key)
    {
        var response = await node.BrokerAsync(ViewStats(name, key));
        Assert.True(response.Code == (int)ResponseCode.Success, response.Remark);
        return BrokerStatsData.Decode(response.Body.Span);
    }

    private static async Task<ConsumeStatsListBody> ConsumeStatsAsync(BrokerFixture node, bool isOrder)
    {
        var response = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetBrokerConsumeStats, new GetConsumeStatsInBrokerHeader { IsOrder = isOrder }));
        Assert.True(response.Code == (int)ResponseCode.Success, response.Remark);
        return ConsumeStatsListBody.Decode(response.Body.Span);
    }

    private static Task<RemotingCommand> QueryCqAsync(BrokerFixture node, string topic, int queueId, long index, int count, string? group) =>
        node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.QueryConsumeQueue, new QueryConsumeQueueRequestHeader
        {
            Topic = topic,
            QueueId = queueId,
            Index = index,
            Count = count,
            ConsumerGroup = group,
        }));

    private static int JavaHash(string text)
    {
        int hash = 0;
        foreach (char c in text)
        {
            hash = unchecked((31 * hash) + c);
        }

        return hash;
    }
}
