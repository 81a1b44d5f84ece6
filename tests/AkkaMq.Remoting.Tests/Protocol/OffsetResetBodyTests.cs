using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>The bodies and headers of offset resets (220, 222) and consumer status (221, 223) in RocketMQ's wire form.</summary>
public sealed class OffsetResetBodyTests
{
    [Fact]
    public void ResetOffsetBody_IsWrittenWithQueueObjectsAsKeys_AsFastjsonDoes()
    {
        var body = new ResetOffsetBody();
        body.OffsetTable[new MessageQueue("T", "broker-a", 1)] = 7;
        body.OffsetTable[new MessageQueue("T", "broker-a", 0)] = 3;

        Assert.Equal(
            "{\"offsetTable\":{{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"T\"}:3,{\"brokerName\":\"broker-a\",\"queueId\":1,\"topic\":\"T\"}:7}}",
            Encoding.UTF8.GetString(body.Encode()));
    }

    [Fact]
    public void ResetOffsetBody_ReadsBothTheJavaAndTheCppForm()
    {
        var java = ResetOffsetBody.Decode("{\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":2,\"topic\":\"T\"}:11}}"u8);
        var cpp = ResetOffsetBody.Decode("{\"offsetTable\":[{\"brokerName\":\"b\",\"offset\":11,\"queueId\":2,\"topic\":\"T\"}]}"u8);

        Assert.Equal(11, java.OffsetTable[new MessageQueue("T", "b", 2)]);
        Assert.Equal(java.OffsetTable, cpp.OffsetTable);
    }

    [Fact]
    public void ResetOffsetBody_CppForm_IsRocketMqsMessageQueueForCList()
    {
        var body = new ResetOffsetBody();
        body.OffsetTable[new MessageQueue("T", "b", 0)] = 5;

        Assert.Equal("{\"offsetTable\":[{\"brokerName\":\"b\",\"offset\":5,\"queueId\":0,\"topic\":\"T\"}]}", Encoding.UTF8.GetString(body.EncodeForCpp()));
    }

    [Fact]
    public void GetConsumerStatusBody_RoundTripsBothTables()
    {
        var body = new GetConsumerStatusBody();
        body.MessageQueueTable[new MessageQueue("T", "b", 0)] = 4;
        body.ConsumerTable["10.0.0.1@1"] = new Dictionary<MessageQueue, long> { [new MessageQueue("T", "b", 1)] = 9 };

        var decoded = GetConsumerStatusBody.Decode(body.Encode());

        Assert.Equal(4, decoded.MessageQueueTable[new MessageQueue("T", "b", 0)]);
        Assert.Equal(9, decoded.ConsumerTable["10.0.0.1@1"][new MessageQueue("T", "b", 1)]);
    }

    [Fact]
    public void ResetOffsetHeader_UsesJavasFieldNames_IncludingIsForce()
    {
        var request = CommandHeader.CreateRequest(
            RequestCode.InvokeBrokerToResetOffset, new ResetOffsetRequestHeader { Topic = "T", Group = "G", Timestamp = -1, IsForce = true });

        Assert.Equal("T", request.ExtFields["topic"]);
        Assert.Equal("G", request.ExtFields["group"]);
        Assert.Equal("-1", request.ExtFields["timestamp"]);
        Assert.Equal("true", request.ExtFields["isForce"]);
    }

    [Fact]
    public void ResetOffsetHeader_WithoutIsForce_IsRefusedNamingIt()
    {
        var request = RemotingCommand.CreateRequest(RequestCode.InvokeBrokerToResetOffset);
        request.ExtFields["topic"] = "T";
        request.ExtFields["group"] = "G";
        request.ExtFields["timestamp"] = "0";

        Assert.False(CommandHeader.TryDecode<ResetOffsetRequestHeader>(request, out _, out var error));
        Assert.Contains("isForce", error);
    }
}
