using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.NameServer.Tests;

public sealed class NameServerRoleTests
{
    [Fact]
    public async Task RouteInfo_AnswersTopicNotExist_WithRocketMqRemark()
    {
        await using var ns = await NameServerFixture.StartAsync();
        var response = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "Missing" }));
        Assert.Equal((int)ResponseCode.TopicNotExist, response.Code);
        Assert.Equal("No topic route info in name server for the topic: Missing", response.Remark);
        Assert.True(response.IsResponse);
        Assert.Equal(RemotingVersion.V4_9_8, response.Version);
    }

    [Fact]
    public async Task RouteInfo_ServesRegisteredTopic_WithQuotedBrokerIdsAndBothSysFlagSpellings()
    {
        await using var ns = await NameServerFixture.StartAsync();
        await ns.ChangeAsync(new RegisterBrokerMember("DefaultCluster", "broker-a", 0, "10.0.0.5:10911"));
        await ns.ChangeAsync(new UpsertTopic("broker-a", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)));
        await ns.ChangeAsync(new PutKv(RouteProcessor.OrderTopicNamespace, "Orders", "broker-a:4"));

        var response = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "Orders" }));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        string json = System.Text.Encoding.UTF8.GetString(response.Body.Span);
        Assert.Contains("\"brokerAddrs\":{\"0\":\"10.0.0.5:10911\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"topicSysFlag\":0", json, StringComparison.Ordinal);
        Assert.Contains("\"topicSynFlag\":0", json, StringComparison.Ordinal);
        var route = TopicRouteData.Decode(response.Body.Span);
        var queue = Assert.Single(route.QueueDatas);
        Assert.Equal(("broker-a", 4, 4, 6), (queue.BrokerName, queue.ReadQueueNums, queue.WriteQueueNums, queue.Perm));
        Assert.Equal("DefaultCluster", Assert.Single(route.BrokerDatas).Cluster);
        Assert.Equal("broker-a:4", route.OrderTopicConf);

        await ns.ChangeAsync(new UpsertTopic("broker-a", new TopicConfig("Orders", 8, 8, Perm.ReadWrite)));
        var changed = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "Orders" }));
        Assert.Equal(8, Assert.Single(TopicRouteData.Decode(changed.Body.Span).QueueDatas).WriteQueueNums);
    }

    [Fact]
    public async Task UnknownTopic_GetsTopicNotExist_EvenWithAnAutoCreateTemplate()
    {
        // As RocketMQ: the template route is the client's fallback (Java asks for TBW102 itself);
        // the nameserver never invents a route for a topic no group serves.
        await using var ns = await NameServerFixture.StartAsync();
        await ns.ChangeAsync(new RegisterBrokerMember("C", "broker-a", 0, "10.0.0.5:10911"));
        await ns.ChangeAsync(new UpsertTopic("broker-a", new TopicConfig("TBW102", 8, 8, Perm.ReadWrite | Perm.Inherit)));

        var response = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "Fresh" }));

        Assert.Equal((int)ResponseCode.TopicNotExist, response.Code);
        Assert.Equal("No topic route info in name server for the topic: Fresh", response.Remark);
        var template = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "TBW102" }));
        Assert.Equal(7, Assert.Single(TopicRouteData.Decode(template.Body.Span).QueueDatas).Perm);
    }

    [Fact]
    public async Task ClusterInfo_AndTopicLists_ReflectTheRouteTable()
    {
        await using var ns = await NameServerFixture.StartAsync();
        await ns.ChangeAsync(new RegisterBrokerMember("C1", "broker-a", 0, "10.0.0.5:10911"));
        await ns.ChangeAsync(new RegisterBrokerMember("C1", "broker-b", 0, "10.0.0.6:10911"));
        await ns.ChangeAsync(new UpsertTopic("broker-b", new TopicConfig("T1", 2, 2, Perm.ReadWrite)));

        var info = ClusterInfo.Decode((await ns.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerClusterInfo))).Body.Span);
        Assert.Equal(["broker-a", "broker-b"], info.ClusterAddrTable["C1"]);
        Assert.Equal("10.0.0.6:10911", info.BrokerAddrTable["broker-b"].BrokerAddrs[0]);

        var all = TopicListBody.Decode((await ns.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.GetAllTopicListFromNameserver))).Body.Span);
        Assert.Equal(["T1"], all.TopicList);

        var byCluster = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetTopicsByCluster, new GetTopicsByClusterRequestHeader { Cluster = "C1" }));
        Assert.Equal(["T1"], TopicListBody.Decode(byCluster.Body.Span).TopicList);
    }

    [Fact]
    public async Task KvConfig_PutGetDelete_GoThroughTheRegistry()
    {
        await using var ns = await NameServerFixture.StartAsync();
        var put = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.PutKvConfig, new PutKvConfigRequestHeader { Namespace = "NS", Key = "k", Value = "v1" }));
        Assert.Equal((int)ResponseCode.Success, put.Code);
        Assert.Equal("v1", ns.Feed.Current.FindKv("NS", "k"));

        var get = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetKvConfig, new KvConfigKeyRequestHeader { Namespace = "NS", Key = "k" }));
        Assert.Equal((int)ResponseCode.Success, get.Code);
        Assert.Equal("v1", get.GetExtField("value"));

        var list = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetKvListByNamespace, new GetKvListByNamespaceRequestHeader { Namespace = "NS" }));
        Assert.Equal("v1", KvTableBody.Decode(list.Body.Span).Table["k"]);

        var delete = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.DeleteKvConfig, new KvConfigKeyRequestHeader { Namespace = "NS", Key = "k" }));
        Assert.Equal((int)ResponseCode.Success, delete.Code);
        var missing = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetKvConfig, new KvConfigKeyRequestHeader { Namespace = "NS", Key = "k" }));
        Assert.Equal((int)ResponseCode.QueryNotFound, missing.Code);
    }

    [Fact]
    public async Task DeleteTopicInNamesrv_RemovesTheRoute()
    {
        await using var ns = await NameServerFixture.StartAsync();
        await ns.ChangeAsync(new RegisterBrokerMember("C1", "broker-a", 0, "10.0.0.5:10911"));
        await ns.ChangeAsync(new UpsertTopic("broker-a", new TopicConfig("Gone", 1, 1, Perm.ReadWrite)));

        var delete = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.DeleteTopicInNamesrv, new DeleteTopicRequestHeader { Topic = "Gone" }));
        Assert.Equal((int)ResponseCode.Success, delete.Code);
        var route = await ns.InvokeAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "Gone" }));
        Assert.Equal((int)ResponseCode.TopicNotExist, route.Code);
    }

    [Fact]
    public async Task UnknownCodesAndBadHeaders_GetErrors_AndTheServerKeepsServing()
    {
        await using var ns = await NameServerFixture.StartAsync();
        var unknown = await ns.InvokeAsync(RemotingCommand.CreateRequest(9999));
        Assert.Equal((int)ResponseCode.RequestCodeNotSupported, unknown.Code);
        Assert.Equal(" request type 9999 not supported", unknown.Remark);

        var register = await ns.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.RegisterBroker));
        Assert.Equal((int)ResponseCode.RequestCodeNotSupported, register.Code);

        var noTopic = await ns.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic));
        Assert.Equal((int)ResponseCode.SystemError, noTopic.Code);
        Assert.Contains("topic", noTopic.Remark, StringComparison.Ordinal);

        var after = await ns.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerClusterInfo));
        Assert.Equal((int)ResponseCode.Success, after.Code);
    }
}
