using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Delayed and retried messages across a node restart: each one arrives exactly once, not before it
/// is due. Every delay level is shortened to <see cref="Delay"/> through <c>message-delay-levels</c>
/// (a one-entry list: every level waits as long as the last one listed).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class DelayRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync("akkamq.broker.message-delay-levels = [6s]");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task DelayedMessages_SentBeforeARestart_ArriveOnceEach_AfterTheirDelay()
    {
        await CreateTopicAsync("DelayTopic", 2);
        var sent = new HashSet<string>();
        await using (var producer = await StartProducerAsync())
        {
            for (int i = 0; i < 12; i++)
            {
                var message = new Message("DelayTopic", Encoding.UTF8.GetBytes("delayed-" + i)) { DelayTimeLevel = 1 + (i % 3) };
                await producer.SendAsync(message);
                sent.Add("delayed-" + i);
            }
        }

        Assert.Equal(0, await VisibleAsync("DelayTopic"));
        await _node.RestartAsync();

        var received = new ConcurrentQueue<MessageExt>();
        await using (var consumer = await StartConsumerAsync("delay-group", "DelayTopic", (m, _) =>
        {
            received.Enqueue(m);
            return ConsumeStatus.ConsumeSuccess;
        }))
        {
            await WaitForAsync(() => received.Count >= sent.Count, "all delayed messages");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(sent.OrderBy(b => b, StringComparer.Ordinal), received.Select(Body).Order(StringComparer.Ordinal));
        foreach (var message in received)
        {
            Assert.True(message.StoreTimestamp - message.BornTimestamp >= Delay.TotalMilliseconds, $"{Body(message)} arrived {message.StoreTimestamp - message.BornTimestamp} ms after its send");
            Assert.Null(message.GetProperty(MessageProperty.DelayTimeLevel));
            Assert.Equal("DelayTopic", message.Topic);
        }
    }

    [Fact]
    public async Task DelayedMessages_FallingDueWhileTheNodeStops_ArriveOnceEach()
    {
        await using var node = await NodeFixture.StartAsync("akkamq.broker.message-delay-levels = [1s]");
        await using (var admin = new AdminClient(node.ClientOptions("admin")))
        {
            await admin.CreateOrUpdateTopicAsync(node.BrokerAddress, new TopicConfigOptions("DueTopic") { ReadQueueNums = 2, WriteQueueNums = 2 });
        }

        var sent = new List<string>();
        await using (var producer = new Producer("due-producer", node.ClientOptions("due-p")))
        {
            await producer.StartAsync();
            for (int i = 0; i < 40; i++)
            {
                await producer.SendAsync(new Message("DueTopic", Encoding.UTF8.GetBytes("due-" + i)) { DelayTimeLevel = 1 });
                sent.Add("due-" + i);
                await Task.Delay(40);
            }
        }

        // The first messages are delivered by now, later ones fall due during the stop or after the start.
        await node.RestartAsync();

        var received = new ConcurrentQueue<string>();
        await using (var consumer = new PushConsumer("due-group", node.ClientOptions("due-group")) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset })
        {
            consumer.Subscribe("DueTopic");
            consumer.RegisterListener((messages, _) =>
            {
                foreach (var m in messages)
                {
                    received.Enqueue(Body(m));
                }

                return Task.FromResult(ConsumeStatus.ConsumeSuccess);
            });
            await consumer.StartAsync();
            await WaitForAsync(() => received.Count >= sent.Count, "every delayed message");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        Assert.Equal(sent.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MessagesInRetry_DuringARestart_AreRedeliveredOnce_AndTheTooOftenFailedGoToTheDlq()
    {
        const string Group = "retry-group";
        await CreateTopicAsync("RetryTopic", 2);
        var bodies = Enumerable.Range(0, 8).Select(i => (i % 4 == 0 ? "poison-" : "retry-") + i).ToList();
        await using (var producer = await StartProducerAsync())
        {
            foreach (var body in bodies)
            {
                await producer.SendAsync(new Message("RetryTopic", Encoding.UTF8.GetBytes(body)));
            }
        }

        // First life: every message fails once and is sent back to the retry topic (parked for its delay).
        var firstTries = new ConcurrentQueue<MessageExt>();
        await using (var consumer = await StartConsumerAsync(Group, "RetryTopic", (m, _) =>
        {
            firstTries.Enqueue(m);
            return ConsumeStatus.ReconsumeLater;
        }))
        {
            await WaitForAsync(() => firstTries.Count >= bodies.Count, "first deliveries");
            await WaitForAsync(async () => await LagAsync(Group, "RetryTopic") == 0, "send-backs committed");
        }

        Assert.Equal(0, await VisibleAsync("%RETRY%" + Group));
        await _node.RestartAsync();

        // Second life: the retried copies arrive once each; the poison ones fail again and, past
        // max reconsume times (1), go to the dead-letter queue.
        var secondTries = new ConcurrentQueue<MessageExt>();
        await using (var consumer = await StartConsumerAsync(Group, "RetryTopic", (m, _) =>
        {
            secondTries.Enqueue(m);
            return Body(m).StartsWith("poison-", StringComparison.Ordinal) ? ConsumeStatus.ReconsumeLater : ConsumeStatus.ConsumeSuccess;
        }))
        {
            await WaitForAsync(() => secondTries.Count >= bodies.Count, "redeliveries");
            await WaitForAsync(async () => await VisibleAsync("%DLQ%" + Group) >= 2, "dead letters");
            await Task.Delay(Delay + TimeSpan.FromSeconds(1));
        }

        Assert.Equal(bodies.Order(StringComparer.Ordinal), firstTries.Select(Body).Order(StringComparer.Ordinal));
        Assert.Equal(bodies.Order(StringComparer.Ordinal), secondTries.Select(Body).Order(StringComparer.Ordinal));
        Assert.All(firstTries, m => Assert.Equal(0, m.ReconsumeTimes));
        Assert.All(secondTries, m => Assert.Equal(1, m.ReconsumeTimes));
        Assert.All(secondTries, m => Assert.Equal("RetryTopic", m.Topic));
        Assert.All(secondTries, m => Assert.True(m.StoreTimestamp - m.BornTimestamp >= Delay.TotalMilliseconds));

        var dead = await ReadAllAsync("%DLQ%" + Group);
        Assert.Equal(bodies.Where(b => b.StartsWith("poison-", StringComparison.Ordinal)).Order(StringComparer.Ordinal), dead.Select(Body).Order(StringComparer.Ordinal));
        Assert.All(dead, m => Assert.Equal("RetryTopic", m.GetProperty(MessageProperty.RetryTopic)));
        Assert.All(dead, m => Assert.Equal(2, m.ReconsumeTimes));
    }

    private static string Body(MessageExt message) => Encoding.UTF8.GetString(message.Body);

    private async Task CreateTopicAsync(string topic, int queues)
    {
        await using var admin = new AdminClient(_node.ClientOptions("admin"));
        await admin.CreateOrUpdateTopicAsync(_node.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = queues, WriteQueueNums = queues });
    }

    /// <summary>Messages stored in <paramref name="topic"/>'s queues (0 when the topic does not exist yet).</summary>
    private async Task<long> VisibleAsync(string topic)
    {
        await using var admin = new AdminClient(_node.ClientOptions("admin"));
        try
        {
            var stats = await admin.GetTopicStatsAsync(topic);
            return stats.OffsetTable.Values.Sum(o => o.MaxOffset - o.MinOffset);
        }
        catch (MQBrokerException)
        {
            return 0;
        }
    }

    private async Task<long> LagAsync(string group, string topic)
    {
        await using var admin = new AdminClient(_node.ClientOptions("admin"));
        var stats = await admin.GetConsumeStatsAsync(group, topic);
        return stats.OffsetTable.Count == 0 ? long.MaxValue : stats.OffsetTable.Values.Sum(o => o.BrokerOffset - o.ConsumerOffset);
    }

    private async Task<List<MessageExt>> ReadAllAsync(string topic)
    {
        await using var consumer = new PullConsumer("dlq-reader", _node.ClientOptions("dlq"));
        await consumer.StartAsync();
        var all = new List<MessageExt>();
        foreach (var queue in await consumer.FetchSubscribeMessageQueuesAsync(topic))
        {
            var result = await consumer.PullAsync(queue, "*", 0, 32);
            all.AddRange(result.Messages);
        }

        return all;
    }

    private async Task<Producer> StartProducerAsync()
    {
        var producer = new Producer("delay-producer", _node.ClientOptions("delay-p"));
        await producer.StartAsync();
        return producer;
    }

    private async Task<PushConsumer> StartConsumerAsync(string group, string topic, Func<MessageExt, ConsumeContext, ConsumeStatus> listener)
    {
        var consumer = new PushConsumer(group, _node.ClientOptions(group))
        {
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
            MaxReconsumeTimes = 1,
        };
        consumer.Subscribe(topic);
        consumer.RegisterListener((messages, context) =>
        {
            var status = ConsumeStatus.ConsumeSuccess;
            foreach (var message in messages)
            {
                if (listener(message, context) == ConsumeStatus.ReconsumeLater)
                {
                    status = ConsumeStatus.ReconsumeLater;
                }
            }

            return Task.FromResult(status);
        });
        await consumer.StartAsync();
        return consumer;
    }

    private static Task WaitForAsync(Func<bool> done, string what) => WaitForAsync(() => Task.FromResult(done()), what);

    private static async Task WaitForAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
