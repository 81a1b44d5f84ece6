using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

public sealed class ClientTests
{
    [Fact]
    public async Task Heartbeat_RegistersTheConsumer_AndPublishesItsRetryTopic()
    {
        await using var node = await BrokerFixture.StartAsync();
        var heartbeat = await node.BrokerAsync(Requests.Heartbeat("10.0.0.1@1", "CG1", "Topic1"));
        Assert.Equal((int)ResponseCode.Success, heartbeat.Code);
        Assert.Equal(409, heartbeat.Version);

        var list = await node.BrokerAsync(ConsumerList("CG1"));
        Assert.Equal((int)ResponseCode.Success, list.Code);
        Assert.Equal(["10.0.0.1@1"], ConsumerListBody.Decode(list.Body.Span).ConsumerIdList);

        var route = await node.NameServerAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "%RETRY%CG1" }));
        Assert.Equal((int)ResponseCode.Success, route.Code);
        var queue = Assert.Single(TopicRouteData.Decode(route.Body.Span).QueueDatas);
        Assert.Equal((1, 1, 6), (queue.ReadQueueNums, queue.WriteQueueNums, queue.Perm));

        var connections = await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.GetConsumerConnectionList, new GetConsumerConnectionListRequestHeader { ConsumerGroup = "CG1" }));
        Assert.Equal((int)ResponseCode.Success, connections.Code);
        var body = ConsumerConnectionBody.Decode(connections.Body.Span);
        Assert.Equal("10.0.0.1@1", Assert.Single(body.ConnectionSet).ClientId);
        Assert.True(body.SubscriptionTable.ContainsKey("Topic1"));

        var producers = await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.GetProducerConnectionList, new GetProducerConnectionListRequestHeader { ProducerGroup = "PG" }));
        Assert.Equal((int)ResponseCode.Success, producers.Code);

        var offline = await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.GetConsumerConnectionList, new GetConsumerConnectionListRequestHeader { ConsumerGroup = "Nobody" }));
        Assert.Equal((int)ResponseCode.ConsumerNotOnline, offline.Code);
    }

    [Fact]
    public async Task SecondMember_TriggersNotifyConsumerIdsChanged_OnTheFirstConnection()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.Heartbeat("c1", "CG2", "T"));
        var second = new ConcurrentQueue<RemotingCommand>();
        await using (var other = node.NewClient(second))
        {
            var response = await other.InvokeAsync(node.BrokerAddress, Requests.Heartbeat("c2", "CG2", "T"), TimeSpan.FromSeconds(5));
            Assert.Equal((int)ResponseCode.Success, response.Code);
            var notify = await WaitForAsync(node.ServerRequests, r => r.Code == (int)RequestCode.NotifyConsumerIdsChanged);
            Assert.Equal("CG2", notify.GetExtField("consumerGroup"));
            Assert.True(notify.IsOneway);
            var ids = ConsumerListBody.Decode((await node.BrokerAsync(ConsumerList("CG2"))).Body.Span).ConsumerIdList;
            Assert.Equal(["c1", "c2"], ids);
        }

        // The second client's connection closed: it leaves the group.
        await WaitUntilAsync(async () =>
            ConsumerListBody.Decode((await node.BrokerAsync(ConsumerList("CG2"))).Body.Span).ConsumerIdList.Count == 1);
    }

    [Fact]
    public async Task Unregister_RemovesTheConsumer()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.Heartbeat("c1", "CG3", "T"));
        var unregister = await node.BrokerAsync(CommandHeader.CreateRequest(
            RequestCode.UnregisterClient, new UnregisterClientRequestHeader { ClientId = "c1", ConsumerGroup = "CG3" }));
        Assert.Equal((int)ResponseCode.Success, unregister.Code);
        var list = await node.BrokerAsync(ConsumerList("CG3"));
        Assert.Equal((int)ResponseCode.SystemError, list.Code);
        Assert.Equal("no consumer for this group, CG3", list.Remark);
    }

    [Fact]
    public async Task ConsumerRunningInfo_IsRelayedToTheClientsOwnConnection()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.Heartbeat("c7", "CG7", "T"));
        await using var admin = node.NewClient(new());
        var request = CommandHeader.CreateRequest(RequestCode.GetConsumerRunningInfo, new GetConsumerRunningInfoRequestHeader { ConsumerGroup = "CG7", ClientId = "c7" });

        var response = await admin.InvokeAsync(node.BrokerAddress, request, TimeSpan.FromSeconds(5));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.Equal("running:c7", System.Text.Encoding.UTF8.GetString(response.Body.Span));
        var offline = CommandHeader.CreateRequest(RequestCode.GetConsumerRunningInfo, new GetConsumerRunningInfoRequestHeader { ConsumerGroup = "CG7", ClientId = "ghost" });
        Assert.Equal((int)ResponseCode.SystemError, (await admin.InvokeAsync(node.BrokerAddress, offline, TimeSpan.FromSeconds(5))).Code);
    }

    [Fact]
    public async Task ClientSilentForTwoMinutes_IsExpired()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        await node.BrokerAsync(Requests.Heartbeat("quiet", "CG8", "T"));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(ConsumerList("CG8"))).Code);

        node.AdvanceTime(TimeSpan.FromSeconds(100));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(ConsumerList("CG8"))).Code);

        node.AdvanceTime(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(async () => (await node.BrokerAsync(ConsumerList("CG8"))).Code == (int)ResponseCode.SystemError);
    }

    private static RemotingCommand ConsumerList(string group) =>
        CommandHeader.CreateRequest(RequestCode.GetConsumerListByGroup, new GetConsumerListByGroupRequestHeader { ConsumerGroup = group });

    private static async Task<RemotingCommand> WaitForAsync(ConcurrentQueue<RemotingCommand> queue, Func<RemotingCommand, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var item in queue)
            {
                if (match(item))
                {
                    return item;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no matching server request arrived");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in 5 s");
            await Task.Delay(20);
        }
    }
}
