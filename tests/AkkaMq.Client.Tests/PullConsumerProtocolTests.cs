using System.Diagnostics;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class PullConsumerProtocolTests
{
    [Fact]
    public async Task Pull_MapsStatuses_AndDecodesMessages()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 2, 6, broker);
        broker.Append("T", 1, "a"u8.ToArray(), new() { ["TAGS"] = "TagA" });
        broker.Append("T", 1, "b"u8.ToArray(), new() { ["TAGS"] = "TagB" });
        await using var consumer = new PullConsumer("PC", TestOptions.For(nameServer));
        await consumer.StartAsync();

        var queues = await consumer.FetchSubscribeMessageQueuesAsync("T");
        Assert.Equal([0, 1], queues.Select(q => q.QueueId));
        var queue = queues[1];

        var found = await consumer.PullAsync(queue, "*", 0, 32);
        Assert.Equal(PullStatus.Found, found.Status);
        Assert.Equal(2, found.NextBeginOffset);
        Assert.Equal(2, found.MaxOffset);
        Assert.Equal([0L, 1L], found.Messages.Select(m => m.QueueOffset));

        var filtered = await consumer.PullAsync(queue, "TagB", 0, 32);
        Assert.Equal("TagB", Assert.Single(filtered.Messages).Tags);

        Assert.Equal(PullStatus.NoNewMsg, (await consumer.PullAsync(queue, "*", 2, 32)).Status);
        var illegal = await consumer.PullAsync(queue, "*", 9, 32);
        Assert.Equal(PullStatus.OffsetIllegal, illegal.Status);
        Assert.Equal(2, illegal.NextBeginOffset);

        var header = CommandHeader.Decode<PullMessageRequestHeader>(broker.RequestsWithCode(RequestCode.PullMessage)[1]);
        Assert.Equal(0x4, header.SysFlag);
        Assert.Equal("TagB", header.Subscription);
        Assert.Equal(0, header.SuspendTimeoutMillis);
    }

    [Fact]
    public async Task PullBlockIfNotFound_WaitsForTheBroker()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        await using var consumer = new PullConsumer("PC", TestOptions.For(nameServer)) { BrokerSuspendMaxTime = TimeSpan.FromMilliseconds(2000) };
        await consumer.StartAsync();
        var queue = (await consumer.FetchSubscribeMessageQueuesAsync("T"))[0];

        var watch = Stopwatch.StartNew();
        var pending = consumer.PullBlockIfNotFoundAsync(queue, "*", 0, 32);
        await Task.Delay(200);
        broker.Append("T", 0, "late"u8.ToArray());
        var result = await pending;

        Assert.Equal(PullStatus.Found, result.Status);
        Assert.InRange(watch.ElapsedMilliseconds, 150, 1900);
        var header = CommandHeader.Decode<PullMessageRequestHeader>(Assert.Single(broker.RequestsWithCode(RequestCode.PullMessage)));
        Assert.Equal(0x6, header.SysFlag);
        Assert.Equal(2000, header.SuspendTimeoutMillis);
    }

    [Fact]
    public async Task Offsets_AreReadFromBroker_AndCommittedOnShutdown()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var options = TestOptions.For(nameServer) with { PersistOffsetInterval = TimeSpan.FromSeconds(30) };
        var consumer = new PullConsumer("PC", options);
        await consumer.StartAsync();
        var queue = new MessageQueue("T", "broker-a", 0);
        await consumer.FetchSubscribeMessageQueuesAsync("T");

        Assert.Equal(-1, await consumer.FetchConsumeOffsetAsync(queue));
        broker.Offsets[("PC", "T", 0)] = 5;
        Assert.Equal(5, await consumer.FetchConsumeOffsetAsync(queue));
        await consumer.UpdateConsumeOffsetAsync(queue, 9);
        Assert.Equal(9, await consumer.FetchConsumeOffsetAsync(queue, fromStore: false));

        await consumer.ShutdownAsync();
        await TestOptions.WaitUntilAsync(() => broker.Offsets[("PC", "T", 0)] == 9, "offset 9 committed");
        Assert.Single(broker.RequestsWithCode(RequestCode.UnregisterClient));
    }

    [Fact]
    public async Task LargeBodies_AreSentZlibCompressed_AndComeBackInflated()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var options = TestOptions.For(nameServer);
        await using var producer = new Producer("PG", options);
        await producer.StartAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compress me ", 500)));
        await producer.SendAsync(new Message("T", body));
        await using var consumer = new PullConsumer("PC", options with { InstanceName = "pull-" + Guid.NewGuid().ToString("N") });
        await consumer.StartAsync();

        var send = Assert.Single(broker.RequestsWithCode(RequestCode.SendMessageV2));
        Assert.Equal("769", send.GetExtField("f"));
        Assert.True(send.Body.Length < body.Length / 4);
        var result = await consumer.PullAsync(new MessageQueue("T", "broker-a", 0), "*", 0, 1);
        Assert.Equal(body, Assert.Single(result.Messages).Body);
    }
}
