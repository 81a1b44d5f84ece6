using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class ProducerProtocolTests
{
    private static SendMessageRequestHeader SendHeader(RemotingCommand request)
    {
        Assert.True(SendMessageRequestHeader.TryDecode(request, out var header, out var error), error);
        return header;
    }

    [Fact]
    public async Task Send_RetriesOnAnotherBroker_WhenFirstAnswersServiceNotAvailable()
    {
        await using var nameServer = new FakeNameServer();
        await using var brokerA = new FakeBroker("broker-a");
        await using var brokerB = new FakeBroker("broker-b");
        nameServer.AddTopic("T", 1, 6, brokerA, brokerB);
        brokerA.Override = r => r.Code == (int)RequestCode.SendMessageV2 ? r.CreateResponse(ResponseCode.ServiceNotAvailable, "busy") : null;
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        for (int i = 0; i < 3; i++)
        {
            var result = await producer.SendAsync(new Message("T", "TagA", [1, 2, 3]));
            Assert.Equal(SendStatus.SendOk, result.Status);
            Assert.Equal("broker-b", result.MessageQueue.BrokerName);
            Assert.Matches("^[0-9A-F]{32}$", result.MsgId);
        }

        Assert.NotEmpty(brokerA.RequestsWithCode(RequestCode.SendMessageV2));
        var sent = brokerB.RequestsWithCode(RequestCode.SendMessageV2);
        Assert.Equal(3, sent.Count);
        var header = SendHeader(sent[0]);
        Assert.Equal("PG", header.ProducerGroup);
        Assert.Equal("TBW102", header.DefaultTopic);
        Assert.Equal(4, header.DefaultTopicQueueNums);
        Assert.Contains("TAGS\u0001TagA", header.Properties);
        Assert.Contains("UNIQ_KEY\u0001", header.Properties);
        Assert.Contains("WAIT\u0001true", header.Properties);
        Assert.Equal("broker-b", header.BrokerName);
    }

    [Fact]
    public async Task Send_RetriesOnAnotherBroker_WhenFirstIsUnreachable()
    {
        await using var nameServer = new FakeNameServer();
        await using var alive = new FakeBroker("broker-b");
        var route = new TopicRouteData();
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-a", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 6 });
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-b", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 6 });
        route.BrokerDatas.Add(new BrokerData { BrokerName = "broker-a", BrokerAddrs = { [0] = "127.0.0.1:1" } });
        route.BrokerDatas.Add(new BrokerData { BrokerName = "broker-b", BrokerAddrs = { [0] = alive.Address } });
        nameServer.Routes["T"] = route;
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        for (int i = 0; i < 2; i++)
        {
            Assert.Equal("broker-b", (await producer.SendAsync(new Message("T", [1]))).MessageQueue.BrokerName);
        }
    }

    [Fact]
    public async Task Send_FailsAfterThreeAttempts_WhenEveryBrokerRefuses()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 2, 6, broker);
        broker.Override = r => r.Code == (int)RequestCode.SendMessageV2 ? r.CreateResponse(ResponseCode.SystemError, "nope") : null;
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        var error = await Assert.ThrowsAsync<MQClientException>(() => producer.SendAsync(new Message("T", [1])));
        Assert.Contains("Send [3] times", error.Message);
        Assert.Equal(3, broker.RequestsWithCode(RequestCode.SendMessageV2).Count);
    }

    [Fact]
    public async Task Send_DoesNotRetry_OnNonRetriableCode()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 2, 6, broker);
        broker.Override = r => r.Code == (int)RequestCode.SendMessageV2 ? r.CreateResponse(ResponseCode.MessageIllegal, "bad") : null;
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        var error = await Assert.ThrowsAsync<MQBrokerException>(() => producer.SendAsync(new Message("T", [1])));
        Assert.Equal(13, error.ResponseCode);
        Assert.Single(broker.RequestsWithCode(RequestCode.SendMessageV2));
    }

    [Fact]
    public async Task Send_FallsBackToTbw102Route_WhenTopicHasNoRoute()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("TBW102", 8, 7, broker);
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        var queues = await producer.FetchPublishMessageQueuesAsync("NewTopic");
        var result = await producer.SendAsync(new Message("NewTopic", [1]));

        Assert.Equal(4, queues.Count);
        Assert.All(queues, q => Assert.Equal("NewTopic", q.Topic));
        Assert.Equal("NewTopic", result.MessageQueue.Topic);
        var header = SendHeader(Assert.Single(broker.RequestsWithCode(RequestCode.SendMessageV2)));
        Assert.Equal("NewTopic", header.Topic);
        Assert.InRange(header.QueueId, 0, 3);
        var asked = nameServer.RequestsWithCode(RequestCode.GetRouteInfoByTopic).Select(r => r.GetExtField("topic")).ToList();
        Assert.Contains("NewTopic", asked);
        Assert.Contains("TBW102", asked);
    }

    [Fact]
    public async Task Send_ThrowsNoRoute_WhenNeitherTopicNorTbw102Exists()
    {
        await using var nameServer = new FakeNameServer();
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        var error = await Assert.ThrowsAsync<MQClientException>(() => producer.SendAsync(new Message("Nowhere", [1])));
        Assert.Equal("No route info of this topic: Nowhere", error.Message);
    }

    [Fact]
    public async Task Send_ReportsConnectFailure_WhenNameServerIsDown()
    {
        var options = new ClientOptions { NameServerAddresses = "127.0.0.1:1", InstanceName = Guid.NewGuid().ToString("N"), ClientIp = "127.0.0.1" };
        await using var producer = new Producer("PG", options);
        await producer.StartAsync();

        var error = await Assert.ThrowsAsync<MQClientException>(() => producer.SendAsync(new Message("T", [1])));
        Assert.Equal("connect to 127.0.0.1:1 failed", error.Message);
    }

    [Fact]
    public async Task OrderedSend_UsesSelectedQueue_AndBatchUses320()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 4, 6, broker);
        await using var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();

        var ordered = await producer.SendAsync(new Message("T", [1]), (queues, _, arg) => queues[(int)arg! % queues.Count], 6);
        Assert.Equal(2, ordered.MessageQueue.QueueId);

        var batch = await producer.SendBatchAsync([new Message("T", [1]), new Message("T", [2])]);
        Assert.Equal(2, batch.MsgId.Split(',').Length);
        var request = Assert.Single(broker.RequestsWithCode(RequestCode.SendBatchMessage));
        Assert.Equal("true", request.GetExtField("m"));

        await producer.SendOnewayAsync(new Message("T", [3]));
        await TestOptions.WaitUntilAsync(() => broker.Requests.Any(r => r.IsOneway && r.Code == (int)RequestCode.SendMessageV2), "oneway send");
    }

    [Fact]
    public async Task Shutdown_SendsUnregisterClient()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var producer = new Producer("PG", TestOptions.For(nameServer));
        await producer.StartAsync();
        await producer.SendAsync(new Message("T", [1]));

        await producer.ShutdownAsync();

        var unregister = Assert.Single(broker.RequestsWithCode(RequestCode.UnregisterClient));
        Assert.Equal("PG", unregister.GetExtField("producerGroup"));
        Assert.StartsWith("127.0.0.1@", unregister.GetExtField("clientID"));
    }
}

public sealed class ClientInstanceTests
{
    [Fact]
    public async Task Instances_AreSharedPerClientId_AndStopWithTheLastUser()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var options = TestOptions.For(nameServer);
        var first = new Producer("PG1", options);
        await using var second = new Producer("PG2", options);
        await using var duplicate = new Producer("PG1", options);
        await first.StartAsync();
        await second.StartAsync();

        Assert.Same(first.Instance, second.Instance);
        Assert.Equal("127.0.0.1@" + options.InstanceName, first.Instance.ClientId);
        await Assert.ThrowsAsync<MQClientException>(() => duplicate.StartAsync());

        await first.ShutdownAsync();
        var result = await second.SendAsync(new Message("T", [1]));
        Assert.Equal(SendStatus.SendOk, result.Status);
    }

    [Fact]
    public async Task NameServers_AreTriedInTurn()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var options = TestOptions.For(nameServer) with { NameServerAddresses = "127.0.0.1:1;" + nameServer.Address };
        await using var producer = new Producer("PG", options);
        await producer.StartAsync();

        Assert.Equal(SendStatus.SendOk, (await producer.SendAsync(new Message("T", [1]))).Status);
    }

    [Fact]
    public async Task Instance_IsRecreated_AfterLastRelease_EvenWhenStartFailed()
    {
        await using var nameServer = new FakeNameServer();
        var options = TestOptions.For(nameServer);
        var producer = new Producer("PG", options);
        await producer.StartAsync();
        var duplicate = new Producer("PG", options);
        await Assert.ThrowsAsync<MQClientException>(() => duplicate.StartAsync());
        var first = producer.Instance;

        await duplicate.DisposeAsync();
        await producer.ShutdownAsync();
        await producer.ShutdownAsync();

        await using var next = new Producer("PG", options);
        Assert.NotSame(first, next.Instance);
        await next.StartAsync();
    }

    [Fact]
    public void DefaultInstanceName_IsPidAndNanoTime_PerOptionsObject()
    {
        var a = new ClientOptions { ClientIp = "10.0.0.1" };
        var b = new ClientOptions { ClientIp = "10.0.0.1" };

        Assert.Matches("^10\\.0\\.0\\.1@[0-9]+#[0-9]+$", a.BuildClientId());
        Assert.Equal(a.BuildClientId(), a.BuildClientId());
        Assert.Equal(a.BuildClientId(), (a with { RequestTimeout = TimeSpan.FromSeconds(1) }).BuildClientId());
        Assert.NotEqual(a.BuildClientId(), b.BuildClientId());
        Assert.Equal("10.0.0.1@named", (a with { InstanceName = "named" }).BuildClientId());
    }
}
