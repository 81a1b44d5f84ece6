using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>Broadcasting consumers: every instance of the group gets every message and keeps its own offsets.</summary>
[Trait("Category", "EndToEnd")]
public sealed class BroadcastingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDir _offsets = new();
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _offsets.Dispose();
    }

    [Fact]
    public async Task EveryInstanceGetsEveryMessage_AndARestartResumesFromItsLocalOffsets()
    {
        await SendAsync(0, 20);
        var first = new Received();
        var second = new Received();
        await using var a = Start("bc-a", first);
        await using var b = Start("bc-b", second);
        await a.StartAsync();
        await b.StartAsync();
        await Task.WhenAll(first.WaitForAsync(20), second.WaitForAsync(20));
        await AssertAdminViewAsync();

        // B stops (saving its offsets locally); what is sent meanwhile is all it gets when it comes back.
        await b.ShutdownAsync();
        await SendAsync(20, 5);
        await first.WaitForAsync(25);
        var again = new Received();
        await using var restarted = Start("bc-b", again);
        await restarted.StartAsync();
        await again.WaitForAsync(5);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(Bodies(0, 25), first.Bodies.Keys.Order());
        Assert.Equal(Bodies(0, 20), second.Bodies.Keys.Order());
        Assert.Equal(Bodies(20, 5), again.Bodies.Keys.Order());
        Assert.All(first.Bodies.Values.Concat(second.Bodies.Values).Concat(again.Bodies.Values), n => Assert.Equal(1, n));
    }

    /// <summary>consumerConnection shows both instances as broadcasting; the broker holds no offsets for them.</summary>
    private async Task AssertAdminViewAsync()
    {
        await using var admin = new AdminClient(_node.ClientOptions("bc-admin"));
        var connections = await admin.GetConsumerConnectionListAsync("bc-group");
        Assert.Equal(MessageModel.Broadcasting, connections.MessageModel);
        Assert.Equal(2, connections.ConnectionSet.Count);
        Assert.Contains("BroadcastTopic", connections.SubscriptionTable.Keys);
        Assert.DoesNotContain("%RETRY%bc-group", connections.SubscriptionTable.Keys);

        var stats = await admin.GetConsumeStatsAsync("bc-group", "BroadcastTopic");
        Assert.All(stats.OffsetTable.Values, o => Assert.Equal(0, o.ConsumerOffset));

        // consumerProgress without a topic: as RocketMQ, the broker holds nothing for the group, so there is
        // no table (not a backlog of every message).
        var none = await Assert.ThrowsAsync<MQClientException>(() => admin.GetConsumeStatsAsync("bc-group"));
        Assert.Contains("offset table is empty", none.Message);
    }

    private static IEnumerable<string> Bodies(int from, int count) => Enumerable.Range(from, count).Select(i => "b" + i).Order();

    private PushConsumer Start(string instance, Received received)
    {
        var options = _node.ClientOptions(instance) with { InstanceName = instance };
        var consumer = new PushConsumer("bc-group", options)
        {
            MessageModel = MessageModel.Broadcasting,
            OffsetStoreDirectory = _offsets.Path,
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset,
        };
        consumer.Subscribe("BroadcastTopic");
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var m in messages)
            {
                received.Add(Encoding.UTF8.GetString(m.Body));
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        return consumer;
    }

    private async Task SendAsync(int from, int count)
    {
        await using var producer = new Producer("bc-producer", _node.ClientOptions("bp"));
        await producer.StartAsync();
        for (int i = from; i < from + count; i++)
        {
            Assert.Equal(SendStatus.SendOk, (await producer.SendAsync(new Message("BroadcastTopic", "t", Encoding.UTF8.GetBytes("b" + i)))).Status);
        }
    }

    private sealed class Received
    {
        public ConcurrentDictionary<string, int> Bodies { get; } = new();

        public void Add(string body) => Bodies.AddOrUpdate(body, 1, (_, n) => n + 1);

        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (Bodies.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + count + " messages, got " + Bodies.Count);
                await Task.Delay(50);
            }
        }
    }
}
