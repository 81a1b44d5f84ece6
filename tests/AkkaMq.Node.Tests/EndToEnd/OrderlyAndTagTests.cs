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
        const int queueCount = 4;
        const int orders = 8;
        const int stepsPerOrder = 25;
        await CreateTopicAsync(topic, queueCount);

        var log = new ConcurrentQueue<(string Consumer, int QueueId, int Order, int Step)>();
        var ends = new ConcurrentDictionary<int, string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var first = StartOrderly("orderly-a", topic, log, done, orders * stepsPerOrder, ends, ended, queueCount);
        await using var second = StartOrderly("orderly-b", topic, log, done, orders * stepsPerOrder, ends, ended, queueCount);
        await first.StartAsync();
        await second.StartAsync();

        // Both members known: each holds half of the queues. An orderly consumer takes a queue
        // only once the broker has locked it for it, so the halves are also the locks.
        await WaitUntilAsync(
            () => Holds(first, topic) is { Count: queueCount / 2 } a && Holds(second, topic) is { Count: queueCount / 2 } b && !a.Overlaps(b),
            () => $"queues not split: orderly-a holds [{string.Join(", ", Holds(first, topic))}], orderly-b [{string.Join(", ", Holds(second, topic))}]");

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

        // One last message per queue: each queue is consumed in order, so a duplicate of anything
        // before it would have been delivered before it.
        for (int queue = 0; queue < queueCount; queue++)
        {
            var sent = await producer.SendAsync(new Message(topic, "o", Encoding.UTF8.GetBytes($"end:{queue}")), (all, _, arg) => all[(int)arg! % all.Count], queue);
            Assert.Equal(SendStatus.SendOk, sent.Status);
        }

        await ended.Task.WaitAsync(Patience);

        var received = log.ToArray();
        Assert.Equal(orders * stepsPerOrder, received.Length);
        foreach (var byOrder in received.GroupBy(r => r.Order))
        {
            Assert.Equal(Enumerable.Range(0, stepsPerOrder), byOrder.Select(r => r.Step));
        }

        foreach (var byQueue in received.GroupBy(r => r.QueueId))
        {
            Assert.Equal(ends[byQueue.Key], Assert.Single(byQueue.Select(r => r.Consumer).Distinct()));
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

    /// <param name="ends">Queue → the consumer that got its end marker (<c>end:queue</c>); <paramref name="ended"/> is set once every queue's arrived.</param>
    private PushConsumer StartOrderly(
        string instance, string topic, ConcurrentQueue<(string, int, int, int)> log, TaskCompletionSource done, int expected,
        ConcurrentDictionary<int, string> ends, TaskCompletionSource ended, int queues)
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
                if (parts[0] == "end")
                {
                    ends.TryAdd(context.MessageQueue.QueueId, instance);
                    if (ends.Count == queues)
                    {
                        ended.TrySetResult();
                    }

                    continue;
                }

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

    private static HashSet<int> Holds(PushConsumer consumer, string topic) =>
        [.. consumer.AssignedQueues.Where(q => q.Topic == topic).Select(q => q.QueueId)];

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(20);
        }
    }

    private async Task CreateTopicAsync(string topic, int queues)
    {
        await using var admin = new AdminClient(_node.ClientOptions("topic-admin"));
        await admin.CreateOrUpdateTopicAsync(_node.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = queues, WriteQueueNums = queues });
    }
}
