using System.Text;
using AkkaMq.Broker.SubscriptionGroups;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

/// <summary>
/// Declared subscription groups (200, 201, 207) and <c>auto-create-subscription-group</c>: when it is
/// off, as RocketMQ's autoCreateSubscriptionGroup=false, undeclared groups get SUBSCRIPTION_GROUP_NOT_EXIST.
/// </summary>
public sealed class SubscriptionGroupTests
{
    [Fact]
    public async Task AutoCreateOff_UnknownGroup_CannotPullOrSendBack()
    {
        await using var node = await BrokerFixture.StartAsync(autoCreateSubscriptionGroup: false);
        await node.BrokerAsync(Requests.SendV2("GroupTopic", "m", 0));

        var pull = await node.BrokerAsync(Requests.Pull("NoSuchGroup", "GroupTopic", 0, 0));
        var back = await node.BrokerAsync(SendBack(0, "NoSuchGroup", maxReconsume: 16));

        Assert.Equal(((int)ResponseCode.SubscriptionGroupNotExist, "subscription group [NoSuchGroup] does not exist"), (pull.Code, pull.Remark));
        Assert.Equal(((int)ResponseCode.SubscriptionGroupNotExist, "subscription group not exist, NoSuchGroup"), (back.Code, back.Remark));
        Assert.NotNull(pull.GetExtField("nextBeginOffset"));
    }

    [Fact]
    public async Task AutoCreateOff_SendToTheRetryTopicOfAnUnknownGroup_IsRefused_AndStoresNothing()
    {
        await using var node = await BrokerFixture.StartAsync(autoCreateSubscriptionGroup: false);

        var sent = await node.BrokerAsync(Requests.SendV2("%RETRY%NoSuchGroup", "m", 0));

        Assert.Equal(((int)ResponseCode.SubscriptionGroupNotExist, "subscription group not exist, NoSuchGroup"), (sent.Code, sent.Remark));
        Assert.Equal(0, node.Broker.Store.GetMaxOffset("%RETRY%NoSuchGroup", 0));
    }

    [Fact]
    public async Task AutoCreateOff_HeartbeatOfAnUnknownGroup_IsAnswered_ButCreatesNoRetryTopic()
    {
        await using var node = await BrokerFixture.StartAsync(autoCreateSubscriptionGroup: false);

        var beat = await node.BrokerAsync(Requests.Heartbeat("client-1", "NoSuchGroup", "GroupTopic"));
        var route = await node.NameServerAsync(CommandHeader.CreateRequest(
            RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "%RETRY%NoSuchGroup" }));

        Assert.Equal((int)ResponseCode.Success, beat.Code);
        Assert.Equal((int)ResponseCode.TopicNotExist, route.Code);
    }

    [Fact]
    public async Task AutoCreateOff_SystemGroups_AreAlwaysAccepted()
    {
        await using var node = await BrokerFixture.StartAsync(autoCreateSubscriptionGroup: false);
        await node.BrokerAsync(Requests.SendV2("GroupTopic", "m", 0));

        var pull = await node.BrokerAsync(Requests.Pull("CID_RMQ_SYS_TOOLS", "GroupTopic", 0, 0));

        Assert.Equal((int)ResponseCode.Success, pull.Code);
    }

    [Fact]
    public async Task AutoCreateOn_UnknownGroup_Pulls()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("GroupTopic", "m", 0));

        var pull = await node.BrokerAsync(Requests.Pull("AnyGroup", "GroupTopic", 0, 0));

        Assert.Equal((int)ResponseCode.Success, pull.Code);
    }

    [Fact]
    public async Task DeclaredGroup_Pulls_SurvivesARestart_AndIsRefusedAgainOnceDeleted()
    {
        await using var node = await BrokerFixture.StartAsync(autoCreateSubscriptionGroup: false);
        await node.BrokerAsync(Requests.SendV2("GroupTopic", "m", 0));

        var created = await node.BrokerAsync(Create("{\"groupName\":\"OrderGroup\",\"retryMaxTimes\":3,\"consumeBroadcastEnable\":false}"));
        Assert.Equal((int)ResponseCode.Success, created.Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("OrderGroup", "GroupTopic", 0, 0))).Code);

        await node.RestartBrokerAsync();

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("OrderGroup", "GroupTopic", 0, 0))).Code);
        var all = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllSubscriptionGroupConfig));
        var table = SubscriptionGroupConfig.DecodeTable(all.Body.Span);
        var config = Assert.Single(table.Values);
        Assert.Equal(("OrderGroup", 3, false, true), (config.GroupName, config.RetryMaxTimes, config.ConsumeBroadcastEnable, config.ConsumeEnable));

        var deleted = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.DeleteSubscriptionGroup, new DeleteSubscriptionGroupRequestHeader { GroupName = "OrderGroup" }));
        Assert.Equal((int)ResponseCode.Success, deleted.Code);
        await node.RestartBrokerAsync();

        Assert.Equal((int)ResponseCode.SubscriptionGroupNotExist, (await node.BrokerAsync(Requests.Pull("OrderGroup", "GroupTopic", 0, 0))).Code);
        Assert.Empty(SubscriptionGroupConfig.DecodeTable((await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllSubscriptionGroupConfig))).Body.Span));
    }

    [Fact]
    public async Task DeclaredGroup_SurvivesRetention_ShorterThanAnHour()
    {
        var reserved = TimeSpan.FromSeconds(2);
        await using var node = await BrokerFixture.StartAsync(autoCreateSubscriptionGroup: false, virtualTime: true, fileReservedTime: reserved);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Create("{\"groupName\":\"KeptGroup\"}"))).Code);
        long tables = StoredTables(node);

        // Fill a few commit-log segments (1 MiB each) after the declaration, let them age past the
        // reserved time on the broker's clock, and run retention: only the active segment is left.
        // Each time the clock moves, the refresh timer stores the unchanged table again.
        string body = new('x', 60 * 1024);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("FillTopic", body, 0))).Code);
            }

            node.AdvanceTime(reserved + TimeSpan.FromSeconds(1));
            tables = await MoreStoredTablesAsync(node, tables);
        }

        node.Broker.Store.DeleteExpiredFiles();
        Assert.True(node.Broker.Store.GetMinOffset("FillTopic", 0) > 0, "retention deleted nothing");
        await node.RestartBrokerAsync();

        long min = node.Broker.Store.GetMinOffset("FillTopic", 0);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("KeptGroup", "FillTopic", 0, min))).Code);
    }

    /// <summary>Subscription-group tables stored so far (records of the snapshot topic's table queue).</summary>
    private static long StoredTables(BrokerFixture node) => node.Broker.Store.GetMaxOffset(OffsetSnapshot.Topic, SubscriptionGroupsActor.SnapshotQueue);

    private static async Task<long> MoreStoredTablesAsync(BrokerFixture node, long before)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long now;
        while ((now = StoredTables(node)) <= before)
        {
            Assert.True(DateTime.UtcNow < deadline, "the table was not stored again within 10 s");
            await Task.Delay(10);
        }

        return now;
    }

    [Fact]
    public async Task DeclaredGroup_WithConsumeDisabled_CannotPull_EvenWithAutoCreateOn()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("GroupTopic", "m", 0));
        await node.BrokerAsync(Create("{\"groupName\":\"ClosedGroup\",\"consumeEnable\":false}"));

        var pull = await node.BrokerAsync(Requests.Pull("ClosedGroup", "GroupTopic", 0, 0));

        Assert.Equal(((int)ResponseCode.NoPermission, "subscription group no permission, ClosedGroup"), (pull.Code, pull.Remark));
    }

    [Fact]
    public async Task DeclaredGroup_WithBroadcastDisabled_RefusesBroadcastingConsumers_ButNotClusteringOnes()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("GroupTopic", "m", 0));
        await node.BrokerAsync(Create("{\"groupName\":\"NoBroadcast\",\"consumeBroadcastEnable\":false}"));
        await node.BrokerAsync(Create("{\"groupName\":\"Broadcast\"}"));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Heartbeat("client-1", "NoBroadcast", MessageModel.Broadcasting))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Heartbeat("client-1", "Broadcast", MessageModel.Broadcasting))).Code);

        var refused = await node.BrokerAsync(Requests.Pull("NoBroadcast", "GroupTopic", 0, 0, sysFlag: 0));
        var allowed = await node.BrokerAsync(Requests.Pull("Broadcast", "GroupTopic", 0, 0, sysFlag: 0));

        Assert.Equal(((int)ResponseCode.NoPermission, "the consumer group[NoBroadcast] can not consume by broadcast way"), (refused.Code, refused.Remark));
        Assert.Equal((int)ResponseCode.Success, allowed.Code);

        // The same group consumed in clustering mode pulls normally.
        await node.BrokerAsync(Heartbeat("client-1", "NoBroadcast", MessageModel.Clustering));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("NoBroadcast", "GroupTopic", 0, 0, sysFlag: 0))).Code);
    }

    [Fact]
    public async Task SendBack_WithoutAMaxFromTheClient_UsesTheGroupsRetryMaxTimes()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Create("{\"groupName\":\"OnceGroup\",\"retryMaxTimes\":1}"));
        await node.BrokerAsync(Requests.SendV2("OnceTopic", "job", 0));
        var original = Assert.Single(Requests.Records((await node.BrokerAsync(Requests.Pull("OnceGroup", "OnceTopic", 0, 0))).Body));

        // A pre-3.4.9 client sends no max: the first send-back retries, the second dead-letters.
        var first = await node.BrokerAsync(SendBack(original.CommitLogOffset, "OnceGroup", maxReconsume: null));
        Assert.Equal((int)ResponseCode.Success, first.Code);
        var retry = Assert.Single(Requests.Records((await node.BrokerAsync(Requests.Pull("OnceGroup", "%RETRY%OnceGroup", 0, 0, sysFlag: 0x2 | 0x4, suspendMillis: 15000))).Body));
        var second = await node.BrokerAsync(SendBack(retry.CommitLogOffset, "OnceGroup", maxReconsume: null));

        Assert.Equal((int)ResponseCode.Success, second.Code);
        var dead = Assert.Single(Requests.Records((await node.BrokerAsync(Requests.Pull("OnceGroup", "%DLQ%OnceGroup", 0, 0))).Body));
        Assert.Equal("job", Encoding.UTF8.GetString(dead.Body));
    }

    [Theory]
    [InlineData("{not json", (int)ResponseCode.SystemError)]
    [InlineData("{\"groupName\":\"bad group\"}", (int)ResponseCode.SystemError)]
    [InlineData("{\"retryMaxTimes\":3}", (int)ResponseCode.SystemError)]
    public async Task CreateGroup_WithABadBody_IsRefused_AndCreatesNothing(string body, int code)
    {
        await using var node = await BrokerFixture.StartAsync();

        var response = await node.BrokerAsync(Create(body));

        Assert.Equal(code, response.Code);
        Assert.False(string.IsNullOrEmpty(response.Remark));
        Assert.Empty(SubscriptionGroupConfig.DecodeTable((await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllSubscriptionGroupConfig))).Body.Span));
    }

    private static RemotingCommand Heartbeat(string clientId, string group, MessageModel model)
    {
        var consumer = new ConsumerData { GroupName = group, MessageModel = model };
        consumer.SubscriptionDataSet.Add(new SubscriptionData { Topic = "GroupTopic", SubString = "*" });
        var data = new HeartbeatData { ClientId = clientId, ConsumerDataSet = [consumer] };
        return RemotingCommand.CreateRequest(RequestCode.HeartBeat, null, data.Encode());
    }

    private static RemotingCommand Create(string json) =>
        RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateSubscriptionGroup, null, Encoding.UTF8.GetBytes(json));

    private static RemotingCommand SendBack(long offset, string group, int? maxReconsume)
    {
        var request = CommandHeader.CreateRequest(RequestCode.ConsumerSendMsgBack, new ConsumerSendMsgBackRequestHeader
        {
            Offset = offset,
            Group = group,
            DelayLevel = 1,
            MaxReconsumeTimes = maxReconsume,
        });
        if (maxReconsume is null)
        {
            request.Version = 0; // a client older than 3.4.9: its max (if any) is ignored
        }

        return request;
    }
}
