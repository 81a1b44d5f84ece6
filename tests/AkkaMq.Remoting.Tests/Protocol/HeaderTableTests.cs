using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class HeaderTableTests
{
    [Fact]
    public void SendV2_DecodesOneLetterKeys()
    {
        var request = Frames.DecodeSingle(GoldenFrames.JsonSendRequest);

        Assert.True(SendMessageRequestHeader.TryDecode(request, out var header, out var error), error);

        Assert.Equal("PG", header.ProducerGroup);
        Assert.Equal("TopicTest", header.Topic);
        Assert.Equal("TBW102", header.DefaultTopic);
        Assert.Equal(4, header.DefaultTopicQueueNums);
        Assert.Equal(0, header.QueueId);
        Assert.Equal(1700000000000L, header.BornTimestamp);
        Assert.Equal(0, header.ReconsumeTimes);
        Assert.False(header.UnitMode);
        Assert.Null(header.MaxReconsumeTimes);
        Assert.Null(header.Batch);
        Assert.Equal("broker-a", header.BrokerName);
    }

    [Fact]
    public void SendHeader_V2KeysMapToV1NamesBothWays()
    {
        var header = SampleSendHeader();

        var v2 = CommandHeader.CreateRequest(RequestCode.SendMessageV2, header, style: HeaderKeyStyle.Short);
        var v1 = CommandHeader.CreateRequest(RequestCode.SendMessage, header);

        string[] shortKeys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"];
        string[] longKeys =
        [
            "producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId", "sysFlag", "bornTimestamp",
            "flag", "properties", "reconsumeTimes", "unitMode", "maxReconsumeTimes", "batch", "bname",
        ];
        Assert.Equal(shortKeys, v2.ExtFields.Keys);
        Assert.Equal(longKeys, v1.ExtFields.Keys);
        for (int i = 0; i < shortKeys.Length; i++)
        {
            Assert.Equal(v1.ExtFields[longKeys[i]], v2.ExtFields[shortKeys[i]]);
            Assert.Equal(shortKeys[i], SendMessageRequestHeader.Table.KeyOf(longKeys[i], HeaderKeyStyle.Short));
        }

        Assert.True(SendMessageRequestHeader.TryDecode(v2, out var fromV2, out _));
        Assert.True(SendMessageRequestHeader.TryDecode(v1, out var fromV1, out _));
        Assert.Equivalent(header, fromV2);
        Assert.Equivalent(header, fromV1);
    }

    [Fact]
    public void BatchSend_UsesShortKeys()
    {
        Assert.Equal(HeaderKeyStyle.Short, SendMessageRequestHeader.KeyStyleFor((int)RequestCode.SendBatchMessage));
        Assert.Equal(HeaderKeyStyle.Full, SendMessageRequestHeader.KeyStyleFor((int)RequestCode.SendMessage));
    }

    [Fact]
    public void MissingRequiredField_ErrorNamesTheField()
    {
        var request = CommandHeader.CreateRequest(RequestCode.SendMessageV2, SampleSendHeader(), style: HeaderKeyStyle.Short);
        request.ExtFields.Remove("b");

        Assert.False(SendMessageRequestHeader.TryDecode(request, out _, out var error));

        Assert.Contains("topic", error);
        Assert.Contains("<b/topic>", error);
        var exception = Assert.Throws<RemotingCommandException>(() => CommandHeader.Decode<PullMessageRequestHeader>(request));
        Assert.Contains("consumerGroup", exception.Message);
    }

    [Fact]
    public void UnparsableRequiredNumber_IsAnError_UnparsableOptionalIsSkipped()
    {
        var request = RemotingCommand.CreateRequest(RequestCode.QueryConsumerOffset);
        request.ExtFields["consumerGroup"] = "G";
        request.ExtFields["topic"] = "T";
        request.ExtFields["queueId"] = "zero";

        Assert.False(CommandHeader.TryDecode<QueryConsumerOffsetRequestHeader>(request, out _, out var error));
        Assert.Contains("queueId", error);

        var send = CommandHeader.CreateRequest(RequestCode.SendMessageV2, SampleSendHeader(), style: HeaderKeyStyle.Short);
        send.ExtFields["j"] = "not-a-number";
        Assert.True(SendMessageRequestHeader.TryDecode(send, out var header, out _));
        Assert.Null(header.ReconsumeTimes);
    }

    [Fact]
    public void AliOnsNumericJson_DecodesIntoTypedHeaders()
    {
        const string json = "{\"code\":11,\"language\":\"JAVA\",\"opaque\":3,\"version\":121,\"flag\":0,\"extFields\":{\"consumerGroup\":\"G\",\"topic\":\"T\",\"queueId\":2,\"queueOffset\":100,\"maxMsgNums\":32,\"sysFlag\":7,\"commitOffset\":99,\"suspendTimeoutMillis\":15000,\"subscription\":\"*\",\"subVersion\":1700000000000}}";
        var request = Frames.DecodeSingle(Frames.Json(json));

        var header = CommandHeader.Decode<PullMessageRequestHeader>(request);

        Assert.Equal(2, header.QueueId);
        Assert.Equal(100, header.QueueOffset);
        Assert.Equal(7, header.SysFlag);
        Assert.Equal(15000, header.SuspendTimeoutMillis);
        Assert.Equal(1700000000000L, header.SubVersion);
        Assert.Null(header.ExpressionType);
    }

    [Fact]
    public void CppStyleUnitMode_ZeroReadsFalse_AndBooleansFollowJava()
    {
        var request = RemotingCommand.CreateRequest(RequestCode.ConsumerSendMsgBack);
        request.ExtFields["offset"] = "1";
        request.ExtFields["group"] = "G";
        request.ExtFields["delayLevel"] = "0";
        request.ExtFields["unitMode"] = "0";

        Assert.False(CommandHeader.Decode<ConsumerSendMsgBackRequestHeader>(request).UnitMode);
        request.ExtFields["unitMode"] = "TRUE";
        Assert.True(CommandHeader.Decode<ConsumerSendMsgBackRequestHeader>(request).UnitMode);
    }

    [Fact]
    public void ResponseHeaders_EncodeEveryFieldAsText()
    {
        var response = RemotingCommand.CreateResponse((int)ResponseCode.Success);

        CommandHeader.Encode(new SendMessageResponseHeader { MsgId = "ID", QueueId = 1, QueueOffset = 17 }, response);
        CommandHeader.Encode(new PullMessageResponseHeader { NextBeginOffset = 5, MaxOffset = 9 }, response);

        Assert.Equal("1", response.ExtFields["queueId"]);
        Assert.Equal("17", response.ExtFields["queueOffset"]);
        Assert.Equal("DefaultRegion", response.ExtFields["MSG_REGION"]);
        Assert.Equal("true", response.ExtFields["TRACE_ON"]);
        Assert.False(response.ExtFields.ContainsKey("transactionId"));
        Assert.Equal("0", response.ExtFields["suggestWhichBrokerId"]);
        Assert.Equal("5", response.ExtFields["nextBeginOffset"]);
        Assert.Equal("0", response.ExtFields["minOffset"]);
        Assert.Equal("9", response.ExtFields["maxOffset"]);
    }

    [Fact]
    public void EveryHeaderTable_RoundTripsItsOwnEncoding()
    {
        AssertRoundTrip(new EndTransactionRequestHeader { ProducerGroup = "P", TranStateTableOffset = 3, CommitLogOffset = 4, CommitOrRollback = 8, FromTransactionCheck = true, MsgId = "M" });
        AssertRoundTrip(new CreateTopicRequestHeader { Topic = "T", DefaultTopic = "TBW102", ReadQueueNums = 8, WriteQueueNums = 8, Perm = 6, TopicFilterType = "SINGLE_TAG", Order = false });
        AssertRoundTrip(new UpdateConsumerOffsetRequestHeader { ConsumerGroup = "G", Topic = "T", QueueId = 1, CommitOffset = 42 });
        AssertRoundTrip(new SearchOffsetRequestHeader { Topic = "T", QueueId = 1, Timestamp = 1700000000000 });
        AssertRoundTrip(new UnregisterClientRequestHeader { ClientId = "1.2.3.4@1", ConsumerGroup = "G" });
        AssertRoundTrip(new GetRouteInfoRequestHeader { Topic = "T", AcceptStandardJsonOnly = true });
        AssertRoundTrip(new ViewMessageRequestHeader { Offset = 1234 });
        AssertRoundTrip(new GetMaxOffsetRequestHeader { Topic = "T", QueueId = 3, BrokerName = "b" });
        AssertRoundTrip(new DeleteTopicRequestHeader { Topic = "T" });
        AssertRoundTrip(new GetConsumerListByGroupRequestHeader { ConsumerGroup = "G" });
        AssertRoundTrip(new GetEarliestMsgStoretimeResponseHeader { Timestamp = 5 });
    }

    private static void AssertRoundTrip<T>(T header)
        where T : class, ICommandHeader<T>, new()
    {
        var request = CommandHeader.CreateRequest(RequestCode.HeartBeat, header);
        var decoded = Frames.DecodeSingle(FrameEncoder.ToArray(request));

        Assert.True(CommandHeader.TryDecode<T>(decoded, out var back, out var error), error);
        Assert.Equivalent(header, back);
    }

    private static SendMessageRequestHeader SampleSendHeader() => new()
    {
        ProducerGroup = "PG",
        Topic = "%RETRY%G",
        DefaultTopic = "TBW102",
        DefaultTopicQueueNums = 4,
        QueueId = -1,
        SysFlag = 1,
        BornTimestamp = 1700000000123,
        Flag = 5,
        Properties = "TAGS\u0001a\u0002",
        ReconsumeTimes = 2,
        UnitMode = false,
        MaxReconsumeTimes = 16,
        Batch = true,
        BrokerName = "broker-a",
    };
}
