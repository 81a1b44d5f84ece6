using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class PushConsumerProtocolTests
{
    private static (FakeNameServer NameServer, FakeBroker Broker) Cluster(string group, int queues = 1)
    {
        var nameServer = new FakeNameServer();
        var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", queues, 6, broker);
        nameServer.AddTopic("%RETRY%" + group, 1, 6, broker);
        return (nameServer, broker);
    }

    private static PushConsumer Consumer(
        FakeNameServer nameServer,
        string group,
        ConcurrentQueue<MessageExt> received,
        Func<MessageExt, ConsumeStatus>? decide = null,
        string? instance = null,
        TimeSpan? rebalanceInterval = null)
    {
        var options = TestOptions.For(nameServer, instance);
        options = options with { RebalanceInterval = rebalanceInterval ?? options.RebalanceInterval };
        var consumer = new PushConsumer(group, options) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe("T", "*");
        consumer.RegisterListener((messages, _) =>
        {
            var status = ConsumeStatus.ConsumeSuccess;
            foreach (var message in messages)
            {
                received.Enqueue(message);
                status = decide?.Invoke(message) ?? status;
            }

            return Task.FromResult(status);
        });
        return consumer;
    }

    private static long CommittedBy15(FakeBroker broker, int queueId = 0) =>
        broker.RequestsWithCode(RequestCode.UpdateConsumerOffset)
            .Select(r => CommandHeader.Decode<UpdateConsumerOffsetRequestHeader>(r))
            .Where(h => h.QueueId == queueId && h.Topic == "T")
            .Select(h => h.CommitOffset)
            .DefaultIfEmpty(-1)
            .Max();

    [Fact]
    public async Task PushConsumer_Delivers_CommitsOffsets_AndKeepsLongPolling()
    {
        var (nameServer, broker) = Cluster("G1");
        await using var _n = nameServer;
        await using var _b = broker;
        for (int i = 0; i < 3; i++)
        {
            broker.Append("T", 0, Encoding.UTF8.GetBytes("m" + i), new() { ["TAGS"] = "TagA" });
        }

        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Consumer(nameServer, "G1", received);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => received.Count == 3, "3 messages");
        Assert.Equal(["m0", "m1", "m2"], received.Select(m => Encoding.UTF8.GetString(m.Body)).Order());
        Assert.All(received, m => Assert.Equal("broker-a", m.BrokerName));
        Assert.All(received, m => Assert.Equal("0", m.GetProperty("MIN_OFFSET")));

        // Offsets reach the broker by the 5 s timer (15) and piggy-backed on pulls.
        await TestOptions.WaitUntilAsync(() => CommittedBy15(broker) == 3, "offset 3 committed with 15");
        await TestOptions.WaitUntilAsync(
            () => broker.RequestsWithCode(RequestCode.PullMessage).Select(r => CommandHeader.Decode<PullMessageRequestHeader>(r)).Any(h => (h.SysFlag & 1) != 0 && h.CommitOffset == 3),
            "pull with piggy-backed commit offset 3");

        // The queue is empty: the broker answers 19 after holding; the loop goes on and sees a new message.
        await TestOptions.WaitUntilAsync(() => broker.Requests.Count(r => r.Code == (int)RequestCode.PullMessage && CommandHeader.Decode<PullMessageRequestHeader>(r).QueueOffset == 3) >= 2, "pulls repeated after 19");
        broker.Append("T", 0, "late"u8.ToArray());
        await TestOptions.WaitUntilAsync(() => received.Count == 4, "message after a 19");

        var pull = CommandHeader.Decode<PullMessageRequestHeader>(broker.RequestsWithCode(RequestCode.PullMessage)[0]);
        Assert.Equal("G1", pull.ConsumerGroup);
        Assert.Equal(0x2 | 0x4, pull.SysFlag & 0x6);
        Assert.Equal("*", pull.Subscription);
        Assert.Equal(300, pull.SuspendTimeoutMillis);
        Assert.Equal(32, pull.MaxMsgNums);
    }

    [Fact]
    public async Task PushConsumer_HeartbeatsWithSubscriptions_IncludingRetryTopic()
    {
        var (nameServer, broker) = Cluster("G2");
        await using var _n = nameServer;
        await using var _b = broker;
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Consumer(nameServer, "G2", received);
        consumer.Subscribe("T", "TagA || TagB");
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => broker.RequestsWithCode(RequestCode.HeartBeat).Count > 0, "heartbeat");
        var heartbeat = HeartbeatData.Decode(broker.RequestsWithCode(RequestCode.HeartBeat)[0].Body.Span);
        Assert.EndsWith("@" + consumer.Instance.ClientId.Split('@')[1], heartbeat.ClientId);
        var data = Assert.Single(heartbeat.ConsumerDataSet);
        Assert.Equal("G2", data.GroupName);
        Assert.Equal(ConsumeType.ConsumePassively, data.ConsumeType);
        var subscriptions = data.SubscriptionDataSet.ToDictionary(s => s.Topic);
        Assert.Equal([2598919, 2598920], subscriptions["T"].CodeSet);
        Assert.Equal("*", subscriptions["%RETRY%G2"].SubString);
    }

    [Fact]
    public async Task PushConsumer_FiltersTagsOnClient()
    {
        var (nameServer, broker) = Cluster("G3");
        await using var _n = nameServer;
        await using var _b = broker;
        broker.Append("T", 0, "a"u8.ToArray(), new() { ["TAGS"] = "TagA" });
        broker.Append("T", 0, "b"u8.ToArray(), new() { ["TAGS"] = "TagB" });
        broker.Append("T", 0, "c"u8.ToArray(), new() { ["TAGS"] = "TagA" });
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Consumer(nameServer, "G3", received);
        consumer.Subscribe("T", "TagA");
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => CommittedBy15(broker) == 3, "offset past all three");
        Assert.Equal(["a", "c"], received.Select(m => Encoding.UTF8.GetString(m.Body)).Order());
    }

    [Fact]
    public async Task ReconsumeLater_SendsMessageBack_AndStillAdvancesOffset()
    {
        var (nameServer, broker) = Cluster("G4");
        await using var _n = nameServer;
        await using var _b = broker;
        broker.Append("T", 0, "x"u8.ToArray());
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Consumer(nameServer, "G4", received, _ => ConsumeStatus.ReconsumeLater);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => broker.RequestsWithCode(RequestCode.ConsumerSendMsgBack).Count > 0, "send-back");
        var header = CommandHeader.Decode<ConsumerSendMsgBackRequestHeader>(broker.RequestsWithCode(RequestCode.ConsumerSendMsgBack)[0]);
        var message = received.First();
        Assert.Equal(message.CommitLogOffset, header.Offset);
        Assert.Equal("G4", header.Group);
        Assert.Equal(0, header.DelayLevel);
        Assert.Equal(16, header.MaxReconsumeTimes);
        Assert.Equal("T", header.OriginTopic);
        Assert.Equal(message.MsgId, header.OriginMsgId);
        await TestOptions.WaitUntilAsync(() => CommittedBy15(broker) == 1, "offset 1 after send-back");
    }

    [Fact]
    public async Task ReconsumeLater_FallsBackToRetryTopic_WhenSendBackFails()
    {
        var (nameServer, broker) = Cluster("G5");
        await using var _n = nameServer;
        await using var _b = broker;
        broker.Override = r => r.Code == (int)RequestCode.ConsumerSendMsgBack ? r.CreateResponse(ResponseCode.SystemError, "no") : null;
        broker.Append("T", 0, "x"u8.ToArray(), new() { ["UNIQ_KEY"] = "U1" });
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Consumer(nameServer, "G5", received, m => m.Topic == "T" && m.ReconsumeTimes == 0 ? ConsumeStatus.ReconsumeLater : ConsumeStatus.ConsumeSuccess);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(
            () => broker.RequestsWithCode(RequestCode.SendMessageV2).Any(r => r.GetExtField("b") == "%RETRY%G5"),
            "re-send to the retry topic");
        var send = broker.RequestsWithCode(RequestCode.SendMessageV2).First(r => r.GetExtField("b") == "%RETRY%G5");
        Assert.True(SendMessageRequestHeader.TryDecode(send, out var header, out _));
        Assert.Equal("CLIENT_INNER_PRODUCER", header.ProducerGroup);
        Assert.Equal(1, header.ReconsumeTimes);
        Assert.Equal(16, header.MaxReconsumeTimes);
        var properties = MessageProperties.Decode(header.Properties);
        Assert.Equal("T", properties["RETRY_TOPIC"]);
        Assert.Equal("3", properties["DELAY"]);
        Assert.Equal("U1", properties["ORIGIN_MESSAGE_ID"]);
        Assert.False(properties.ContainsKey("RECONSUME_TIME"));

        // The fake stores it on the retry topic at once; it comes back under the original topic.
        await TestOptions.WaitUntilAsync(() => received.Count(m => m.ReconsumeTimes == 1) == 1, "redelivery");
        Assert.Equal("T", received.Last().Topic);
    }

    [Fact]
    public async Task RetryTopicFallback_OfACommittedTransactionalMessage_IsNotSentAsAHalf()
    {
        var (nameServer, broker) = Cluster("G5T");
        await using var _n = nameServer;
        await using var _b = broker;
        broker.Override = r => r.Code == (int)RequestCode.ConsumerSendMsgBack ? r.CreateResponse(ResponseCode.SystemError, "no") : null;
        broker.Append("T", 0, "x"u8.ToArray(), new() { ["UNIQ_KEY"] = "U2", ["TRAN_MSG"] = "true", ["PGROUP"] = "TxGroup" });
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Consumer(nameServer, "G5T", received, m => m.Topic == "T" && m.ReconsumeTimes == 0 ? ConsumeStatus.ReconsumeLater : ConsumeStatus.ConsumeSuccess);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(
            () => broker.RequestsWithCode(RequestCode.SendMessageV2).Any(r => r.GetExtField("b") == "%RETRY%G5T"),
            "re-send to the retry topic");
        var send = broker.RequestsWithCode(RequestCode.SendMessageV2).First(r => r.GetExtField("b") == "%RETRY%G5T");
        Assert.True(SendMessageRequestHeader.TryDecode(send, out var header, out _));

        // A broker parks a send carrying TRAN_MSG=true as a new half message instead of storing the retry.
        var properties = MessageProperties.Decode(header.Properties);
        Assert.False(properties.ContainsKey("TRAN_MSG"));
        Assert.Equal(0, header.SysFlag & 0x4);
        Assert.Equal("T", properties["RETRY_TOPIC"]);
    }

    [Fact]
    public async Task Rebalance_SplitsQueuesBetweenTwoConsumers_OnNotifyConsumerIdsChanged()
    {
        var (nameServer, broker) = Cluster("G6", queues: 4);
        await using var _n = nameServer;
        await using var _b = broker;
        var received = new ConcurrentQueue<MessageExt>();
        // The timer would only fire after a minute: every rebalance here comes from start-up or a 40.
        var minute = TimeSpan.FromMinutes(1);
        await using var first = Consumer(nameServer, "G6", received, instance: "c1-" + Guid.NewGuid().ToString("N"), rebalanceInterval: minute);
        await using var second = Consumer(nameServer, "G6", received, instance: "c2-" + Guid.NewGuid().ToString("N"), rebalanceInterval: minute);
        await first.StartAsync();
        await TestOptions.WaitUntilAsync(() => Topic(first).Count == 4, "first owns all 4");
        await second.StartAsync();

        await TestOptions.WaitUntilAsync(() => Topic(first).Count == 2 && Topic(second).Count == 2, "2 + 2 split");
        Assert.Empty(Topic(first).Intersect(Topic(second)));
        var ids = broker.ClientsOf("G6").Order(StringComparer.Ordinal).ToList();
        var expectedFirst = ids[0] == first.Instance.ClientId ? new[] { 0, 1 } : [2, 3];
        Assert.Equal(expectedFirst, Topic(first).Select(q => q.QueueId).Order());

        await second.ShutdownAsync();
        Assert.Contains(broker.RequestsWithCode(RequestCode.UnregisterClient), r => r.GetExtField("consumerGroup") == "G6");
        await TestOptions.WaitUntilAsync(() => Topic(first).Count == 4, "first owns all 4 again");
    }

    [Fact]
    public async Task Shutdown_LetsRunningListenerFinish_CommitsFinalOffsets_ThenUnregisters()
    {
        var (nameServer, broker) = Cluster("G7");
        await using var _n = nameServer;
        await using var _b = broker;
        broker.Append("T", 0, "x"u8.ToArray());
        broker.Append("T", 0, "y"u8.ToArray());
        var received = new ConcurrentQueue<MessageExt>();
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = TestOptions.For(nameServer) with { PersistOffsetInterval = TimeSpan.FromSeconds(30) };
        var consumer = new PushConsumer("G7", options)
        {
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
            PostSubscriptionWhenPull = false,
        };
        consumer.Subscribe("T");
        consumer.RegisterListener(async (messages, _) =>
        {
            foreach (var m in messages)
            {
                if (m.QueueOffset == 1)
                {
                    secondStarted.SetResult();
                    await Task.Delay(300);
                }

                received.Enqueue(m);
            }

            return ConsumeStatus.ConsumeSuccess;
        });
        await consumer.StartAsync();
        await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(8));
        await TestOptions.WaitUntilAsync(() => received.Any(m => m.QueueOffset == 0), "first message done");

        await consumer.ShutdownAsync();

        Assert.Equal(2, received.Count);
        var requests = broker.Requests.ToList();
        int commit = requests.FindLastIndex(r => r.Code == (int)RequestCode.UpdateConsumerOffset && r.GetExtField("topic") == "T");
        int unregister = requests.FindIndex(r => r.Code == (int)RequestCode.UnregisterClient);
        Assert.True(commit >= 0, "no 15 sent");
        Assert.True(requests[commit].IsOneway);
        Assert.Equal("2", requests[commit].GetExtField("commitOffset"));
        Assert.True(unregister > commit, "35 must follow the final 15");
        Assert.Equal("G7", requests[unregister].GetExtField("consumerGroup"));
        Assert.Null(CommandHeader.Decode<PullMessageRequestHeader>(broker.RequestsWithCode(RequestCode.PullMessage)[0]).Subscription);
    }

    private static List<MessageQueue> Topic(PushConsumer consumer) =>
        consumer.AssignedQueues.Where(q => q.Topic == "T").ToList();
}
