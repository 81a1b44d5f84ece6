using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Ordered consumption and tag filtering through our client against a standalone node: an
/// orderly group shares the queues so that each queue has exactly one owner, per-order sequence
/// is kept end to end, and a tag subscription gets exactly the messages with its tags.
/// </summary>
public sealed class OrderlyAndTagTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task OrderlyGroup_EachQueueHasOneOwner_AndEveryOrderArrivesInSequence()
    {
        const string topic = "OrderlyTopic";
        const int orders = 8;
        const int stepsPerOrder = 25;
        await CreateTopicAsync(topic, queues: 4);

        var log = new ConcurrentQueue<(string Consumer, int QueueId, int Order, int Step)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var first = StartOrderly("orderly-a", topic, log, done, orders * stepsPerOrder);
        await using var second = StartOrderly("orderly-b", topic, log, done, orders * stepsPerOrder);
        await first.StartAsync();
        await second.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // both members known: the queues are split and locked

        await using var producer = new Producer("orderly-producer", _node.ClientOptions("orderly-p"));
        await producer.StartAsync();
        for (int step = 0; step < stepsPerOrder; step++)
        {
            for (int order = 0; order < orders; order++)
            {
                var message = new Message(topic, "o", Encoding.UTF8.GetBytes($"{order}:{step}")) { Keys = $"order-{order}" };
                var sent = await producer.SendAsync(message, (queues, _, arg) => queues[(int)arg! % queues.Count], order);
                Assert.Equal(SendStatus.SendOk, sent.Status);
            }
        }

        await done.Task.WaitAsync(Patience);
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a duplicate to show up

        var received = log.ToArray();
        Assert.Equal(orders * stepsPerOrder, received.Length);
        foreach (var byOrder in received.GroupBy(r => r.Order))
        {
            Assert.Equal(Enumerable.Range(0, stepsPerOrder), byOrder.Select(r => r.Step));
        }

        foreach (var byQueue in received.GroupBy(r => r.QueueId))
        {
            Assert.Single(byQueue.Select(r => r.Consumer).Distinct());
        }

        Assert.Equal(2, received.Select(r => r.Consumer).Distinct().Count());
    }

    [Fact]
    public async Task TagSubscription_ReceivesExactlyTheMessagesWithItsTags()
    {
        const string topic = "TagTopic";
        await CreateTopicAsync(topic, queues: 4);
        await using var producer = new Producer("tag-producer", _node.ClientOptions("tag-p"));
        await producer.StartAsync();
        string[] tags = ["TagA", "TagB", "TagC"];
        for (int i = 0; i < 60; i++)
        {
            var sent = await producer.SendAsync(new Message(topic, tags[i % 3], Encoding.UTF8.GetBytes($"m{i}")));
            Assert.Equal(SendStatus.SendOk, sent.Status);
        }

        var received = new ConcurrentDictionary<string, string>();
        var duplicates = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var consumer = new PushConsumer("tag-group", _node.ClientOptions("tag-c")))
        {
            consumer.ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset;
            consumer.Subscribe(topic, "TagA || TagC");
            consumer.RegisterListener((messages, _) =>
            {
                foreach (var m in messages)
                {
                    if (!received.TryAdd(Encoding.UTF8.GetString(m.Body), m.Tags ?? string.Empty))
                    {
                        Interlocked.Increment(ref duplicates);
                    }
                }

                if (received.Count >= 40)
                {
                    all.TrySetResult();
                }

                return Task.FromResult(ConsumeStatus.ConsumeSuccess);
            });
            await consumer.StartAsync();
            await all.Task.WaitAsync(Patience);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var expected = Enumerable.Range(0, 60).Where(i => i % 3 != 1).Select(i => $"m{i}").Order();
        Assert.Equal(expected, received.Keys.Order());
        Assert.All(received.Values, t => Assert.Contains(t, new[] { "TagA", "TagC" }));
        Assert.Equal(0, duplicates);
    }

    private PushConsumer StartOrderly(
        string instance, string topic, ConcurrentQueue<(string, int, int, int)> log, TaskCompletionSource done, int expected)
    {
        var consumer = new PushConsumer("orderly-group", _node.ClientOptions(instance))
        {
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
        };
        consumer.Subscribe(topic);
        consumer.RegisterOrderlyListener((messages, context) =>
        {
            foreach (var m in messages)
            {
                var parts = Encoding.UTF8.GetString(m.Body).Split(':');
                log.Enqueue((instance, context.MessageQueue.QueueId, int.Parse(parts[0]), int.Parse(parts[1])));
            }

            if (log.Count >= expected)
            {
                done.TrySetResult();
            }

            return Task.FromResult(ConsumeOrderlyStatus.Success);
        });
        return consumer;
    }

    private async Task CreateTopicAsync(string topic, int queues)
    {
        await using var admin = new AdminClient(_node.ClientOptions("topic-admin"));
        await admin.CreateOrUpdateTopicAsync(_node.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = queues, WriteQueueNums = queues });
    }
}
