using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// A batch sent the way the RocketMQ C++ client sends it (SEND_MESSAGE_V2, 310, with the V2
/// header's batch flag <c>m</c> = "1") is stored as separate messages: a tag subscriber gets
/// exactly the items with its tags, each with its own body.
/// </summary>
public sealed class BatchSendEndToEndTests : IAsyncLifetime
{
    private const string Topic = "CppBatchTopic";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task BatchOn310WithFlagOne_IsConsumedAsSeparateMessages_ByTagSubscribers()
    {
        await using (var admin = new AdminClient(_node.ClientOptions("batch-admin")))
        {
            await admin.CreateOrUpdateTopicAsync(_node.BrokerAddress, new TopicConfigOptions(Topic) { ReadQueueNums = 1, WriteQueueNums = 1 });
        }

        await using (var raw = new RemotingClient())
        {
            var response = await raw.InvokeAsync(_node.BrokerAddress, CppBatchSend(), TimeSpan.FromSeconds(10));
            Assert.Equal(((int)ResponseCode.Success, "0"), (response.Code, response.GetExtField("queueOffset")));
            Assert.Equal(10, response.GetExtField("msgId")!.Split(',').Length);
        }

        // Pull: exactly the subscribed items, in order, each its own message.
        await using var puller = new PullConsumer("batch-pull", _node.ClientOptions("batch-pull"));
        await puller.StartAsync();
        var queue = Assert.Single(await puller.FetchSubscribeMessageQueuesAsync(Topic));
        var pulled = new List<MessageExt>();
        for (long offset = 0; offset < 10;)
        {
            var result = await puller.PullAsync(queue, "Tag1 || Tag4 || Tag8", offset, 32);
            pulled.AddRange(result.Messages);
            Assert.True(result.NextBeginOffset > offset, "the pull made no progress: " + result.Status);
            offset = result.NextBeginOffset;
        }

        Assert.Equal(["Tag1", "Tag4", "Tag8"], pulled.Select(m => m.Tags));
        Assert.Equal(["body-1", "body-4", "body-8"], pulled.Select(m => Encoding.UTF8.GetString(m.Body)));
        Assert.Equal([1L, 4, 8], pulled.Select(m => m.QueueOffset));
        Assert.Equal(["uniq-1", "uniq-4", "uniq-8"], pulled.Select(m => m.GetProperty("UNIQ_KEY")));

        // Push: a tag subscriber is delivered its items.
        var received = new ConcurrentDictionary<string, string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = new PushConsumer("batch-push", _node.ClientOptions("batch-push")) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe(Topic, "Tag0 || Tag5 || Tag9");
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var m in messages)
            {
                received[m.Tags ?? string.Empty] = Encoding.UTF8.GetString(m.Body);
            }

            if (received.Count >= 3)
            {
                all.TrySetResult();
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();
        await all.Task.WaitAsync(Patience);

        Assert.Equal(
            new Dictionary<string, string> { ["Tag0"] = "body-0", ["Tag5"] = "body-5", ["Tag9"] = "body-9" },
            received.OrderBy(p => p.Key).ToDictionary());
    }

    /// <summary>Ten items with tags Tag0..Tag9, encoded as the C++ client's BatchMessage::encode does, sent as 310 with m = "1".</summary>
    private static RemotingCommand CppBatchSend()
    {
        var body = new MemoryStream();
        for (int i = 0; i < 10; i++)
        {
            byte[] b = Encoding.UTF8.GetBytes("body-" + i);
            byte[] p = Encoding.UTF8.GetBytes($"TAGS\u0001Tag{i}\u0002UNIQ_KEY\u0001uniq-{i}\u0002");
            var item = new byte[20 + b.Length + 2 + p.Length];
            BinaryPrimitives.WriteInt32BigEndian(item, item.Length);
            BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(12), 0);
            BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(16), b.Length);
            b.CopyTo(item, 20);
            BinaryPrimitives.WriteInt16BigEndian(item.AsSpan(20 + b.Length), (short)p.Length);
            p.CopyTo(item, 22 + b.Length);
            body.Write(item);
        }

        var header = new SendMessageRequestHeader
        {
            ProducerGroup = "cpp-producer",
            Topic = Topic,
            DefaultTopic = "TBW102",
            DefaultTopicQueueNums = 4,
            QueueId = 0,
            SysFlag = 0,
            BornTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Flag = 0,
            Properties = "WAIT\u0001true\u0002",
            UnitMode = false,
        };
        var request = CommandHeader.CreateRequest(RequestCode.SendMessageV2, header, body.ToArray(), HeaderKeyStyle.Short);
        request.ExtFields["m"] = "1";
        return request;
    }
}
