using System.Text;
using AkkaMq.Broker.Protocol;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker.Tests;

public sealed class AdminTests
{
    [Fact]
    public async Task CreateTopic_PublishesTheRoute_AndDeleteRemovesIt()
    {
        await using var node = await BrokerFixture.StartAsync();
        var create = await node.BrokerAsync(CreateTopic("Admin1", 8));
        Assert.Equal((int)ResponseCode.Success, create.Code);
        var route = TopicRouteData.Decode((await node.NameServerAsync(Route("Admin1"))).Body.Span);
        Assert.Equal(8, Assert.Single(route.QueueDatas).WriteQueueNums);

        var all = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllTopicConfig));
        Assert.Contains("Admin1", TopicConfigTableBody.DecodeTopicNames(all.Body.Span));
        Assert.DoesNotContain("AKKAMQ_SYS_CONSUMER_OFFSETS", TopicConfigTableBody.DecodeTopicNames(all.Body.Span));

        var delete = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.DeleteTopicInBroker, new DeleteTopicRequestHeader { Topic = "Admin1" }));
        Assert.Equal((int)ResponseCode.Success, delete.Code);
        Assert.Null(node.Feed.Current.FindTopic("Admin1", BrokerFixture.Group));
        Assert.Equal((int)ResponseCode.TopicNotExist, (await node.NameServerAsync(Route("Admin1"))).Code);
    }

    [Fact]
    public async Task CreateTopic_RejectsIllegalAndSystemTopics()
    {
        await using var node = await BrokerFixture.StartAsync();
        var illegal = await node.BrokerAsync(CreateTopic("bad topic!", 4));
        Assert.Equal((int)ResponseCode.SystemError, illegal.Code);
        Assert.Contains("character", illegal.Remark, StringComparison.Ordinal);
        var system = await node.BrokerAsync(CreateTopic("SCHEDULE_TOPIC_XXXX", 4));
        Assert.Equal((int)ResponseCode.SystemError, system.Code);
        Assert.Contains("system topic", system.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_ReportQueueOffsetsAndConsumerProgress()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("S1", "a", 1));
        await node.BrokerAsync(Requests.SendV2("S1", "b", 1));
        await node.BrokerAsync(OffsetTests.Update("SG", "S1", 1, 1));

        var stats = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetTopicStatsInfo, new GetTopicStatsInfoRequestHeader { Topic = "S1" }));
        Assert.Equal((int)ResponseCode.Success, stats.Code);
        Assert.Contains("{\"brokerName\":\"broker-a\",\"queueId\":1,\"topic\":\"S1\"}:{", Encoding.UTF8.GetString(stats.Body.Span), StringComparison.Ordinal);
        var table = TopicStatsTableBody.Decode(stats.Body.Span);
        Assert.Equal(4, table.OffsetTable.Count);
        var q1 = table.OffsetTable[new MessageQueue("S1", BrokerFixture.Group, 1)];
        Assert.Equal((0L, 2L), (q1.MinOffset, q1.MaxOffset));
        Assert.True(q1.LastUpdateTimestamp > 0);

        var consume = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetConsumeStats, new GetConsumeStatsRequestHeader { ConsumerGroup = "SG" }));
        var progress = ConsumeStatsBody.Decode(consume.Body.Span).OffsetTable[new MessageQueue("S1", BrokerFixture.Group, 1)];
        Assert.Equal((2L, 1L), (progress.BrokerOffset, progress.ConsumerOffset));
        Assert.True(progress.LastTimestamp > 0);

        var who = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.QueryTopicConsumeByWho, new QueryTopicConsumeByWhoRequestHeader { Topic = "S1" }));
        Assert.Equal(["SG"], GroupListBody.Decode(who.Body.Span).GroupList);

        var unknown = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetTopicStatsInfo, new GetTopicStatsInfoRequestHeader { Topic = "Nope" }));
        Assert.Equal((int)ResponseCode.TopicNotExist, unknown.Code);
    }

    [Fact]
    public async Task RuntimeInfo_HasTheKeysClusterListReads()
    {
        await using var node = await BrokerFixture.StartAsync();
        var response = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerRuntimeInfo));
        var table = KvTableBody.Decode(response.Body.Span).Table;
        foreach (var key in new[]
        {
            "brokerVersionDesc", "putTps", "getTransferedTps", "sendThreadPoolQueueSize", "pullThreadPoolQueueSize",
            "sendThreadPoolQueueHeadWaitTimeMills", "pullThreadPoolQueueHeadWaitTimeMills", "pageCacheLockTimeMills",
            "earliestMessageTimeStamp", "commitLogDiskRatio", "msgPutTotalTodayNow", "msgGetTotalTodayNow",
        })
        {
            Assert.True(table.ContainsKey(key), key);
        }

        Assert.Equal("V4_9_8", table["brokerVersionDesc"]);
        Assert.Equal(3, table["putTps"].Split(' ').Length);
    }

    [Fact]
    public async Task ViewById_AndQueryByKeyAndUniqueKey_ReturnTheStoredRecords()
    {
        await using var node = await BrokerFixture.StartAsync();
        var sent = await node.BrokerAsync(Requests.SendV2("Q1", "findme", 0, Requests.Props(("KEYS", "order-7"), ("UNIQ_KEY", "0A0000010000ABCD"))));
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out _, out long offset));

        var view = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.ViewMessageById, new ViewMessageRequestHeader { Offset = offset }));
        Assert.Equal("findme", Encoding.UTF8.GetString(Assert.Single(Requests.Records(view.Body)).Body));
        var missing = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.ViewMessageById, new ViewMessageRequestHeader { Offset = offset + 1 }));
        Assert.Equal((int)ResponseCode.SystemError, missing.Code);

        var byKey = await node.BrokerAsync(QueryMessage("Q1", "order-7", unique: false));
        Assert.Equal((int)ResponseCode.Success, byKey.Code);
        Assert.Equal("findme", Encoding.UTF8.GetString(Assert.Single(Requests.Records(byKey.Body)).Body));
        var byUnique = await node.BrokerAsync(QueryMessage("Q1", "0A0000010000ABCD", unique: true));
        Assert.Single(Requests.Records(byUnique.Body));
        Assert.Equal((int)ResponseCode.QueryNotFound, (await node.BrokerAsync(QueryMessage("Q1", "nope", unique: false))).Code);
    }

    private static RemotingCommand QueryMessage(string topic, string key, bool unique)
    {
        var request = CommandHeader.CreateRequest(RequestCode.QueryMessage, new QueryMessageRequestHeader
        {
            Topic = topic,
            Key = key,
            MaxNum = 32,
            BeginTimestamp = 0,
            EndTimestamp = long.MaxValue,
        });
        if (unique)
        {
            request.ExtFields[QueryMessageRequestHeader.UniqueKeyQueryField] = "true";
        }

        return request;
    }

    private static RemotingCommand CreateTopic(string topic, int queues) =>
        CommandHeader.CreateRequest(RequestCode.UpdateAndCreateTopic, new CreateTopicRequestHeader
        {
            Topic = topic,
            DefaultTopic = "TBW102",
            ReadQueueNums = queues,
            WriteQueueNums = queues,
            Perm = 6,
            TopicFilterType = "SINGLE_TAG",
            TopicSysFlag = 0,
            Order = false,
        });

    private static RemotingCommand Route(string topic) =>
        CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = topic });
}
