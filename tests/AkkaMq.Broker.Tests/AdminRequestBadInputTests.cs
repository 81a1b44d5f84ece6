using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Tests;

/// <summary>Malformed headers on the admin requests the broker gained for mqadmin: a RocketMQ code and a remark naming the problem, never an exception's text.</summary>
public sealed class AdminRequestBadInputTests
{
    [Theory]
    [InlineData(RequestCode.ViewBrokerStatsData, "")]
    [InlineData(RequestCode.QueryConsumeQueue, "")]
    [InlineData(RequestCode.QueryConsumeQueue, "topic=T;queueId=x;index=0;count=1")]
    [InlineData(RequestCode.QueryConsumeQueue, "topic=T;queueId=0;index=zero;count=1")]
    [InlineData(RequestCode.QueryConsumeTimeSpan, "topic=T")]
    [InlineData(RequestCode.InvokeBrokerToResetOffset, "topic=T;group=G;timestamp=soon;isForce=true")]
    [InlineData(RequestCode.InvokeBrokerToResetOffset, "topic=T;group=G")]
    [InlineData(RequestCode.InvokeBrokerToGetConsumerStatus, "topic=T")]
    [InlineData(RequestCode.CloneGroupOffset, "srcGroup=A")]
    public async Task MalformedHeaders_AreRefusedWithARemark_AndTheBrokerKeepsServing(RequestCode code, string fields)
    {
        await using var node = await BrokerFixture.StartAsync();

        var response = await node.BrokerAsync(Request(code, fields));

        Assert.NotEqual((int)ResponseCode.Success, response.Code);
        Assert.False(string.IsNullOrWhiteSpace(response.Remark));
        Assert.DoesNotContain("Exception", response.Remark, StringComparison.Ordinal);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("StillServing", "x"))).Code);
    }

    [Theory]
    [InlineData("topic=QT;queueId=-1;index=0;count=5")]
    [InlineData("topic=QT;queueId=0;index=-7;count=5")]
    [InlineData("topic=QT;queueId=0;index=0;count=-5")]
    [InlineData("topic=QT;queueId=0;index=0;count=2147483647")]
    [InlineData("topic=QT;queueId=99;index=0;count=5")]
    public async Task QueryConsumeQueue_OutOfRangeNumbers_AreAnsweredNotThrown(string fields)
    {
        await using var node = await BrokerFixture.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("QT", "x", 0))).Code);

        var response = await node.BrokerAsync(Request(RequestCode.QueryConsumeQueue, fields));

        Assert.DoesNotContain("Exception", response.Remark ?? string.Empty, StringComparison.Ordinal);
        Assert.True(response.Code is (int)ResponseCode.Success or (int)ResponseCode.SystemError, $"code {response.Code}: {response.Remark}");
    }

    private static RemotingCommand Request(RequestCode code, string fields)
    {
        var request = RemotingCommand.CreateRequest(code);
        foreach (var pair in fields.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            request.ExtFields[key] = value;
        }

        return request;
    }
}
