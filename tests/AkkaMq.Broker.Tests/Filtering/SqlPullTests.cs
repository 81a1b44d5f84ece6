using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests.Filtering;

public sealed class SqlPullTests
{
    private static RemotingCommand SqlPull(string group, string topic, long offset, string? expression, int sysFlag = 0x4, long subVersion = 1) =>
        CommandHeader.CreateRequest(RequestCode.PullMessage, new PullMessageRequestHeader
        {
            ConsumerGroup = group,
            Topic = topic,
            QueueId = 0,
            QueueOffset = offset,
            MaxMsgNums = 32,
            SysFlag = sysFlag,
            Subscription = expression,
            SubVersion = subVersion,
            ExpressionType = "SQL92",
        });

    private static RemotingCommand SqlHeartbeat(string clientId, string group, string topic, string expression)
    {
        var consumer = new ConsumerData { GroupName = group };
        consumer.SubscriptionDataSet.Add(new SubscriptionData { Topic = topic, SubString = expression, ExpressionType = "SQL92", SubVersion = 7 });
        var data = new HeartbeatData { ClientId = clientId, ConsumerDataSet = [consumer] };
        return RemotingCommand.CreateRequest(RequestCode.HeartBeat, null, data.Encode());
    }

    private static RemotingCommand CheckConfig(string group, string topic, string expression, string type = "SQL92") =>
        RemotingCommand.CreateRequest(RequestCode.CheckClientConfig, null, new CheckClientRequestBody
        {
            ClientId = "c1",
            Group = group,
            SubscriptionData = new SubscriptionData { Topic = topic, SubString = expression, ExpressionType = type },
        }.Encode());

    private static async Task SendNumbered(BrokerFixture node, string topic, int count)
    {
        for (int i = 0; i < count; i++)
        {
            string parity = i % 2 == 0 ? "even" : "odd";
            var response = await node.BrokerAsync(Requests.SendV2(topic, "m" + i, 0, Requests.Props(("TAGS", "T" + i), ("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("kind", parity))));
            Assert.Equal((int)ResponseCode.Success, response.Code);
        }
    }

    [Fact]
    public async Task Pull_WithSql92Subscription_ReturnsOnlyMatchingRecords()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendNumbered(node, "S1", 10);

        var found = await node.BrokerAsync(SqlPull("G", "S1", 0, "n >= 3 AND kind = 'odd'"));
        Assert.Equal((int)ResponseCode.Success, found.Code);
        var bodies = Requests.Records(found.Body).Select(r => System.Text.Encoding.UTF8.GetString(r.Body)).ToList();
        Assert.Equal(["m3", "m5", "m7", "m9"], bodies);
        Assert.Equal(10, Requests.Long(found, "nextBeginOffset"));

        var byTag = await node.BrokerAsync(SqlPull("G", "S1", 0, "TAGS IN ('T2', 'T4')"));
        Assert.Equal(["m2", "m4"], Requests.Records(byTag.Body).Select(r => System.Text.Encoding.UTF8.GetString(r.Body)).ToList());
    }

    [Fact]
    public async Task Pull_WhenNothingMatches_AdvancesLikeATagFilter()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendNumbered(node, "S2", 4);

        var none = await node.BrokerAsync(SqlPull("G", "S2", 0, "missing = 1 OR n > 100"));
        Assert.Equal((int)ResponseCode.PullRetryImmediately, none.Code);
        Assert.Equal(4, Requests.Long(none, "nextBeginOffset"));
        Assert.Equal(4, Requests.Long(none, "maxOffset"));
    }

    [Fact]
    public async Task Pull_WithABadExpressionInTheRequest_IsRefusedWithParseFailed()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendNumbered(node, "S3", 1);

        var refused = await node.BrokerAsync(SqlPull("G", "S3", 0, "n > "));
        Assert.Equal((int)ResponseCode.SubscriptionParseFailed, refused.Code);
        Assert.Contains("column 5", refused.Remark, StringComparison.Ordinal);
        Assert.NotNull(refused.GetExtField("nextBeginOffset"));
    }

    [Fact]
    public async Task Pull_UsesTheHeartbeatSelector_AndRefusesOneThatDoesNotCompile()
    {
        await using var node = await BrokerFixture.StartAsync();
        await SendNumbered(node, "S4", 6);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(SqlHeartbeat("c1", "GH", "S4", "n BETWEEN 1 AND 2"))).Code);
        var found = await node.BrokerAsync(SqlPull("GH", "S4", 0, null, sysFlag: 0, subVersion: 7));
        Assert.Equal((int)ResponseCode.Success, found.Code);
        Assert.Equal(2, Requests.Records(found.Body).Count);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(SqlHeartbeat("c2", "GB", "S4", "n BETWEEN 2 AND 1"))).Code);
        var refused = await node.BrokerAsync(SqlPull("GB", "S4", 0, null, sysFlag: 0, subVersion: 7));
        Assert.Equal((int)ResponseCode.FilterDataNotExist, refused.Code);
        Assert.Contains("must less than or equal to right value", refused.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckClientConfig_AcceptsTagsAndGoodSelectors_AndNamesTheParseError()
    {
        await using var node = await BrokerFixture.StartAsync();

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(CheckConfig("G", "T", "a || b", "TAG"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(CheckConfig("G", "T", "a > 5 AND b IS NOT NULL"))).Code);

        var bad = await node.BrokerAsync(CheckConfig("G", "T", "a >> 5"));
        Assert.Equal((int)ResponseCode.SubscriptionParseFailed, bad.Code);
        Assert.Contains("Encountered \">\"", bad.Remark, StringComparison.Ordinal);
        Assert.Contains("column 4", bad.Remark, StringComparison.Ordinal);

        var garbage = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.CheckClientConfig, null, "{not json"u8.ToArray()));
        Assert.Equal((int)ResponseCode.SystemError, garbage.Code);
    }
}
