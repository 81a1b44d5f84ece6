using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>Our client library against a standalone node: what a RocketMQ user does every day.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ProduceConsumeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task PushConsumer_ReceivesEverySentMessage_WithTagsAndKeys()
    {
        var sent = await SendAsync("E2eTopic", 0, 60);

        var received = await ConsumeAsync("E2eTopic", "e2e-group", sent.Count);

        Assert.Equal(sent.Count, received.Count);
        foreach (var (body, message) in received)
        {
            Assert.Equal(sent[body].Tags, message.Tags);
            Assert.Equal(sent[body].Keys, message.Keys);
            Assert.Equal("E2eTopic", message.Topic);
        }
    }

    [Fact]
    public async Task OrderedSends_ArriveInOrder_OnTheirQueue()
    {
        await using var producer = new Producer("order-producer", _node.ClientOptions("order-p"));
        await producer.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            var result = await producer.SendAsync(new Message("OrderTopic", "t", Encoding.UTF8.GetBytes($"{i}")), (queues, _, _) => queues[0], null);
            Assert.Equal(i, result.QueueOffset);
        }

        await using var consumer = new PullConsumer("order-reader", _node.ClientOptions("order-c"));
        await consumer.StartAsync();
        var queue = (await consumer.FetchSubscribeMessageQueuesAsync("OrderTopic")).OrderBy(q => q.QueueId).First();
        var pulled = await consumer.PullAsync(queue, "*", 0, 32);

        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"{i}"), pulled.Messages.Select(m => Encoding.UTF8.GetString(m.Body)));
        Assert.Equal(30, pulled.NextBeginOffset);
    }

    [Fact]
    public async Task BinaryHeaders_ProduceAndPull_WorkLikeJson()
    {
        // Java's rocketmq.serialize.type=ROCKETMQ: every request (route, heartbeat, send, pull,
        // offsets) in the binary header layout, answered in kind.
        var options = (string name) => _node.ClientOptions(name) with { SerializeType = AkkaMq.Remoting.Protocol.SerializeType.RocketMq };
        await using var producer = new Producer("binary-producer", options("binary-p"));
        await producer.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            var result = await producer.SendAsync(new Message("BinaryTopic", "bin", Encoding.UTF8.GetBytes($"b{i}")) { Keys = $"key-{i}" }, (queues, _, _) => queues[0], null);
            Assert.Equal(SendStatus.SendOk, result.Status);
            Assert.Equal(i, result.QueueOffset);
        }

        var consumer = new PullConsumer("binary-reader", options("binary-c"));
        await consumer.StartAsync();
        var queue = (await consumer.FetchSubscribeMessageQueuesAsync("BinaryTopic")).OrderBy(q => q.QueueId).First();
        var pulled = await consumer.PullAsync(queue, "bin", 0, 32);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"b{i}"), pulled.Messages.Select(m => Encoding.UTF8.GetString(m.Body)));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"key-{i}"), pulled.Messages.Select(m => m.Keys));
        await consumer.UpdateConsumeOffsetAsync(queue, 20);
        await consumer.DisposeAsync();

        await using var next = new PullConsumer("binary-reader", options("binary-c2"));
        await next.StartAsync();
        Assert.Equal(20, await next.FetchConsumeOffsetAsync(queue));
    }

    [Fact]
    public async Task BatchSend_StoresEachMessage()
    {
        await using var producer = new Producer("batch-producer", _node.ClientOptions("batch-p"));
        await producer.StartAsync();
        var batch = Enumerable.Range(0, 10).Select(i => new Message("BatchTopic", "b", Encoding.UTF8.GetBytes($"batch-{i}")) { Keys = $"bk-{i}" }).ToList();

        var result = await producer.SendBatchAsync(batch);
        Assert.Equal(SendStatus.SendOk, result.Status);

        var received = await ConsumeAsync("BatchTopic", "batch-group", 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"batch-{i}").Order(), received.Keys.Order());
    }

    [Fact]
    public async Task CommittedOffsets_SurviveNodeRestart()
    {
        var first = await SendAsync("RestartTopic", 0, 20);
        var firstRun = await ConsumeAsync("RestartTopic", "restart-group", first.Count);
        Assert.Equal(first.Count, firstRun.Count);

        await _node.RestartAsync();
        var second = await SendAsync("RestartTopic", 20, 10);
        var secondRun = await ConsumeAsync("RestartTopic", "restart-group", second.Count, settle: TimeSpan.FromSeconds(2));

        Assert.Equal(second.Keys.Order(), secondRun.Keys.Order());
    }

    [Fact]
    public async Task UnknownTopic_WithoutRoute_FailsSendWithClearError()
    {
        await using var consumer = new PullConsumer("nobody", _node.ClientOptions("no-route"));
        await consumer.StartAsync();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => consumer.FetchSubscribeMessageQueuesAsync("NoSuchTopic"));

        Assert.Contains("NoSuchTopic", e.Message);
    }

    private async Task<Dictionary<string, (string Tags, string Keys)>> SendAsync(string topic, int from, int count)
    {
        await using var producer = new Producer("e2e-producer", _node.ClientOptions("p"));
        await producer.StartAsync();
        var sent = new Dictionary<string, (string, string)>();
        for (var i = from; i < from + count; i++)
        {
            var tags = i % 2 == 0 ? "even" : "odd";
            var message = new Message(topic, tags, Encoding.UTF8.GetBytes($"body-{i}")) { Keys = $"key-{i}" };
            var result = await producer.SendAsync(message);
            Assert.Equal(SendStatus.SendOk, result.Status);
            sent[$"body-{i}"] = (tags, $"key-{i}");
        }

        return sent;
    }

    /// <summary>Consumes until <paramref name="expected"/> distinct bodies arrived, then waits <paramref name="settle"/> for extras.</summary>
    private async Task<ConcurrentDictionary<string, MessageExt>> ConsumeAsync(string topic, string group, int expected, TimeSpan? settle = null)
    {
        var received = new ConcurrentDictionary<string, MessageExt>();
        var duplicates = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var consumer = new PushConsumer(group, _node.ClientOptions("c")))
        {
            consumer.ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset;
            consumer.Subscribe(topic);
            consumer.RegisterListener((messages, _) =>
            {
                foreach (var m in messages)
                {
                    if (!received.TryAdd(Encoding.UTF8.GetString(m.Body), m))
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                }

                if (received.Count >= expected)
                {
                    all.TrySetResult();
                }

                return Task.FromResult(ConsumeStatus.ConsumeSuccess);
            });
            await consumer.StartAsync();
            await all.Task.WaitAsync(Patience);
            if (settle is { } wait)
            {
                await Task.Delay(wait);
            }
        }

        Assert.Equal(0, duplicates);
        return received;
    }
}
