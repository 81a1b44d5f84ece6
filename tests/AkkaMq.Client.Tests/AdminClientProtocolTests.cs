using System.Net;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class AdminClientProtocolTests
{
    private static RemotingCommand WithBody(RemotingCommand request, byte[] body)
    {
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body;
        return response;
    }

    [Fact]
    public async Task NameServerQueries_DecodeBodies()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 4, 6, broker);
        nameServer.Override = r => r.Code is (int)RequestCode.GetAllTopicListFromNameserver or (int)RequestCode.GetTopicsByCluster
            ? WithBody(r, new TopicListBody { TopicList = ["T", "TBW102"] }.Encode())
            : null;
        await using var admin = new AdminClient(TestOptions.For(nameServer));

        var cluster = await admin.GetClusterInfoAsync();
        Assert.Equal(["broker-a"], cluster.ClusterAddrTable["DefaultCluster"]);
        Assert.Equal(broker.Address, cluster.BrokerAddrTable["broker-a"].BrokerAddrs[0]);
        Assert.Equal(4, Assert.Single((await admin.GetTopicRouteAsync("T")).QueueDatas).WriteQueueNums);
        Assert.Equal(["T", "TBW102"], (await admin.GetTopicListAsync()).TopicList);
        Assert.Equal(["T", "TBW102"], (await admin.GetTopicsByClusterAsync("DefaultCluster")).TopicList);
        Assert.Equal("DefaultCluster", Assert.Single(nameServer.RequestsWithCode(RequestCode.GetTopicsByCluster)).GetExtField("cluster"));
        var missing = await Assert.ThrowsAsync<MQBrokerException>(() => admin.GetTopicRouteAsync("Nope"));
        Assert.Equal(17, missing.ResponseCode);
    }

    [Fact]
    public async Task TopicAdmin_SendsCreateToMasters_AndDeleteToBrokersAndNameServer()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 4, 6, broker);
        await using var admin = new AdminClient(TestOptions.For(nameServer));

        var masters = await admin.CreateOrUpdateTopicInClusterAsync("DefaultCluster", new TopicConfigOptions("NewT") { ReadQueueNums = 3, WriteQueueNums = 3, Order = true });
        Assert.Equal([broker.Address], masters);
        var create = CommandHeader.Decode<CreateTopicRequestHeader>(Assert.Single(broker.RequestsWithCode(RequestCode.UpdateAndCreateTopic)));
        Assert.Equal("NewT", create.Topic);
        Assert.Equal(3, create.ReadQueueNums);
        Assert.Equal(6, create.Perm);
        Assert.Equal("SINGLE_TAG", create.TopicFilterType);
        Assert.True(create.Order);

        await admin.DeleteTopicAsync("NewT", "DefaultCluster");
        Assert.Equal("NewT", Assert.Single(broker.RequestsWithCode(RequestCode.DeleteTopicInBroker)).GetExtField("topic"));
        Assert.Equal("NewT", Assert.Single(nameServer.RequestsWithCode(RequestCode.DeleteTopicInNamesrv)).GetExtField("topic"));
    }

    [Fact]
    public async Task Stats_AndConnections_AreFetchedFromBrokersOfTheRoute()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        nameServer.AddTopic("%RETRY%G", 1, 6, broker);
        var queue = new MessageQueue("T", "broker-a", 0);
        broker.Override = r => (RequestCode)r.Code switch
        {
            RequestCode.GetTopicStatsInfo => WithBody(r, new TopicStatsTableBody { OffsetTable = { [queue] = new TopicOffset { MaxOffset = 7 } } }.Encode()),
            RequestCode.GetConsumeStats => WithBody(r, new ConsumeStatsBody { OffsetTable = { [queue] = new OffsetWrapper { BrokerOffset = 7, ConsumerOffset = 4 } } }.Encode()),
            RequestCode.GetConsumerConnectionList => WithBody(r, new ConsumerConnectionBody { ConnectionSet = [new ConnectionData { ClientId = "c1" }] }.Encode()),
            RequestCode.GetProducerConnectionList => WithBody(r, new ProducerConnectionBody { ConnectionSet = [new ConnectionData { ClientId = "p1" }] }.Encode()),
            RequestCode.GetBrokerRuntimeInfo => WithBody(r, new KvTableBody { Table = { ["brokerVersionDesc"] = "V4_9_8" } }.Encode()),
            RequestCode.QueryTopicConsumeByWho => WithBody(r, new GroupListBody { GroupList = ["G", "G2"] }.Encode()),
            _ => null,
        };
        await using var admin = new AdminClient(TestOptions.For(nameServer));

        Assert.Equal(7, (await admin.GetTopicStatsAsync("T")).OffsetTable[queue].MaxOffset);
        Assert.Equal(4, (await admin.GetConsumeStatsAsync("G")).OffsetTable[queue].ConsumerOffset);
        Assert.Equal("c1", Assert.Single((await admin.GetConsumerConnectionListAsync("G")).ConnectionSet).ClientId);
        Assert.Equal("p1", Assert.Single((await admin.GetProducerConnectionListAsync("PG", "T")).ConnectionSet).ClientId);
        Assert.Equal("V4_9_8", (await admin.GetBrokerRuntimeInfoAsync(broker.Address)).Table["brokerVersionDesc"]);
        Assert.Equal("G", Assert.Single(broker.RequestsWithCode(RequestCode.GetConsumeStats)).GetExtField("consumerGroup"));
        Assert.Equal(["G", "G2"], (await admin.QueryTopicConsumeByWhoAsync("T")).GroupList);
    }

    [Fact]
    public async Task ConsumerConnectionList_RaisesCode206_WhenGroupOffline()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("%RETRY%G", 1, 6, broker);
        broker.Override = r => r.Code == (int)RequestCode.GetConsumerConnectionList ? r.CreateResponse(ResponseCode.ConsumerNotOnline, "the consumer group[G] not online") : null;
        await using var admin = new AdminClient(TestOptions.For(nameServer));

        var error = await Assert.ThrowsAsync<MQBrokerException>(() => admin.GetConsumerConnectionListAsync("G"));
        Assert.Equal(206, error.ResponseCode);
        Assert.Equal("the consumer group[G] not online", error.Remark);
    }

    [Fact]
    public async Task ViewMessage_AsksTheAddressInsideTheOffsetId()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        broker.Append("T", 0, "first"u8.ToArray());
        broker.Append("T", 0, "second"u8.ToArray(), new() { ["KEYS"] = "order-1 order-2", ["UNIQ_KEY"] = "UQ" });
        await using var admin = new AdminClient(TestOptions.For(nameServer));
        long secondOffset = new RecordBuilder { Body = "first"u8.ToArray(), StoreHost = new IPEndPoint(IPAddress.Loopback, broker.Port) }.Build().Length;
        string id = MessageId.Create(new IPEndPoint(IPAddress.Loopback, broker.Port), secondOffset);

        var message = await admin.ViewMessageAsync(id);

        Assert.Equal("second", System.Text.Encoding.UTF8.GetString(message.Body));
        Assert.Equal(id, message.MsgId);
        Assert.Equal(secondOffset.ToString(), Assert.Single(broker.RequestsWithCode(RequestCode.ViewMessageById)).GetExtField("offset"));
        await Assert.ThrowsAsync<MQClientException>(() => admin.ViewMessageAsync("not-an-id"));
    }

    [Fact]
    public async Task QueryMessage_ByKeyAndUniqueKey()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var records = new RecordBuilder { Topic = "T", Properties = new() { ["KEYS"] = "k1 k2", ["UNIQ_KEY"] = "U1" } }.Build()
            .Concat(new RecordBuilder { Topic = "T", Properties = new() { ["KEYS"] = "k3", ["UNIQ_KEY"] = "U2" } }.Build()).ToArray();
        broker.Override = r => r.Code == (int)RequestCode.QueryMessage ? WithBody(r, records) : null;
        await using var admin = new AdminClient(TestOptions.For(nameServer));

        var byKey = await admin.QueryMessageByKeyAsync("T", "k2", 32, DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow);
        Assert.Equal("U1", Assert.Single(byKey).UniqueKey);
        var byUnique = await admin.QueryMessageByUniqueKeyAsync("T", "U2");
        Assert.Equal("k3", byUnique!.Keys);

        var requests = broker.RequestsWithCode(RequestCode.QueryMessage);
        var header = CommandHeader.Decode<QueryMessageRequestHeader>(requests[1]);
        Assert.Equal("U2", header.Key);
        Assert.Equal(32, header.MaxNum);
        Assert.Equal("true", requests[1].GetExtField("_UNIQUE_KEY_QUERY"));
        Assert.Null(requests[0].GetExtField("_UNIQUE_KEY_QUERY"));
    }

    [Fact]
    public async Task ConsumerRunningInfo_IsAnsweredByTheClient_ThroughTheBroker()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 2, 6, broker);
        nameServer.AddTopic("%RETRY%GR", 1, 6, broker);
        var options = TestOptions.For(nameServer);
        await using var consumer = new PushConsumer("GR", options);
        consumer.Subscribe("T", "TagA");
        consumer.RegisterListener((_, _) => Task.FromResult(ConsumeStatus.ConsumeSuccess));
        await consumer.StartAsync();
        await TestOptions.WaitUntilAsync(() => consumer.AssignedQueues.Count == 3, "3 queues assigned");
        await using var admin = new AdminClient(options with { InstanceName = "admin-" + Guid.NewGuid().ToString("N") });

        var info = await admin.GetConsumerRunningInfoAsync("GR", consumer.Instance.ClientId, jstack: true);

        Assert.Equal("CONSUME_PASSIVELY", info.Properties[ConsumerRunningInfoBody.PropConsumeType]);
        Assert.Equal("false", info.Properties[ConsumerRunningInfoBody.PropConsumeOrderly]);
        Assert.Equal(nameServer.Address, info.Properties[ConsumerRunningInfoBody.PropNameServerAddr]);
        Assert.Equal(3, info.MqTable.Count);
        Assert.Contains(new MessageQueue("T", "broker-a", 1), info.MqTable.Keys);
        Assert.Equal(["%RETRY%GR", "T"], info.SubscriptionSet.Select(s => s.Topic).Order());
        Assert.NotNull(info.Jstack);

        var missing = await Assert.ThrowsAsync<MQBrokerException>(() => admin.GetConsumerRunningInfoAsync("GR", "127.0.0.1@nobody"));
        Assert.Equal(1, missing.ResponseCode);
    }

    [Fact]
    public async Task KvConfig_PutGetDelete()
    {
        await using var nameServer = new FakeNameServer();
        var store = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        nameServer.Override = r =>
        {
            string key = r.GetExtField("namespace") + "/" + r.GetExtField("key");
            switch ((RequestCode)r.Code)
            {
                case RequestCode.PutKvConfig:
                    store[key] = r.GetExtField("value")!;
                    return r.CreateResponse(ResponseCode.Success);
                case RequestCode.GetKvConfig:
                    if (!store.TryGetValue(key, out var value))
                    {
                        return r.CreateResponse(ResponseCode.QueryNotFound, "No config item");
                    }

                    var found = r.CreateResponse(ResponseCode.Success);
                    found.ExtFields["value"] = value;
                    return found;
                case RequestCode.DeleteKvConfig:
                    store.TryRemove(key, out _);
                    return r.CreateResponse(ResponseCode.Success);
                default:
                    return null;
            }
        };
        await using var admin = new AdminClient(TestOptions.For(nameServer));

        await admin.PutKvConfigAsync(AdminClient.OrderTopicConfigNamespace, "T", "broker-a:4");
        Assert.Equal("broker-a:4", await admin.GetKvConfigAsync(AdminClient.OrderTopicConfigNamespace, "T"));
        await admin.DeleteKvConfigAsync(AdminClient.OrderTopicConfigNamespace, "T");
        Assert.Null(await admin.GetKvConfigAsync(AdminClient.OrderTopicConfigNamespace, "T"));
    }
}
