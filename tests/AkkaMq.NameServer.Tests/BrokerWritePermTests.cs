using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.NameServer.Tests;

public sealed class BrokerWritePermTests
{
    [Fact]
    public async Task WipeWritePerm_MakesTheGroupsQueuesReadOnlyInRoutes_AndAddWritePermRestoresThem()
    {
        await using var ns = await NameServerFixture.StartAsync();
        await ns.ChangeAsync(new RegisterBrokerMember("C", "broker-a", 0, "10.0.0.1:10911"));
        await ns.ChangeAsync(new RegisterBrokerMember("C", "broker-b", 0, "10.0.0.2:10911"));
        await ns.ChangeAsync(new UpsertTopic("broker-a", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)));
        await ns.ChangeAsync(new UpsertTopic("broker-a", new TopicConfig("Audit", 2, 2, Perm.ReadWrite)));
        await ns.ChangeAsync(new UpsertTopic("broker-b", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)));

        var wipe = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.WipeWritePermOfBroker, new BrokerWritePermRequestHeader { BrokerName = "broker-a" }));

        Assert.Equal((int)ResponseCode.Success, wipe.Code);
        Assert.Equal("2", wipe.GetExtField("wipeTopicCount"));
        var route = await RouteAsync(ns, "Orders");
        Assert.Equal(Perm.Read, route.QueueDatas.Single(q => q.BrokerName == "broker-a").Perm);
        Assert.Equal(Perm.ReadWrite, route.QueueDatas.Single(q => q.BrokerName == "broker-b").Perm);

        var add = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.AddWritePermOfBroker, new BrokerWritePermRequestHeader { BrokerName = "broker-a" }));

        Assert.Equal((int)ResponseCode.Success, add.Code);
        Assert.Equal("2", add.GetExtField("addTopicCount"));
        Assert.Equal(Perm.ReadWrite, (await RouteAsync(ns, "Audit")).QueueDatas.Single().Perm);
    }

    [Fact]
    public async Task UnknownBrokerName_IsAnsweredWithCountZero_AndMissingHeaderWithAnError()
    {
        await using var ns = await NameServerFixture.StartAsync();

        var unknown = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.WipeWritePermOfBroker, new BrokerWritePermRequestHeader { BrokerName = "nope" }));
        var noHeader = await ns.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.AddWritePermOfBroker));

        Assert.Equal(((int)ResponseCode.Success, "0"), (unknown.Code, unknown.GetExtField("wipeTopicCount")));
        Assert.Equal((int)ResponseCode.SystemError, noHeader.Code);
        Assert.Contains("brokerName", noHeader.Remark, StringComparison.Ordinal);
    }

    private static async Task<TopicRouteData> RouteAsync(NameServerFixture ns, string topic)
    {
        var response = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = topic }));
        Assert.Equal((int)ResponseCode.Success, response.Code);
        return TopicRouteData.Decode(response.Body.Span);
    }
}
