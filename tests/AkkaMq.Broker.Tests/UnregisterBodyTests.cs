using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

/// <summary>
/// UNREGISTER_CLIENT (35) with its fields in a JSON body and no header fields, as
/// NewLife.RocketMQ sends it on every Stop(): the client leaves its groups as with the header form.
/// </summary>
public sealed class UnregisterBodyTests : IAsyncLifetime
{
    private BrokerFixture _node = null!;

    public async Task InitializeAsync() => _node = await BrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("{\"ClientId\":\"c1\",\"ProducerGroup\":\"PG\",\"ConsumerGroup\":\"UG1\"}")]
    [InlineData("{\"clientID\":\"c1\",\"producerGroup\":\"PG\",\"consumerGroup\":\"UG1\"}")]
    [InlineData("{\"clientId\":\"c1\",\"consumerGroup\":\"UG1\"}")]
    [InlineData("{\"CLIENTID\":\"c1\",\"CONSUMERGROUP\":\"UG1\",\"producergroup\":null}")]
    public async Task BodyForm_UnregistersTheClient_AndTheGroupLosesIt(string json)
    {
        Assert.Equal((int)ResponseCode.Success, (await _node.BrokerAsync(Requests.Heartbeat("c1", "UG1", "T"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await _node.BrokerAsync(ConsumerList("UG1"))).Code);

        var response = await _node.BrokerAsync(BodyForm(json));

        Assert.Equal(((int)ResponseCode.Success, (string?)null), (response.Code, response.Remark));
        var list = await _node.BrokerAsync(ConsumerList("UG1"));
        Assert.Equal(((int)ResponseCode.SystemError, "no consumer for this group, UG1"), (list.Code, list.Remark));
        var connections = await _node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.GetConsumerConnectionList, new GetConsumerConnectionListRequestHeader { ConsumerGroup = "UG1" }));
        Assert.Equal((int)ResponseCode.ConsumerNotOnline, connections.Code);
    }

    [Fact]
    public async Task BodyForm_NotifiesTheGroupsOtherConsumers()
    {
        var others = new ConcurrentQueue<RemotingCommand>();
        await using var other = _node.NewClient(others);
        await other.InvokeAsync(_node.BrokerAddress, Requests.Heartbeat("stays", "UG2", "T"), TimeSpan.FromSeconds(5));
        await _node.BrokerAsync(Requests.Heartbeat("leaves", "UG2", "T"));
        others.Clear();

        var response = await _node.BrokerAsync(BodyForm("{\"ClientId\":\"leaves\",\"ProducerGroup\":\"UG2\",\"ConsumerGroup\":\"UG2\"}"));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!others.Any(r => r.Code == (int)RequestCode.NotifyConsumerIdsChanged && r.GetExtField("consumerGroup") == "UG2"))
        {
            Assert.True(DateTime.UtcNow < deadline, "no NOTIFY_CONSUMER_IDS_CHANGED in 5 s");
            await Task.Delay(20);
        }

        var ids = ConsumerListBody.Decode((await _node.BrokerAsync(ConsumerList("UG2"))).Body.Span).ConsumerIdList;
        Assert.Equal(["stays"], ids);
    }

    [Fact]
    public async Task HeaderFields_WinOverTheBody()
    {
        var data = new HeartbeatData
        {
            ClientId = "c3",
            ConsumerDataSet = [new ConsumerData { GroupName = "UG3" }, new ConsumerData { GroupName = "UG4" }],
        };
        await _node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.HeartBeat, null, data.Encode()));
        var request = CommandHeader.CreateRequest(RequestCode.UnregisterClient, new UnregisterClientRequestHeader { ClientId = "c3", ConsumerGroup = "UG3" });
        request.Body = Encoding.UTF8.GetBytes("{\"clientID\":\"c3\",\"consumerGroup\":\"UG4\"}");

        var response = await _node.BrokerAsync(request);

        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.Equal((int)ResponseCode.SystemError, (await _node.BrokerAsync(ConsumerList("UG3"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await _node.BrokerAsync(ConsumerList("UG4"))).Code);
    }

    [Theory]
    [InlineData("{\"ProducerGroup\":\"PG\",\"ConsumerGroup\":\"UG5\"}", "the custom field <clientID> is null, and the body names no clientID either")]
    [InlineData("{\"ClientId\":\"\",\"ConsumerGroup\":\"UG5\"}", "the custom field <clientID> is null, and the body names no clientID either")]
    [InlineData("", "the custom field <clientID> is null")]
    public async Task NoClientIdAnywhere_IsSystemError_SayingSo(string json, string remark)
    {
        await _node.BrokerAsync(Requests.Heartbeat("c5", "UG5", "T"));

        var response = await _node.BrokerAsync(BodyForm(json));

        Assert.Equal(((int)ResponseCode.SystemError, remark), (response.Code, response.Remark));
        Assert.Equal((int)ResponseCode.Success, (await _node.BrokerAsync(ConsumerList("UG5"))).Code);
    }

    [Fact]
    public async Task BodyThatIsNotJson_IsSystemError()
    {
        var response = await _node.BrokerAsync(BodyForm("{clientID: "));

        Assert.Equal((int)ResponseCode.SystemError, response.Code);
        Assert.StartsWith("the request body is not valid JSON", response.Remark, StringComparison.Ordinal);
    }

    private static RemotingCommand BodyForm(string json) =>
        RemotingCommand.CreateRequest(RequestCode.UnregisterClient, null, Encoding.UTF8.GetBytes(json));

    private static RemotingCommand ConsumerList(string group) =>
        CommandHeader.CreateRequest(RequestCode.GetConsumerListByGroup, new GetConsumerListByGroupRequestHeader { ConsumerGroup = group });
}
