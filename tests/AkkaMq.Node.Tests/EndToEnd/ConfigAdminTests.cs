using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Broker and name-server config (25, 26, 318, 319) and store maintenance (306, 329) through
/// <see cref="AdminClient"/> against a standalone node: values from the node's file under
/// RocketMQ's names, live changes that change what the node does, refusals that name the key.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ConfigAdminTests
{
    private static async Task<SendResult> SendAsync(NodeFixture node, string topic, string body = "m")
    {
        await using var producer = new Producer("config-producer-" + Guid.NewGuid().ToString("N")[..6], node.ClientOptions("config-p"));
        await producer.StartAsync();
        return await producer.SendAsync(new Message(topic, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task GetBrokerConfig_ShowsTheNodeFileUnderRocketMqNames()
    {
        await using var node = await NodeFixture.StartAsync("akkamq.broker.store.max-message-size = 1m\nakkamq.broker.store.disk-watermark-percent = 85");
        await using var admin = new AdminClient(node.ClientOptions("config-admin"));

        var config = await admin.GetBrokerConfigAsync(node.BrokerAddress);

        Assert.Equal("broker-a", config["brokerName"]);
        Assert.Equal("DefaultCluster", config["brokerClusterName"]);
        Assert.Equal("0", config["brokerId"]);
        Assert.Equal(node.BrokerAddress.Split(':')[1], config["listenPort"]);
        Assert.Equal(Path.GetFullPath(node.StoreDir), config["storePathRootDir"]);
        Assert.Equal(Path.Combine(Path.GetFullPath(node.StoreDir), "commitlog"), config["storePathCommitLog"]);
        Assert.Equal("16777216", config["mappedFileSizeCommitLog"]);
        Assert.Equal("1048576", config["maxMessageSize"]);
        Assert.Equal("85", config["diskMaxUsedSpaceRatio"]);
        Assert.Equal("72", config["fileReservedTime"]);
        Assert.Equal("SYNC_FLUSH", config["flushDiskType"]);
        Assert.Equal("SYNC_MASTER", config["brokerRole"]);
        Assert.Equal("true", config["autoCreateTopicEnable"]);
        Assert.Equal("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h", config["messageDelayLevel"]);
        Assert.StartsWith("{\"counter\":0,", config.Version);
    }

    [Fact]
    public async Task AutoCreateTopicEnable_TurnedOnAndOff_DecidesWhetherAProducerCanCreateATopic()
    {
        await using var node = await NodeFixture.StartAsync("akkamq.broker.auto-create-topic = false");
        await using var admin = new AdminClient(node.ClientOptions("config-admin"));
        await Assert.ThrowsAsync<MQClientException>(() => SendAsync(node, "CreatedLater"));

        await admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("autoCreateTopicEnable", "true")]);

        Assert.Equal(SendStatus.SendOk, (await SendAsync(node, "CreatedLater")).Status);
        await admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("autoCreateTopicEnable", "false")]);
        var refused = await Assert.ThrowsAsync<MQClientException>(() => SendAsync(node, "NeverCreated"));
        Assert.Contains("NeverCreated", refused.Message);
        Assert.Equal("false", (await admin.GetBrokerConfigAsync(node.BrokerAddress))["autoCreateTopicEnable"]);
    }

    [Fact]
    public async Task DiskMaxUsedSpaceRatio_Lowered_RefusesSendsAtOnce_AndRaisedAcceptsThemAgain()
    {
        await using var node = await NodeFixture.StartAsync();
        await using var admin = new AdminClient(node.ClientOptions("config-admin"));
        Assert.Equal(SendStatus.SendOk, (await SendAsync(node, "WatermarkTopic")).Status);

        // Any disk holding a store is more than 1 % used.
        await admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("diskMaxUsedSpaceRatio", "1")]);
        var refused = await Assert.ThrowsAsync<MQClientException>(() => SendAsync(node, "WatermarkTopic"));
        Assert.Contains("CODE: " + (int)ResponseCode.ServiceNotAvailable, refused.Message);

        await admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("diskMaxUsedSpaceRatio", "99")]);
        Assert.Equal(SendStatus.SendOk, (await SendAsync(node, "WatermarkTopic")).Status);
    }

    [Fact]
    public async Task UpdateBrokerConfig_RefusesKeysItCannotChangeLive_NamingThem()
    {
        await using var node = await NodeFixture.StartAsync();
        await using var admin = new AdminClient(node.ClientOptions("config-admin"));

        var notLive = await Assert.ThrowsAsync<MQBrokerException>(() => admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("maxMessageSize", "1024")]));
        var unknown = await Assert.ThrowsAsync<MQBrokerException>(() => admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("deleteWhen", "04")]));

        Assert.Equal((int)ResponseCode.NoPermission, notLive.ResponseCode);
        Assert.Contains("maxMessageSize (akkamq.broker.store.max-message-size)", notLive.Remark);
        Assert.Equal((int)ResponseCode.SystemError, unknown.ResponseCode);
        Assert.Contains("[deleteWhen]", unknown.Remark);
        Assert.Equal("4194304", (await admin.GetBrokerConfigAsync(node.BrokerAddress))["maxMessageSize"]);
    }

    [Fact]
    public async Task CleanExpiredConsumeQueue_RemovesTheQueuesOfADeletedTopic_AndKeepsTheOthers()
    {
        await using var node = await NodeFixture.StartAsync();
        await using var admin = new AdminClient(node.ClientOptions("config-admin"));
        foreach (var topic in new[] { "CqGone", "CqKept" })
        {
            await admin.CreateOrUpdateTopicAsync(node.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 1, WriteQueueNums = 1 });
            await SendAsync(node, topic);
        }

        string gone = Path.Combine(node.StoreDir, "consumequeue", "CqGone");
        string kept = Path.Combine(node.StoreDir, "consumequeue", "CqKept");
        Assert.True(Directory.Exists(gone));
        await admin.DeleteTopicAsync("CqGone", "DefaultCluster");
        Assert.True(Directory.Exists(gone), "deleting a topic leaves its consume queue to cleanExpiredCQ");

        Assert.True(await admin.CleanExpiredConsumeQueueAsync(node.BrokerAddress));

        Assert.False(Directory.Exists(gone));
        Assert.True(Directory.Exists(kept));
        Assert.Equal(1, (await admin.GetTopicStatsAsync("CqKept")).OffsetTable.Values.Single().MaxOffset);
        await node.RestartAsync();
        Assert.False(Directory.Exists(gone), "recovery rebuilt the removed consume queue");
        await using var again = new AdminClient(node.ClientOptions("config-admin"));
        Assert.Equal(1, (await again.GetTopicStatsAsync("CqKept")).OffsetTable.Values.Single().MaxOffset);
    }

    [Fact]
    public async Task NameServerConfig_IsShown_AndEveryUpdateIsRefusedNamingTheKey()
    {
        await using var node = await NodeFixture.StartAsync();
        await using var admin = new AdminClient(node.ClientOptions("config-admin"));

        var (address, config) = Assert.Single(await admin.GetNameServerConfigAsync());
        var fixedKey = await Assert.ThrowsAsync<MQBrokerException>(() => admin.UpdateNameServerConfigAsync([new("listenPort", "9877")]));
        var unknown = await Assert.ThrowsAsync<MQBrokerException>(() => admin.UpdateNameServerConfigAsync([new("kvConfigPath", "/tmp/kv.json")]));

        Assert.Equal(node.NameServer, address);
        Assert.Equal(node.NameServer.Split(':')[1], config["listenPort"]);
        Assert.Equal("true", config["orderMessageEnable"]);
        Assert.Equal((int)ResponseCode.NoPermission, fixedKey.ResponseCode);
        Assert.Contains("listenPort (akkamq.namesrv.listen)", fixedKey.Remark);
        Assert.Equal((int)ResponseCode.SystemError, unknown.ResponseCode);
        Assert.Contains("[kvConfigPath]", unknown.Remark);
    }
    [Fact]
    public async Task ALiveChange_LastsUntilTheNodeRestarts()
    {
        await using var node = await NodeFixture.StartAsync();
        await using (var admin = new AdminClient(node.ClientOptions("config-admin")))
        {
            await admin.UpdateBrokerConfigAsync(node.BrokerAddress, [new("autoCreateTopicEnable", "false"), new("fileReservedTime", "24")]);
            Assert.Equal("false", (await admin.GetBrokerConfigAsync(node.BrokerAddress))["autoCreateTopicEnable"]);
        }

        await node.RestartAsync();

        await using var after = new AdminClient(node.ClientOptions("config-admin"));
        var config = await after.GetBrokerConfigAsync(node.BrokerAddress);
        Assert.Equal("true", config["autoCreateTopicEnable"]);
        Assert.Equal("72", config["fileReservedTime"]);
        Assert.Equal(SendStatus.SendOk, (await SendAsync(node, "AfterRestart")).Status);
    }
}
