using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class PushConsumerStartTests
{
    private static PushConsumer Start(FakeNameServer nameServer, string group, ConsumeFromWhere from, ConcurrentQueue<MessageExt> received, Func<Task>? gate = null)
    {
        var consumer = new PushConsumer(group, TestOptions.For(nameServer)) { ConsumeFromWhere = from };
        consumer.Subscribe("T");
        consumer.RegisterListener(async (messages, _) =>
        {
            if (gate is not null)
            {
                await gate();
            }

            foreach (var message in messages)
            {
                received.Enqueue(message);
            }

            return ConsumeStatus.ConsumeSuccess;
        });
        return consumer;
    }

    private static List<PullMessageRequestHeader> Pulls(FakeBroker broker, string topic) =>
        broker.RequestsWithCode(RequestCode.PullMessage)
            .Select(r => CommandHeader.Decode<PullMessageRequestHeader>(r))
            .Where(h => h.Topic == topic)
            .ToList();

    [Fact]
    public async Task LastOffset_StartsAtMaxOffset_ButRetryTopicAtZero()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        nameServer.AddTopic("%RETRY%GL", 1, 6, broker);
        broker.Append("T", 0, "old"u8.ToArray());
        broker.Append("T", 0, "old"u8.ToArray());
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Start(nameServer, "GL", ConsumeFromWhere.ConsumeFromLastOffset, received);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => Pulls(broker, "T").Count > 0 && Pulls(broker, "%RETRY%GL").Count > 0, "first pulls");
        Assert.Equal(2, Pulls(broker, "T")[0].QueueOffset);
        Assert.Equal(0, Pulls(broker, "%RETRY%GL")[0].QueueOffset);
        Assert.Contains(broker.RequestsWithCode(RequestCode.GetMaxOffset), r => r.GetExtField("topic") == "T");
        broker.Append("T", 0, "new"u8.ToArray());
        await TestOptions.WaitUntilAsync(() => received.Count == 1, "the new message");
        Assert.Equal("new", Encoding.UTF8.GetString(received.Single().Body));
    }

    [Fact]
    public async Task CommittedOffset_WinsOverConsumeFromWhere()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        for (int i = 0; i < 5; i++)
        {
            broker.Append("T", 0, [(byte)i]);
        }

        broker.Offsets[("GC", "T", 0)] = 3;
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Start(nameServer, "GC", ConsumeFromWhere.ConsumeFromFirstOffset, received);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => received.Count == 2, "messages 3 and 4");
        Assert.Equal([3L, 4L], received.Select(m => m.QueueOffset).Order());
    }

    [Fact]
    public async Task FlowControl_StopsPulling_WhileTooManyMessagesAreCached()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        for (int i = 0; i < 20; i++)
        {
            broker.Append("T", 0, [(byte)i]);
        }

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Start(nameServer, "GF", ConsumeFromWhere.ConsumeFromFirstOffset, received, () => release.Task);
        consumer.PullBatchSize = 5;
        consumer.PullThresholdForQueue = 3;
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => Pulls(broker, "T").Count >= 1, "first pull");
        await Task.Delay(400);
        Assert.Single(Pulls(broker, "T"));

        release.SetResult();
        await TestOptions.WaitUntilAsync(() => received.Count == 20, "all 20 after release");
        Assert.True(Pulls(broker, "T").Count >= 4);
    }
}
