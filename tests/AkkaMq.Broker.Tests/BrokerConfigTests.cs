using System.Text;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

/// <summary>
/// UPDATE_BROKER_CONFIG (25) changes what the broker does at once, all keys or none, and
/// DELETE_EXPIRED_COMMITLOG (329) runs retention on demand with the retention in force.
/// </summary>
public sealed class BrokerConfigTests
{
    private static RemotingCommand Update(string properties) =>
        RemotingCommand.CreateRequest(RequestCode.UpdateBrokerConfig, null, Encoding.UTF8.GetBytes(properties));

    private static async Task<Dictionary<string, string>> GetConfigAsync(BrokerFixture node)
    {
        var response = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerConfig));
        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.True(PropertiesText.TryParse(response.Body.Span, out var entries, out _));
        return entries.ToDictionary(e => e.Key, e => e.Value);
    }

    private static RemotingCommand CheckSql(string group, string topic) =>
        RemotingCommand.CreateRequest(RequestCode.CheckClientConfig, null, new CheckClientRequestBody
        {
            ClientId = "c1",
            Group = group,
            SubscriptionData = new SubscriptionData { Topic = topic, SubString = "a > 1", ExpressionType = "SQL92" },
        }.Encode());

    [Fact]
    public async Task AutoCreateSubscriptionGroup_TurnedOff_RefusesUnknownGroupsFromTheNextRequest_AndOnAgain()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("LiveGroupTopic", "m", 0));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("Unknown1", "LiveGroupTopic", 0, 0))).Code);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Update("autoCreateSubscriptionGroup=false\n"))).Code);
        var refused = await node.BrokerAsync(Requests.Pull("Unknown2", "LiveGroupTopic", 0, 0));
        Assert.Equal((int)ResponseCode.SubscriptionGroupNotExist, refused.Code);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Update("autoCreateSubscriptionGroup = true"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("Unknown3", "LiveGroupTopic", 0, 0))).Code);
    }

    [Fact]
    public async Task EnablePropertyFilter_TurnedOff_RefusesSql92Subscriptions()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("SqlLiveTopic", "m", 0));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(CheckSql("g", "SqlLiveTopic"))).Code);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Update("enablePropertyFilter=false"))).Code);

        var refused = await node.BrokerAsync(CheckSql("g", "SqlLiveTopic"));
        Assert.Equal((int)ResponseCode.SystemError, refused.Code);
        Assert.Equal("false", (await GetConfigAsync(node))["enablePropertyFilter"]);
    }

    [Fact]
    public async Task FileReservedTime_Shortened_IsWhatDeleteExpiredCommitLogUses()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        string body = new('x', 60 * 1024);
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("RetainedTopic", body, 0))).Code);
        }

        node.AdvanceTime(TimeSpan.FromHours(3));
        var delete = RemotingCommand.CreateRequest(RequestCode.DeleteExpiredCommitLog);

        // 72 hours from the start-up settings: nothing is old enough yet.
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(delete)).Code);
        Assert.Equal(0, node.Broker.Store.MinPhysicalOffset);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Update("fileReservedTime=2"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.DeleteExpiredCommitLog))).Code);

        Assert.True(node.Broker.Store.MinPhysicalOffset > 0, "the shortened retention deleted nothing");
        Assert.True(node.Broker.Store.GetMinOffset("RetainedTopic", 0) > 0);
        Assert.Equal("2", (await GetConfigAsync(node))["fileReservedTime"]);
    }

    [Fact]
    public async Task FileReservedTime_BelowTheSnapshotRefresh_IsRefused_NamingTheKey()
    {
        await using var node = await BrokerFixture.StartAsync();

        var refused = await node.BrokerAsync(Update("fileReservedTime=1"));

        Assert.Equal((int)ResponseCode.SystemError, refused.Code);
        Assert.Contains("fileReservedTime must be at least 2 hours", refused.Remark);
        Assert.Equal("72", (await GetConfigAsync(node))["fileReservedTime"]);
    }

    [Fact]
    public async Task AnUpdateWithOneRefusedKey_ChangesNothing()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("AllOrNoneTopic", "m", 0));

        var notLive = await node.BrokerAsync(Update("autoCreateSubscriptionGroup=false\nmaxMessageSize=1024\n"));
        var unknown = await node.BrokerAsync(Update("autoCreateSubscriptionGroup=false\nnoSuchKey=1\n"));
        var badValue = await node.BrokerAsync(Update("autoCreateSubscriptionGroup=false\ndiskMaxUsedSpaceRatio=150\n"));

        Assert.Equal((int)ResponseCode.NoPermission, notLive.Code);
        Assert.Contains("maxMessageSize (akkamq.broker.store.max-message-size)", notLive.Remark);
        Assert.Equal((int)ResponseCode.SystemError, unknown.Code);
        Assert.Contains("[noSuchKey]", unknown.Remark);
        Assert.Equal((int)ResponseCode.SystemError, badValue.Code);
        Assert.Contains("diskMaxUsedSpaceRatio must be a whole percentage from 1 to 99, got [150]", badValue.Remark);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("StillUnknown", "AllOrNoneTopic", 0, 0))).Code);
        var config = await GetConfigAsync(node);
        Assert.Equal("true", config["autoCreateSubscriptionGroup"]);
        Assert.Equal("99", config["diskMaxUsedSpaceRatio"]);
    }

    [Fact]
    public async Task MalformedBodies_AreRefusedWithAClearRemark()
    {
        await using var node = await BrokerFixture.StartAsync();

        var notUtf8 = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.UpdateBrokerConfig, null, new byte[] { (byte)'a', (byte)'=', 0xC3 }));
        var badEscape = await node.BrokerAsync(Update("autoCreateTopicEnable=\\uXYZW"));
        var badBool = await node.BrokerAsync(Update("autoCreateTopicEnable=maybe"));

        Assert.Equal(((int)ResponseCode.SystemError, "string2Properties error: the properties text is not valid UTF-8"), (notUtf8.Code, notUtf8.Remark));
        Assert.Equal((int)ResponseCode.SystemError, badEscape.Code);
        Assert.StartsWith("string2Properties error", badEscape.Remark);
        Assert.Equal((int)ResponseCode.SystemError, badBool.Code);
        Assert.Contains("autoCreateTopicEnable must be true or false, got [maybe]", badBool.Remark);
    }

    [Fact]
    public async Task GetBrokerConfig_CarriesTheDataVersion_WhichEachChangeMovesOn()
    {
        await using var node = await BrokerFixture.StartAsync();

        var before = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerConfig));
        await node.BrokerAsync(Update("autoCreateTopicEnable=true"));
        var after = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerConfig));

        Assert.StartsWith("{\"counter\":0,\"timestamp\":", before.GetExtField("version"));
        Assert.StartsWith("{\"counter\":1,\"timestamp\":", after.GetExtField("version"));
    }
    [Fact]
    public async Task CleanExpiredConsumeQueue_RemovesDeletedTopics_ButKeepsTheBrokersOwnTopics()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        await node.BrokerAsync(Requests.SendV2("KeptTopic", "m", 0));
        await node.BrokerAsync(Requests.SendV2("KeptTopic", "later", 0, Requests.Props(("DELAY", "3"))));
        await node.BrokerAsync(Requests.SendV2("GoneTopic", "m", 0));
        await node.BrokerAsync(OffsetTests.Update("KeepGroup", "KeptTopic", 0, 1));
        node.AdvanceTime(OffsetsActor.PersistInterval);
        await node.BrokerAsync(OffsetTests.Query("KeepGroup", "KeptTopic", 0));
        var store = node.Broker.Store;
        // The snapshot and the delta records of the commits (the update's, and the scheduler's progress).
        long offsetRecords = store.GetMaxOffset("AKKAMQ_SYS_CONSUMER_OFFSETS", 0);
        Assert.True(offsetRecords >= 2, $"{offsetRecords} offset records");
        Assert.Equal(1, store.GetMaxOffset("SCHEDULE_TOPIC_XXXX", 2));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.DeleteTopicInBroker, new DeleteTopicRequestHeader { Topic = "GoneTopic" }))).Code);

        var cleaned = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.CleanExpiredConsumeQueue));

        Assert.Equal((int)ResponseCode.Success, cleaned.Code);
        Assert.Equal(0, store.GetMaxOffset("GoneTopic", 0));
        Assert.Equal(1, store.GetMaxOffset("KeptTopic", 0));
        Assert.True(store.GetMaxOffset("AKKAMQ_SYS_CONSUMER_OFFSETS", 0) >= offsetRecords);
        Assert.Equal(0, store.GetMinOffset("AKKAMQ_SYS_CONSUMER_OFFSETS", 0));
        Assert.Equal(1, store.GetMaxOffset("SCHEDULE_TOPIC_XXXX", 2));
        await node.RestartBrokerAsync();
        Assert.Equal(1, Requests.Long(await node.BrokerAsync(OffsetTests.Query("KeepGroup", "KeptTopic", 0)), "offset"));
    }

    [Fact]
    public async Task CleanExpiredConsumeQueue_WithARouteTableThatLacksThisBroker_RemovesNothing()
    {
        await using var node = await BrokerFixture.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("KeptTopic", "m", 0))).Code);

        // A newer table that does not know this broker group (as a lagging or rebuilt registry could publish).
        var stranger = RouteTable.Empty;
        while (stranger.Version <= node.Feed.Current.Version)
        {
            stranger = stranger.WithKv("test", "filler", stranger.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        node.Feed.Publish(stranger);
        var cleaned = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.CleanExpiredConsumeQueue));

        Assert.Equal((int)ResponseCode.SystemError, cleaned.Code);
        Assert.Contains("does not list broker group " + BrokerFixture.Group, cleaned.Remark);
        Assert.Equal(1, node.Broker.Store.GetMaxOffset("KeptTopic", 0));
    }
}
