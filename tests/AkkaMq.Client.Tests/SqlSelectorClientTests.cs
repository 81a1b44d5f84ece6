using System.Collections.Concurrent;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class SqlSelectorClientTests
{
    private static PushConsumer NewConsumer(FakeNameServer nameServer, string group, ConcurrentQueue<MessageExt> received)
    {
        var consumer = new PushConsumer(group, TestOptions.For(nameServer)) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe("T", MessageSelector.BySql("a > 5"));
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var message in messages)
            {
                received.Enqueue(message);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        return consumer;
    }

    [Fact]
    public void Selectors_CarryTheirTypeAndExpression()
    {
        Assert.Equal("SQL92", MessageSelector.BySql(" a > 5 ").ExpressionType);
        Assert.Equal("a > 5", MessageSelector.BySql(" a > 5 ").Expression);
        Assert.Equal("*", MessageSelector.ByTag(null).Expression);
        Assert.False(MessageSelector.ByTag("x || y").IsSql92);
        Assert.Throws<ArgumentException>(() => MessageSelector.BySql("  "));
    }

    [Fact]
    public async Task Sql92Subscription_IsCheckedBeforeTheHeartbeat_AndSentOnHeartbeatAndPull()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        nameServer.AddTopic("%RETRY%GS", 1, 6, broker);
        broker.Append("T", 0, "m"u8.ToArray(), new() { ["TAGS"] = "Unrelated", ["a"] = "9" });
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = NewConsumer(nameServer, "GS", received);
        await consumer.StartAsync();

        // The broker did the SQL92 selection; the client's tag re-check must not drop what it sent.
        await TestOptions.WaitUntilAsync(() => received.Count == 1, "the selected message");

        var requests = broker.Requests.ToList();
        int check = requests.FindIndex(r => r.Code == (int)RequestCode.CheckClientConfig);
        int heartbeat = requests.FindIndex(r => r.Code == (int)RequestCode.HeartBeat);
        Assert.InRange(check, 0, heartbeat);
        var body = CheckClientRequestBody.Decode(requests[check].Body.Span);
        Assert.Equal("GS", body.Group);
        Assert.Equal("SQL92", body.SubscriptionData!.ExpressionType);
        Assert.Equal("a > 5", body.SubscriptionData.SubString);

        var sent = HeartbeatData.Decode(requests[heartbeat].Body.Span);
        var subscription = Assert.Single(sent.ConsumerDataSet[0].SubscriptionDataSet, s => s.Topic == "T");
        Assert.Equal("SQL92", subscription.ExpressionType);
        Assert.Empty(subscription.TagsSet);

        var pull = broker.RequestsWithCode(RequestCode.PullMessage)
            .Select(r => CommandHeader.Decode<PullMessageRequestHeader>(r))
            .First(h => h.Topic == "T");
        Assert.Equal("SQL92", pull.ExpressionType);
        Assert.Equal("a > 5", pull.Subscription);
    }

    [Fact]
    public async Task Start_FailsWithTheBrokersReason_WhenTheSelectorDoesNotParse()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        nameServer.AddTopic("%RETRY%GB", 1, 6, broker);
        broker.Override = request => request.Code == (int)RequestCode.CheckClientConfig
            ? request.CreateResponse(ResponseCode.SubscriptionParseFailed, "Invalid SQL92 expression: Encountered \"<EOF>\" at line 1, column 4")
            : null;
        var consumer = NewConsumer(nameServer, "GB", new ConcurrentQueue<MessageExt>());
        await using (consumer)
        {
            var error = await Assert.ThrowsAsync<MQClientException>(() => consumer.StartAsync());
            Assert.Equal((int)ResponseCode.SubscriptionParseFailed, error.ResponseCode);
            Assert.Contains("column 4", error.Message, StringComparison.Ordinal);
            Assert.Empty(broker.RequestsWithCode(RequestCode.PullMessage));
        }

        // The failed consumer released its group: a corrected one can start.
        broker.Override = null;
        await using var fixedConsumer = new PushConsumer("GB", TestOptions.For(nameServer));
        fixedConsumer.Subscribe("T", MessageSelector.BySql("a > 5"));
        fixedConsumer.RegisterListener((_, _) => Task.FromResult(ConsumeStatus.ConsumeSuccess));
        await fixedConsumer.StartAsync();
    }

    [Fact]
    public async Task PullConsumer_SendsTheSqlSelector()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        broker.Append("T", 0, "m"u8.ToArray(), new() { ["TAGS"] = "X", ["b"] = "1" });
        await using var consumer = new PullConsumer("PS", TestOptions.For(nameServer));
        await consumer.StartAsync();
        var queue = (await consumer.FetchSubscribeMessageQueuesAsync("T"))[0];

        var result = await consumer.PullAsync(queue, MessageSelector.BySql("b = 1"), 0, 32);
        Assert.Single(result.Messages);
        var header = CommandHeader.Decode<PullMessageRequestHeader>(broker.RequestsWithCode(RequestCode.PullMessage)[0]);
        Assert.Equal("SQL92", header.ExpressionType);
        Assert.Equal("b = 1", header.Subscription);
    }
}
