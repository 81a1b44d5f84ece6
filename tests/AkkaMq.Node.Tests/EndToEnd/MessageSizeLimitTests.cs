using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Message size limits through <see cref="Producer"/> against a node with the default
/// max-message-size (4 MiB): the client refuses first, as the Java client's Validators do; the
/// broker refuses what the client lets through, with RocketMQ's code and remark.
/// </summary>
public sealed class MessageSizeLimitTests : IAsyncLifetime
{
    private const int Max = 4 * 1024 * 1024;
    private const string BrokerRemark = "the message is illegal, maybe msg body or properties length not matched. msg body length limit 4194304B, msg properties length limit 32KB.";
    private NodeFixture _node = null!;
    private Producer _producer = null!;

    public async Task InitializeAsync()
    {
        _node = await NodeFixture.StartAsync();
        // Bodies are sent as they are, so the broker sees exactly the sizes under test.
        _producer = new Producer("size-producer", _node.ClientOptions("size-p")) { CompressMsgBodyOverHowmuch = int.MaxValue };
        await _producer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _producer.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Theory]
    [InlineData(Max - 1)]
    [InlineData(Max)]
    public async Task ABodyUpToMaxMessageSize_IsStored_AndReadBackWhole(int length)
    {
        string topic = "SizeOk" + length;
        byte[] body = Body(length);

        var sent = await _producer.SendAsync(new Message(topic, "t", body) { Keys = "key-" + length });

        Assert.Equal(SendStatus.SendOk, sent.Status);
        await using var consumer = new PullConsumer("size-reader", _node.ClientOptions("size-c"));
        await consumer.StartAsync();
        var pulled = await consumer.PullAsync(sent.MessageQueue, "*", sent.QueueOffset, 1);
        Assert.Equal(body, Assert.Single(pulled.Messages).Body);
    }

    [Fact]
    public async Task ABodyOneByteOver_IsRefusedByTheClient_BeforeAnythingIsSent()
    {
        var error = await Assert.ThrowsAsync<MQClientException>(() => _producer.SendAsync(new Message("SizeOver", "t", Body(Max + 1))));

        Assert.Equal(13, error.ResponseCode);
        Assert.Equal("the message body size over max value, MAX: 4194304", error.Remark);
        await AssertNothingStoredAsync("SizeOver");
    }

    [Fact]
    public async Task ABodyOneByteOver_FromAClientWithAHigherLimit_IsRefusedByTheBroker()
    {
        _producer.MaxMessageSize = 2 * Max;

        var error = await Assert.ThrowsAsync<MQBrokerException>(() => _producer.SendAsync(new Message("SizeOverBroker", "t", Body(Max + 1))));

        Assert.Equal((13, BrokerRemark), (error.ResponseCode, error.Remark));
    }

    [Fact]
    public async Task ABatchWhoseEncodedBodyIsOver_IsRefusedByTheClient()
    {
        var batch = new List<Message> { new("BatchOver", "a", Body(Max / 2)), new("BatchOver", "b", Body(Max / 2)) };

        var error = await Assert.ThrowsAsync<MQClientException>(() => _producer.SendBatchAsync(batch));

        Assert.Equal((13, "the message body size over max value, MAX: 4194304"), (error.ResponseCode, error.Remark));
    }

    [Fact]
    public async Task PropertiesOver32767Bytes_AreRefusedByTheBroker()
    {
        var message = new Message("PropsOver", "t", Body(10)) { Keys = new string('k', 40_000) };

        var error = await Assert.ThrowsAsync<MQBrokerException>(() => _producer.SendAsync(message));

        Assert.Equal((13, BrokerRemark), (error.ResponseCode, error.Remark));
    }

    [Theory]
    [InlineData(127, null)]
    [InlineData(128, "The specified topic is longer than topic max length 127.")]
    public async Task TopicsUpTo127Characters_AreSent_AndLongerOnes_RefusedByTheClient(int length, string? refusal)
    {
        var send = _producer.SendAsync(new Message(new string('t', length), "t", Body(10)));

        if (refusal is null)
        {
            Assert.Equal(SendStatus.SendOk, (await send).Status);
        }
        else
        {
            Assert.Equal(refusal, (await Assert.ThrowsAsync<MQClientException>(() => send)).Message);
        }
    }

    /// <summary>Nothing reached the broker: not even the topic was auto-created.</summary>
    private async Task AssertNothingStoredAsync(string topic)
    {
        await using var admin = new AdminClient(_node.ClientOptions("size-admin"));
        var error = await Assert.ThrowsAsync<MQBrokerException>(() => admin.GetTopicRouteAsync(topic));
        Assert.Equal(17, error.ResponseCode);
    }

    private static byte[] Body(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        return body;
    }
}
