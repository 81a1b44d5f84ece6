using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Broker.Tests;

public sealed class BadInputTests
{
    [Fact]
    public async Task BadRequests_GetRocketMqCodes_AndTheBrokerKeepsServing()
    {
        await using var node = await BrokerFixture.StartAsync();

        var illegal = await node.BrokerAsync(Requests.SendV2("bad topic!", "x"));
        Assert.Equal((int)ResponseCode.SystemError, illegal.Code);
        Assert.Contains("illegal", illegal.Remark, StringComparison.Ordinal);

        var oversized = await node.BrokerAsync(Requests.SendV2("Big", new string('x', 64 * 1024 + 1)));
        Assert.Equal((int)ResponseCode.MessageIllegal, oversized.Code);
        Assert.Equal("the message is illegal, maybe msg body or properties length not matched. msg body length limit 65536B, msg properties length limit 32KB.", oversized.Remark);

        var system = await node.BrokerAsync(Requests.SendV2("SCHEDULE_TOPIC_XXXX", "x"));
        Assert.Equal((int)ResponseCode.NoPermission, system.Code);
        var offsetsTopic = await node.BrokerAsync(Requests.SendV2("AKKAMQ_SYS_CONSUMER_OFFSETS", "x"));
        Assert.Equal((int)ResponseCode.NoPermission, offsetsTopic.Code);

        var missingField = Requests.SendV2("T", "x");
        missingField.ExtFields.Remove("b");
        var noTopic = await node.BrokerAsync(missingField);
        Assert.Equal((int)ResponseCode.SystemError, noTopic.Code);
        Assert.Contains("b/topic", noTopic.Remark, StringComparison.Ordinal);

        var queueTooHigh = await node.BrokerAsync(Requests.SendV2("Q", "x", queueId: 99));
        Assert.Equal((int)ResponseCode.SystemError, queueTooHigh.Code);
        Assert.Contains("queueId[99] is illegal", queueTooHigh.Remark, StringComparison.Ordinal);

        var badBatch = RemotingCommand.CreateRequest(RequestCode.SendBatchMessage, Requests.SendBatch("T", 0, ("a", "")).ExtFields, new byte[] { 0, 0, 0, 9, 1 });
        Assert.Equal((int)ResponseCode.MessageIllegal, (await node.BrokerAsync(badBatch)).Code);

        var badHeartbeat = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.HeartBeat, null, "{not json"u8.ToArray()));
        Assert.Equal((int)ResponseCode.SystemError, badHeartbeat.Code);

        var endUnknownHalf = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.EndTransaction, new EndTransactionRequestHeader
        {
            ProducerGroup = "PG", TranStateTableOffset = 42, CommitLogOffset = 4242, CommitOrRollback = 8, MsgId = "m",
        }));
        Assert.Equal(((int)ResponseCode.SystemError, "Find prepared transaction message failed"), (endUnknownHalf.Code, endUnknownHalf.Remark));

        var unknown = await node.BrokerAsync(RemotingCommand.CreateRequest(9999));
        Assert.Equal((int)ResponseCode.RequestCodeNotSupported, unknown.Code);
        Assert.Equal(" request type 9999 not supported", unknown.Remark);

        var pullNoHeader = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.PullMessage));
        Assert.Equal((int)ResponseCode.SystemError, pullNoHeader.Code);
        Assert.NotNull(pullNoHeader.GetExtField("maxOffset"));

        var ok = await node.BrokerAsync(Requests.SendV2("StillWorks", "x"));
        Assert.Equal((int)ResponseCode.Success, ok.Code);
    }
}
