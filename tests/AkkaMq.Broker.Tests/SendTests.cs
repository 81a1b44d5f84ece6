using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker.Tests;

public sealed class SendTests
{
    [Fact]
    public async Task Route_PublishesTbw102_AndFirstSendAutoCreatesTheTopic()
    {
        await using var node = await BrokerFixture.StartAsync();
        var template = await node.NameServerAsync(RouteRequest("TBW102"));
        Assert.Equal((int)ResponseCode.Success, template.Code);
        var templateQueue = Assert.Single(TopicRouteData.Decode(template.Body.Span).QueueDatas);
        Assert.Equal(7, templateQueue.Perm);

        // Before the first send the topic has no route, as in RocketMQ; clients fall back to TBW102.
        var before = await node.NameServerAsync(RouteRequest("NewTopic"));
        Assert.Equal((int)ResponseCode.TopicNotExist, before.Code);
        Assert.Null(node.Feed.Current.FindTopic("NewTopic", BrokerFixture.Group));
        Assert.Equal((int)ResponseCode.TopicNotExist, (await node.NameServerAsync(RouteRequest("%RETRY%Nobody"))).Code);
        var sent = await node.BrokerAsync(Requests.SendV2("NewTopic", "hello"));
        Assert.Equal((int)ResponseCode.Success, sent.Code);

        Assert.NotNull(node.Feed.Current.FindTopic("NewTopic", BrokerFixture.Group));
        var route = TopicRouteData.Decode((await node.NameServerAsync(RouteRequest("NewTopic"))).Body.Span);
        var queue = Assert.Single(route.QueueDatas);
        Assert.Equal((BrokerFixture.Group, 4, 4, 6), (queue.BrokerName, queue.ReadQueueNums, queue.WriteQueueNums, queue.Perm));
        Assert.Equal(node.Broker.AdvertisedAddress, Assert.Single(route.BrokerDatas).BrokerAddrs[0]);
    }

    [Fact]
    public async Task Send_AnswersTopicNotExist_WhenAutoCreateIsOff()
    {
        await using var node = await BrokerFixture.StartAsync(autoCreate: false);
        Assert.Equal((int)ResponseCode.TopicNotExist, (await node.NameServerAsync(RouteRequest("TBW102"))).Code);
        Assert.Equal((int)ResponseCode.TopicNotExist, (await node.NameServerAsync(RouteRequest("NoSuchTopic"))).Code);
        var sent = await node.BrokerAsync(Requests.SendV2("NoSuchTopic", "x"));
        Assert.Equal((int)ResponseCode.TopicNotExist, sent.Code);
        Assert.Contains("NoSuchTopic", sent.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendV1_ThenPull_ReturnsTheExactBodyAndProperties()
    {
        await using var node = await BrokerFixture.StartAsync();
        string props = Requests.Props(("TAGS", "TagA"), ("KEYS", "k1 k2"), ("WAIT", "true"));
        var sent = await node.BrokerAsync(Requests.SendV1("T1", "payload-1", queueId: 2, properties: props));

        Assert.Equal((int)ResponseCode.Success, sent.Code);
        Assert.Equal("DefaultRegion", sent.GetExtField("MSG_REGION"));
        Assert.Equal("true", sent.GetExtField("TRACE_ON"));
        Assert.Equal("2", sent.GetExtField("queueId"));
        Assert.Equal("0", sent.GetExtField("queueOffset"));

        var pulled = await node.BrokerAsync(Requests.Pull("G1", "T1", 2, 0));
        Assert.Equal((int)ResponseCode.Success, pulled.Code);
        var record = Assert.Single(Requests.Records(pulled.Body));
        Assert.Equal("payload-1", Encoding.UTF8.GetString(record.Body));
        Assert.Equal(("T1", 2, 3, 0L), (record.Topic, record.QueueId, record.Flag, record.QueueOffset));
        Assert.Equal("TagA", record.Tags);
        Assert.Equal("k1 k2", record.Keys);
        Assert.Equal(BrokerFixture.Cluster, record.GetProperty("CLUSTER"));
        Assert.Null(record.GetProperty("WAIT"));
        Assert.Equal(1_700_000_000_000, record.BornTimestamp);
        Assert.Equal(node.Broker.LocalEndPoint.Port, record.StoreHost.Port);
        Assert.NotEqual(node.Broker.LocalEndPoint.Port, record.BornHost.Port);
        Assert.Equal(sent.GetExtField("msgId"), record.MessageId);
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out var host, out long offset));
        Assert.Equal((record.StoreHost, record.CommitLogOffset), (host, offset));
    }

    [Fact]
    public async Task SendV2AndBatch_StoreConsecutiveOffsets_AndPullBackEveryItem()
    {
        await using var node = await BrokerFixture.StartAsync();
        var v2 = await node.BrokerAsync(Requests.SendV2("T2", "first", queueId: 0, properties: Requests.Props(("TAGS", "a"))));
        Assert.Equal((int)ResponseCode.Success, v2.Code);

        var batch = await node.BrokerAsync(Requests.SendBatch("T2", 0, ("b1", Requests.Props(("KEYS", "x"))), ("b2", ""), ("b3", Requests.Props(("TAGS", "t3")))));
        Assert.Equal((int)ResponseCode.Success, batch.Code);
        Assert.Equal("1", batch.GetExtField("queueOffset"));
        string[] ids = batch.GetExtField("msgId")!.Split(',');
        Assert.Equal(3, ids.Length);

        var records = Requests.Records((await node.BrokerAsync(Requests.Pull("G", "T2", 0, 0))).Body);
        Assert.Equal(["first", "b1", "b2", "b3"], records.ConvertAll(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Equal([0L, 1, 2, 3], records.ConvertAll(r => r.QueueOffset));
        Assert.Equal(ids, records.GetRange(1, 3).ConvertAll(r => r.MessageId));
        Assert.Equal("x", records[1].Keys);
        Assert.Equal("t3", records[3].Tags);
        Assert.All(records, r => Assert.Equal(5 == r.Flag ? 5 : 3, r.Flag));
        Assert.All(records, r => Assert.Equal(BrokerFixture.Cluster, r.GetProperty("CLUSTER")));
    }

    [Fact]
    public async Task Send_WithNegativeQueueId_PicksAWritableQueue()
    {
        await using var node = await BrokerFixture.StartAsync();
        for (int i = 0; i < 5; i++)
        {
            var sent = await node.BrokerAsync(Requests.SendV2("Spread", "m" + i));
            Assert.Equal((int)ResponseCode.Success, sent.Code);
            Assert.InRange(int.Parse(sent.GetExtField("queueId")!, System.Globalization.CultureInfo.InvariantCulture), 0, 3);
        }
    }

    [Fact]
    public async Task ConcurrentSends_AreGroupCommitted_InFewerFlushesThanSends()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("Burst", "warm-up", 0));
        long flushesBefore = node.Broker.Store.FlushCount;
        const int senders = 4;
        const int perSender = 50;
        var clients = new List<AkkaMq.Remoting.Transport.RemotingClient>();
        var sends = new List<Task<RemotingCommand>>();
        for (int c = 0; c < senders; c++)
        {
            var client = node.NewClient(new());
            clients.Add(client);
            for (int i = 0; i < perSender; i++)
            {
                sends.Add(client.InvokeAsync(node.BrokerAddress, Requests.SendV2("Burst", "m" + i, c), TimeSpan.FromSeconds(10)));
            }
        }

        var responses = await Task.WhenAll(sends);
        Assert.All(responses, r => Assert.Equal((int)ResponseCode.Success, r.Code));
        long flushes = node.Broker.Store.FlushCount - flushesBefore;
        Assert.InRange(flushes, 1, (senders * perSender) - 1);
        for (int c = 0; c < senders; c++)
        {
            var max = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = "Burst", QueueId = c }));
            Assert.Equal(c == 0 ? perSender + 1 : perSender, Requests.Long(max, "offset"));
            await clients[c].DisposeAsync();
        }
    }

    private static RemotingCommand RouteRequest(string topic) =>
        CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = topic });
}
