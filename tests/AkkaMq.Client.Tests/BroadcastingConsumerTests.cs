using System.Collections.Concurrent;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class BroadcastingConsumerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-offsets-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private PushConsumer NewConsumer(FakeNameServer nameServer, string instance, ConcurrentQueue<MessageExt> received, ConsumeStatus status = ConsumeStatus.ConsumeSuccess)
    {
        var consumer = new PushConsumer("GB", TestOptions.For(nameServer, instance))
        {
            MessageModel = MessageModel.Broadcasting,
            OffsetStoreDirectory = _dir,
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
        };
        consumer.Subscribe("T");
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var message in messages)
            {
                received.Enqueue(message);
            }

            return Task.FromResult(status);
        });
        return consumer;
    }

    [Fact]
    public async Task LocalOffsetFile_RoundTrips()
    {
        var file = new LocalOffsetFile(_dir, "127.0.0.1@a:b", "G");
        Assert.Empty(await file.LoadAsync(CancellationToken.None));
        var queue0 = new MessageQueue("T", "broker-a", 0);
        var queue1 = new MessageQueue("T", "broker-b", 3);
        await file.SaveAsync(new Dictionary<MessageQueue, long> { [queue0] = 12, [queue1] = 7 }, CancellationToken.None);

        Assert.StartsWith(_dir, file.Path, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("G", "offsets.json"), file.Path, StringComparison.Ordinal);
        var loaded = await new LocalOffsetFile(_dir, "127.0.0.1@a:b", "G").LoadAsync(CancellationToken.None);
        Assert.Equal(12, loaded[queue0]);
        Assert.Equal(7, loaded[queue1]);
        Assert.False(File.Exists(file.Path + ".tmp"));
    }

    [Fact]
    public async Task LocalOffsetFile_RefusesACorruptFile()
    {
        var file = new LocalOffsetFile(_dir, "c", "G");
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
        await File.WriteAllTextAsync(file.Path, "{\"offsetTable\": [ {\"topic\": 5");
        var error = await Assert.ThrowsAsync<MQClientException>(() => file.LoadAsync(CancellationToken.None));
        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryInstance_TakesEveryQueue_AndTellsTheBrokerItBroadcasts()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 4, 6, broker);
        for (int q = 0; q < 4; q++)
        {
            broker.Append("T", q, [(byte)q]);
        }

        var first = new ConcurrentQueue<MessageExt>();
        var second = new ConcurrentQueue<MessageExt>();
        await using var a = NewConsumer(nameServer, "a", first);
        await using var b = NewConsumer(nameServer, "b", second);
        await a.StartAsync();
        await b.StartAsync();

        await TestOptions.WaitUntilAsync(() => first.Count == 4 && second.Count == 4, "all four messages in both instances");
        Assert.Equal(4, a.AssignedQueues.Count);
        Assert.Equal(4, b.AssignedQueues.Count);
        Assert.DoesNotContain(a.AssignedQueues, q => q.Topic.StartsWith("%RETRY%", StringComparison.Ordinal));

        var heartbeat = HeartbeatData.Decode(broker.RequestsWithCode(RequestCode.HeartBeat)[0].Body.Span);
        var data = Assert.Single(heartbeat.ConsumerDataSet);
        Assert.Equal(MessageModel.Broadcasting, data.MessageModel);
        Assert.DoesNotContain(data.SubscriptionDataSet, s => s.Topic == "%RETRY%GB");
        Assert.Empty(broker.RequestsWithCode(RequestCode.GetConsumerListByGroup));
    }

    /// <summary>
    /// Offsets stay in the local file and a restart resumes from it; with the default instance
    /// name too, which becomes a different pid#nanotime in each process (each options object
    /// stands for a process), so the file must not be kept under that name.
    /// </summary>
    [Theory]
    [InlineData("r")]
    [InlineData("DEFAULT")]
    public async Task Offsets_StayLocal_AndARestartResumesFromThem(string instanceName)
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        for (int i = 0; i < 3; i++)
        {
            broker.Append("T", 0, [(byte)i]);
        }

        var received = new ConcurrentQueue<MessageExt>();
        var consumer = NewConsumer(nameServer, instanceName, received);
        await using (consumer)
        {
            await consumer.StartAsync();
            await TestOptions.WaitUntilAsync(() => received.Count == 3, "the first three messages");
        }

        Assert.Empty(broker.RequestsWithCode(RequestCode.UpdateConsumerOffset));
        Assert.Empty(broker.RequestsWithCode(RequestCode.QueryConsumerOffset));
        Assert.All(
            broker.RequestsWithCode(RequestCode.PullMessage).Select(r => CommandHeader.Decode<PullMessageRequestHeader>(r)),
            h => Assert.Equal(0, h.SysFlag & 0x1));

        broker.Append("T", 0, [3]);
        var again = new ConcurrentQueue<MessageExt>();
        await using var restarted = NewConsumer(nameServer, instanceName, again);
        await restarted.StartAsync();
        await TestOptions.WaitUntilAsync(() => !again.IsEmpty, "the message sent while stopped");
        await Task.Delay(300);
        Assert.Equal([3L], again.Select(m => m.QueueOffset));
        Assert.Single(Directory.GetDirectories(_dir));
    }

    [Fact]
    public async Task OrderlyBroadcasting_DeliversInOrder_WithoutBrokerLocks()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        for (int i = 0; i < 5; i++)
        {
            broker.Append("T", 0, [(byte)i]);
        }

        var received = new ConcurrentQueue<long>();
        await using var consumer = new PushConsumer("GO", TestOptions.For(nameServer, "o"))
        {
            MessageModel = MessageModel.Broadcasting,
            OffsetStoreDirectory = _dir,
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
        };
        consumer.Subscribe("T");
        consumer.RegisterOrderlyListener((messages, _) =>
        {
            foreach (var message in messages)
            {
                received.Enqueue(message.QueueOffset);
            }

            return Task.FromResult(ConsumeOrderlyStatus.Success);
        });
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => received.Count == 5, "five messages");
        Assert.Equal([0L, 1L, 2L, 3L, 4L], received);
        Assert.Empty(broker.RequestsWithCode(RequestCode.LockBatchMq));
    }

    [Fact]
    public async Task FailedMessages_AreDropped_NotSentBack()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        broker.Append("T", 0, [1]);
        var received = new ConcurrentQueue<MessageExt>();
        await using var consumer = NewConsumer(nameServer, "f", received, ConsumeStatus.ReconsumeLater);
        await consumer.StartAsync();

        await TestOptions.WaitUntilAsync(() => !received.IsEmpty, "the delivery");
        await Task.Delay(500);
        Assert.Single(received);
        Assert.Empty(broker.RequestsWithCode(RequestCode.ConsumerSendMsgBack));
        Assert.Empty(broker.RequestsWithCode(RequestCode.SendMessageV2));
        Assert.Empty(broker.RequestsWithCode(RequestCode.SendMessage));
    }
}
