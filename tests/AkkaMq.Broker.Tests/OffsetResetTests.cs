using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using static AkkaMq.Broker.Tests.OffsetTests;

namespace AkkaMq.Broker.Tests;

/// <summary>INVOKE_BROKER_TO_RESET_OFFSET (222) and CLONE_GROUP_OFFSET (314) as raw requests.</summary>
public sealed class OffsetResetTests
{
    [Fact]
    public async Task Reset_OfAnOnlineGroup_TellsItsClients_AndHoldsTheOffsetUntilTheQueuesNextPull()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendAsync(node, "RT", 6);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Heartbeat("cid-1", "RG", "RT"))).Code);
        await node.BrokerAsync(Update("RG", "RT", 0, 6));

        var reset = await node.BrokerAsync(Reset("RT", "RG", timestamp: 0, force: true));

        Assert.Equal((int)ResponseCode.Success, reset.Code);
        Assert.Equal(0, ResetOffsetBody.Decode(reset.Body.Span).OffsetTable[new MessageQueue("RT", BrokerFixture.Group, 0)]);
        var pushed = await WaitForRequestAsync(node, RequestCode.ResetConsumerClientOffset);
        Assert.Equal("RG", pushed.GetExtField("group"));
        Assert.Equal(0, ResetOffsetBody.Decode(pushed.Body.Span).OffsetTable[new MessageQueue("RT", BrokerFixture.Group, 0)]);

        // The consumer still reports its old position: ignored until it pulls the queue again.
        await node.BrokerAsync(Update("RG", "RT", 0, 6));
        Assert.Equal(0, Requests.Long(await node.BrokerAsync(Query("RG", "RT", 0)), "offset"));
        var moved = await node.BrokerAsync(Requests.Pull("RG", "RT", 0, 6, sysFlag: 0x1 | 0x4, commitOffset: 6));
        Assert.Equal((int)ResponseCode.PullOffsetMoved, moved.Code);
        Assert.Equal(0, Requests.Long(moved, "nextBeginOffset"));
        Assert.Equal(0, Requests.Long(await node.BrokerAsync(Query("RG", "RT", 0)), "offset"));

        // Once moved, it reads from there and its commits count again.
        var pulled = await node.BrokerAsync(Requests.Pull("RG", "RT", 0, 0));
        Assert.Equal(6, Requests.Records(pulled.Body).Count);
        await node.BrokerAsync(Update("RG", "RT", 0, 4));
        Assert.Equal(4, Requests.Long(await node.BrokerAsync(Query("RG", "RT", 0)), "offset"));
    }

    [Fact]
    public async Task Reset_AskedInTheCppClientsLanguage_TellsTheClientsInTheCppBodyForm()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendAsync(node, "RC", 2);
        await node.BrokerAsync(Requests.Heartbeat("cid-c", "CG", "RC"));
        var request = Reset("RC", "CG", timestamp: -1, force: true);
        request.Language = LanguageCode.Cpp;

        var reset = await node.BrokerAsync(request);

        Assert.Equal(2, ResetOffsetBody.Decode(reset.Body.Span).OffsetTable[new MessageQueue("RC", BrokerFixture.Group, 0)]);
        var pushed = await WaitForRequestAsync(node, RequestCode.ResetConsumerClientOffset);
        Assert.StartsWith("{\"offsetTable\":[", System.Text.Encoding.UTF8.GetString(pushed.Body.Span));
        Assert.Equal(2, ResetOffsetBody.Decode(pushed.Body.Span).OffsetTable[new MessageQueue("RC", BrokerFixture.Group, 0)]);
    }

    [Fact]
    public async Task Reset_WithoutForce_KeepsAQueueAlreadyBehindTheTarget()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendAsync(node, "RF", 6);
        await node.BrokerAsync(Requests.Heartbeat("cid-2", "FG", "RF"));
        await node.BrokerAsync(Update("FG", "RF", 0, 2));

        var kept = await node.BrokerAsync(Reset("RF", "FG", timestamp: -1, force: false));
        Assert.Equal(2, ResetOffsetBody.Decode(kept.Body.Span).OffsetTable[new MessageQueue("RF", BrokerFixture.Group, 0)]);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Pull("FG", "RF", 0, 2))).Code);

        var forced = await node.BrokerAsync(Reset("RF", "FG", timestamp: -1, force: true));
        Assert.Equal(6, ResetOffsetBody.Decode(forced.Body.Span).OffsetTable[new MessageQueue("RF", BrokerFixture.Group, 0)]);
        Assert.Equal(6, Requests.Long(await node.BrokerAsync(Query("FG", "RF", 0)), "offset"));
    }

    [Fact]
    public async Task Reset_OfAnOfflineGroup_IsConsumerNotOnline_WithRocketMqsRemark()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendAsync(node, "RO", 1);

        var refused = await node.BrokerAsync(Reset("RO", "OG", timestamp: 0, force: true));

        Assert.Equal((int)ResponseCode.ConsumerNotOnline, refused.Code);
        Assert.Equal("Consumer not online, so can not reset offset, Group: OG Topic: RO Timestamp: 0", refused.Remark);
    }

    [Fact]
    public async Task Reset_OfAnUnknownTopic_IsRefused()
    {
        await using var node = await BrokerFixture.StartAsync();

        var refused = await node.BrokerAsync(Reset("NoSuchTopic", "G", timestamp: 0, force: true));

        Assert.Equal((int)ResponseCode.SystemError, refused.Code);
        Assert.Equal("[reset-offset] reset offset failed, no topic in this broker. topic=NoSuchTopic", refused.Remark);
    }

    [Fact]
    public async Task CloneGroupOffset_CopiesOneTopicOrEveryTopicOfTheSource()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendAsync(node, "C1", 1);
        await SendAsync(node, "C2", 1);
        await node.BrokerAsync(Update("SRC", "C1", 0, 5));
        await node.BrokerAsync(Update("SRC", "C1", 1, 3));
        await node.BrokerAsync(Update("SRC", "C2", 0, 1));

        var one = await node.BrokerAsync(Clone("SRC", "ONE", "C1"));
        var all = await node.BrokerAsync(Clone("SRC", "ALL", null));

        Assert.Equal((int)ResponseCode.Success, one.Code);
        Assert.Equal(5, Requests.Long(await node.BrokerAsync(Query("ONE", "C1", 0)), "offset"));
        Assert.Equal(3, Requests.Long(await node.BrokerAsync(Query("ONE", "C1", 1)), "offset"));
        Assert.Equal(0, Requests.Long(await node.BrokerAsync(Query("ONE", "C2", 0)), "offset"));
        Assert.Equal((int)ResponseCode.Success, all.Code);
        Assert.Equal(5, Requests.Long(await node.BrokerAsync(Query("ALL", "C1", 0)), "offset"));
        Assert.Equal(1, Requests.Long(await node.BrokerAsync(Query("ALL", "C2", 0)), "offset"));
    }

    [Fact]
    public async Task ConsumerStatus_AsksTheClientsAtOnce_SoSilentOnesCostOneTimeoutNotOneEach()
    {
        await using var node = await BrokerFixture.StartAsync();
        var secondRequests = new System.Collections.Concurrent.ConcurrentQueue<RemotingCommand>();
        await using var second = node.NewClient(secondRequests);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Heartbeat("cid-1", "SG", "ST"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await second.InvokeAsync(node.BrokerAddress, Requests.Heartbeat("cid-2", "SG", "ST"), TimeSpan.FromSeconds(5))).Code);
        var ask = CommandHeader.CreateRequest(RequestCode.InvokeBrokerToGetConsumerStatus, new GetConsumerStatusRequestHeader { Topic = "ST", Group = "SG" });

        // Neither test client answers 221. mqadmin waits 5 s for the broker's whole answer.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = await node.Client.InvokeAsync(node.BrokerAddress, ask, TimeSpan.FromSeconds(15));
        clock.Stop();

        Assert.Equal((int)ResponseCode.Success, status.Code);
        Assert.Empty(GetConsumerStatusBody.Decode(status.Body.Span).ConsumerTable);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        Assert.Single(node.ServerRequests, r => r.Code == (int)RequestCode.GetConsumerStatusFromClient);
        Assert.Single(secondRequests, r => r.Code == (int)RequestCode.GetConsumerStatusFromClient);
    }

    private static RemotingCommand Reset(string topic, string group, long timestamp, bool force) =>
        CommandHeader.CreateRequest(
            RequestCode.InvokeBrokerToResetOffset, new ResetOffsetRequestHeader { Topic = topic, Group = group, Timestamp = timestamp, IsForce = force });

    private static RemotingCommand Clone(string source, string destination, string? topic) =>
        CommandHeader.CreateRequest(
            RequestCode.CloneGroupOffset, new CloneGroupOffsetRequestHeader { SrcGroup = source, DestGroup = destination, Topic = topic, Offline = true });

    private static async Task SendAsync(BrokerFixture node, string topic, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2(topic, "m" + i, 0))).Code);
        }
    }

    private static async Task<RemotingCommand> WaitForRequestAsync(BrokerFixture node, RequestCode code)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var request in node.ServerRequests)
            {
                if (request.Code == (int)code)
                {
                    return request;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the broker sent no " + code);
    }
}
