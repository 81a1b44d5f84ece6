using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>SQL92 property filters: a consumer gets exactly the messages its selector picks.</summary>
[Trait("Category", "EndToEnd")]
public sealed class FilterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task PushConsumer_WithSqlSelector_ReceivesExactlyTheMatchingMessages()
    {
        var expected = new HashSet<string>();
        await using (var producer = new Producer("filter-producer", _node.ClientOptions("fp")))
        {
            await producer.StartAsync();
            for (int i = 0; i < 40; i++)
            {
                string region = i % 2 == 0 ? "eu" : "us";
                var message = new Message("FilterTopic", i % 3 == 0 ? "gold" : "plain", Encoding.UTF8.GetBytes("m" + i));
                message.SetProperty("region", region);
                if (i % 5 != 0)
                {
                    // Every fifth message has no amount: the selector must not match it.
                    message.SetProperty("amount", (i * 10).ToString(CultureInfo.InvariantCulture));
                }

                Assert.Equal(SendStatus.SendOk, (await producer.SendAsync(message)).Status);
                if (i % 5 != 0 && i * 10 > 100 && (region == "eu" || message.Tags == "gold"))
                {
                    expected.Add("m" + i);
                }
            }
        }

        var received = new ConcurrentDictionary<string, int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = new PushConsumer("filter-group", _node.ClientOptions("fc")) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe("FilterTopic", MessageSelector.BySql("amount > 100 AND (region = 'eu' OR TAGS IN ('gold'))"));
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var m in messages)
            {
                received.AddOrUpdate(Encoding.UTF8.GetString(m.Body), 1, (_, n) => n + 1);
            }

            if (received.Count >= expected.Count)
            {
                all.TrySetResult();
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();
        await all.Task.WaitAsync(Patience);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(16, expected.Count);
        Assert.Equal(expected.Order(), received.Keys.Order());
        Assert.All(received.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task PushConsumer_WithBadSelector_FailsAtStart()
    {
        await SendOneAsync("BadFilterTopic");
        await using var consumer = new PushConsumer("bad-filter-group", _node.ClientOptions("bad"));
        consumer.Subscribe("BadFilterTopic", MessageSelector.BySql("amount > AND region = 'eu'"));
        consumer.RegisterListener((_, _) => Task.FromResult(ConsumeStatus.ConsumeSuccess));

        var error = await Assert.ThrowsAsync<MQClientException>(() => consumer.StartAsync());
        Assert.Equal((int)ResponseCode.SubscriptionParseFailed, error.ResponseCode);
        Assert.Contains("column 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PropertyFilterSwitchedOff_RefusesSqlConsumers_WithJavasCode()
    {
        await using var node = await NodeFixture.StartAsync("akkamq.broker.enable-property-filter = false");
        await using (var producer = new Producer("off-producer", node.ClientOptions("op")))
        {
            await producer.StartAsync();
            await producer.SendAsync(new Message("OffTopic", "t", "x"u8.ToArray()));
        }

        await using var consumer = new PushConsumer("off-group", node.ClientOptions("oc"));
        consumer.Subscribe("OffTopic", MessageSelector.BySql("a = 1"));
        consumer.RegisterListener((_, _) => Task.FromResult(ConsumeStatus.ConsumeSuccess));
        var error = await Assert.ThrowsAsync<MQClientException>(() => consumer.StartAsync());
        Assert.Equal((int)ResponseCode.SystemError, error.ResponseCode);
        Assert.Contains("does not support consumer to filter message by SQL92", error.Message, StringComparison.Ordinal);

        await using var tagConsumer = new PushConsumer("off-tag-group", node.ClientOptions("ot"));
        tagConsumer.Subscribe("OffTopic", MessageSelector.ByTag("t"));
        tagConsumer.RegisterListener((_, _) => Task.FromResult(ConsumeStatus.ConsumeSuccess));
        await tagConsumer.StartAsync();
    }

    private async Task SendOneAsync(string topic)
    {
        await using var producer = new Producer("filter-one", _node.ClientOptions("f1"));
        await producer.StartAsync();
        Assert.Equal(SendStatus.SendOk, (await producer.SendAsync(new Message(topic, "t", "x"u8.ToArray()))).Status);
    }
}
