using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

public sealed class ProducerTableTests
{
    [Fact]
    public async Task GetAllProducerInfo_ListsEachLiveProducerGroup_InRocketMqsShape()
    {
        await using var node = await BrokerFixture.StartAsync();
        var heartbeat = Requests.Heartbeat("10.0.0.1@7", "CG1", "T");
        heartbeat.Version = RemotingVersion.V4_9_4;
        await node.BrokerAsync(heartbeat);

        var response = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllProducerInfo));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        var json = Encoding.UTF8.GetString(response.Body.Span);
        Assert.StartsWith("{\"data\":{\"PG\":[{\"clientId\":\"10.0.0.1@7\",\"language\":\"JAVA\",\"lastUpdateTimestamp\":", json, StringComparison.Ordinal);
        Assert.EndsWith(",\"version\":401}]}}", json, StringComparison.Ordinal);
        var producer = Assert.Single(ProducerTableBody.Decode(response.Body.Span).Data["PG"]);
        Assert.StartsWith("127.0.0.1:", producer.RemoteIp, StringComparison.Ordinal);
        Assert.True(producer.LastUpdateTimestamp > 0);
    }

    [Fact]
    public async Task GetAllProducerInfo_WithNoProducer_IsAnEmptyTable()
    {
        await using var node = await BrokerFixture.StartAsync();

        var response = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllProducerInfo));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.Equal("{\"data\":{}}", Encoding.UTF8.GetString(response.Body.Span));
    }
}
