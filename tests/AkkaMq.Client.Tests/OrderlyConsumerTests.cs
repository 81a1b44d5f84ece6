using System.Collections.Concurrent;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class OrderlyConsumerTests
{
    private static PushConsumer Orderly(FakeNameServer nameServer, string group, ConcurrentQueue<MessageExt> received, Func<MessageExt, ConsumeOrderlyStatus>? decide = null)
    {
        var consumer = new PushConsumer(group, TestOptions.For(nameServer))
        {
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
            LockRenewInterval = TimeSpan.FromMilliseconds(200),
        };
        consumer.Subscribe("T");
        consumer.RegisterOrderlyListener(async (messages, _) =>
        {
            await Task.Delay(Random.Shared.Next(0, 5));
            foreach (var message in messages)
            {
                var status = decide?.Invoke(message) ?? ConsumeOrderlyStatus.Success;
                if (status != ConsumeOrderlyStatus.Success)
                {
                    return status;
                }

                received.Enqueue(message);
            }

            return ConsumeOrderlyStatus.Success;
        });
        return consumer;
    }

    private static List<PullMessageRequestHeader> Pulls(FakeBroker broker) =>
        broker.RequestsWithCode(RequestCode.PullMessage).Select(r => CommandHeader.Decode<PullMessageRequestHeader>(r)).Where(h => h.Topic == "T").ToList();

    [Fact]
    public async Task Orderly_LocksBeforePulling_DeliversInQueueOrder_AndUnlocksOnShutdown()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        nameServer.AddTopic("%RETRY%GO", 1, 6, broker);
        for (int i = 0; i < 30; i++)
        {
            broker.Append("T", 0, [(byte)i]);
        }

        var received = new ConcurrentQueue<MessageExt>();
        int suspended = 0;
        var consumer = Orderly(nameServer, "GO", received, m => m.QueueOffset == 5 && Interlocked.Increment(ref suspended) == 1
            ? ConsumeOrderlyStatus.SuspendCurrentQueueAMoment
            : ConsumeOrderlyStatus.Success);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => received.Count == 30, "30 messages");
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), received.Select(m => m.QueueOffset));
        var requests = broker.Requests.ToList();
        int firstLock = requests.FindIndex(r => r.Code == (int)RequestCode.LockBatchMq);
        int firstPull = requests.FindIndex(r => r.Code == (int)RequestCode.PullMessage && r.GetExtField("topic") == "T");
        Assert.True(firstLock >= 0 && firstLock < firstPull, "41 must precede the first pull");
        await TestOptions.WaitUntilAsync(() => broker.RequestsWithCode(RequestCode.LockBatchMq).Count >= 3, "lock renewals");

        await consumer.ShutdownAsync();

        Assert.NotEmpty(broker.RequestsWithCode(RequestCode.UnlockBatchMq));
        Assert.Empty(broker.Locks);
        Assert.Equal(30, broker.Offsets[("GO", "T", 0)]);
    }

    [Fact]
    public async Task Orderly_SkipsQueueLockedByAnotherClient_UntilItIsFree()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 2, 6, broker);
        nameServer.AddTopic("%RETRY%GL2", 1, 6, broker);
        broker.Locks[("GL2", new MessageQueue("T", "broker-a", 1))] = "someone-else";
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = Orderly(nameServer, "GL2", received);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => Pulls(broker).Count >= 1, "pull of queue 0");
        await Task.Delay(300);
        Assert.All(Pulls(broker), h => Assert.Equal(0, h.QueueId));
        Assert.DoesNotContain(consumer.AssignedQueues, q => q.Topic == "T" && q.QueueId == 1);

        broker.Locks.Clear();
        await TestOptions.WaitUntilAsync(() => Pulls(broker).Any(h => h.QueueId == 1), "pull of queue 1 once free");
    }
}
