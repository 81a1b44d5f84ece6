using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Broker.Tests;

/// <summary>
/// RocketMQ 4.9's limits, each answered with its response code and remark: topic name rules
/// (TopicValidator), topics a client may not send to or an admin may not create, body sizes.
/// </summary>
public sealed class LimitTests : IAsyncLifetime
{
    private const string IllegalCharacters = "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
    private const string TooLong = "The specified topic is longer than topic max length.";

    /// <summary>The fixture's max-message-size.</summary>
    private const int MaxBody = 64 * 1024;

    /// <summary>RocketMQ's one remark for every size refusal of the store (body, record, properties).</summary>
    private const string SizeRemark = "the message is illegal, maybe msg body or properties length not matched. msg body length limit 65536B, msg properties length limit 32KB.";

    /// <summary>What the broker appends to the sent properties: the separator, <c>CLUSTER</c>, its separator and the cluster name.</summary>
    private const int StoredPropertiesOverhead = 1 + 7 + 1 + 11;

    private BrokerFixture _node = null!;

    public async Task InitializeAsync() => _node = await BrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("a.b")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a*b")]
    [InlineData("tópico")]
    [InlineData("a#b")]
    public async Task Send_ToATopicWithAnIllegalCharacter_IsSystemError(string topic)
    {
        var response = await _node.BrokerAsync(Requests.SendV2(topic, "x"));

        Assert.Equal(((int)ResponseCode.SystemError, IllegalCharacters), (response.Code, response.Remark));
    }

    [Fact]
    public async Task Send_AcceptsEveryLegalCharacter_AndATopicOf127Characters()
    {
        var legal = await _node.BrokerAsync(Requests.SendV2("%RETRY%a|Z_0-9", "x"));
        var longest = await _node.BrokerAsync(Requests.SendV2(new string('t', 127), "x"));

        Assert.Equal((int)ResponseCode.Success, legal.Code);
        Assert.Equal((int)ResponseCode.Success, longest.Code);
    }

    [Fact]
    public async Task Send_ToATopicOf128Characters_IsSystemError()
    {
        var response = await _node.BrokerAsync(Requests.SendV2(new string('t', 128), "x"));

        Assert.Equal(((int)ResponseCode.SystemError, TooLong), (response.Code, response.Remark));
    }

    [Fact]
    public async Task TopicRules_CheckCharactersBeforeLength_AsRocketMq()
    {
        var response = await _node.BrokerAsync(Requests.SendV2(new string('t', 200) + ".", "x"));

        Assert.Equal(IllegalCharacters, response.Remark);
    }

    [Theory]
    [InlineData("SCHEDULE_TOPIC_XXXX")]
    [InlineData("RMQ_SYS_TRANS_HALF_TOPIC")]
    [InlineData("RMQ_SYS_TRANS_OP_HALF_TOPIC")]
    [InlineData("TRANS_CHECK_MAX_TIME_TOPIC")]
    [InlineData("SELF_TEST_TOPIC")]
    [InlineData("OFFSET_MOVED_EVENT")]
    public async Task Send_ToATopicRocketMqForbids_IsNoPermission(string topic)
    {
        var single = await _node.BrokerAsync(Requests.SendV2(topic, "x"));
        var batch = await _node.BrokerAsync(Requests.SendBatch(topic, -1, ("a", "")));

        Assert.Equal(((int)ResponseCode.NoPermission, $"Sending message to topic[{topic}] is forbidden."), (single.Code, single.Remark));
        Assert.Equal((int)ResponseCode.NoPermission, batch.Code);
    }

    [Fact]
    public async Task Send_ToTheClusterName_IsAllowedAsInRocketMq49()
    {
        // 4.9's send path no longer reserves the cluster name (only admin creation does).
        var response = await _node.BrokerAsync(Requests.SendV2(BrokerFixture.Cluster, "x"));

        Assert.Equal((int)ResponseCode.Success, response.Code);
    }

    [Theory]
    [InlineData(RequestCode.SendMessage, MaxBody - 1, true)]
    [InlineData(RequestCode.SendMessage, MaxBody, true)]
    [InlineData(RequestCode.SendMessage, MaxBody + 1, false)]
    [InlineData(RequestCode.SendMessageV2, MaxBody - 1, true)]
    [InlineData(RequestCode.SendMessageV2, MaxBody, true)]
    [InlineData(RequestCode.SendMessageV2, MaxBody + 1, false)]
    public async Task Send_OfABodyUpToMaxMessageSize_IsStored_AndOneByteOver_IsMessageIllegal(RequestCode code, int length, bool stored)
    {
        string topic = "Size" + (int)code + "_" + length;
        var request = code == RequestCode.SendMessage
            ? Requests.SendV1(topic, new string('x', length), 0, Requests.Props(("TAGS", "t")))
            : Requests.SendV2(topic, new string('x', length), 0, Requests.Props(("TAGS", "t")));

        var response = await _node.BrokerAsync(request);

        Assert.Equal(stored ? ((int)ResponseCode.Success, null) : ((int)ResponseCode.MessageIllegal, SizeRemark), (response.Code, response.Remark));
        Assert.Equal(stored ? 1 : 0, await MaxOffsetAsync(topic));
    }

    [Fact]
    public async Task Send_OfAMaxSizeBody_WithTheLongestTopicAndProperties_IsStored_ThoughTheRecordIsLarger()
    {
        // The record is body + topic + properties + 91 header bytes, well over max-message-size:
        // RocketMQ bounds the body by it and keeps 64 KiB beside it for the rest.
        string topic = new('t', 127);
        string properties = Requests.Props(("KEYS", new string('k', 32_767 - StoredPropertiesOverhead - 5)));

        var response = await _node.BrokerAsync(Requests.SendV2(topic, new string('x', MaxBody), 0, properties));

        Assert.Equal((int)ResponseCode.Success, response.Code);
        var record = Assert.Single(Requests.Records((await _node.BrokerAsync(Requests.Pull("G", topic, 0, 0))).Body));
        Assert.Equal(MaxBody, record.Body.Length);
        Assert.Equal(91 + MaxBody + 127 + 32_767, record.StoredSize);
    }

    [Theory]
    [InlineData(32_767, true)]
    [InlineData(32_768, false)]
    public async Task Send_WithStoredPropertiesUpTo32767Bytes_IsStored_AndOver_IsMessageIllegal(int storedLength, bool stored)
    {
        // The broker adds CLUSTER to what the client sent; the stored string is what counts.
        string topic = "Props" + storedLength;
        string properties = Requests.Props(("KEYS", new string('k', storedLength - StoredPropertiesOverhead - 5)));

        var response = await _node.BrokerAsync(Requests.SendV2(topic, "x", 0, properties));

        Assert.Equal(stored ? ((int)ResponseCode.Success, null) : ((int)ResponseCode.MessageIllegal, SizeRemark), (response.Code, response.Remark));
        Assert.Equal(stored ? 1 : 0, await MaxOffsetAsync(topic));
    }

    [Fact]
    public async Task Send_WithPropertiesOver32767Characters_IsMessageIllegal_AndStoresNothing()
    {
        var properties = Requests.Props(("KEYS", new string('k', 40_000)));

        var response = await _node.BrokerAsync(Requests.SendV2("PropsTopic", "x", 0, properties));

        Assert.Equal(((int)ResponseCode.MessageIllegal, SizeRemark), (response.Code, response.Remark));
        Assert.Equal(0, await MaxOffsetAsync("PropsTopic"));
    }

    [Theory]
    [InlineData(MaxBody - 1, true)]
    [InlineData(MaxBody, true)]
    [InlineData(MaxBody + 1, false)]
    public async Task Batch_WhoseWholeBodyIsUpToMaxMessageSize_IsStored_AndOver_IsMessageIllegal(int batchLength, bool stored)
    {
        // Two items: 22 bytes of fields each, no properties; the second body fills up to the length.
        string topic = "BatchSize" + batchLength;
        var request = Requests.SendBatch(topic, 0, ("first", ""), (new string('y', batchLength - 44 - 5), ""));
        Assert.Equal(batchLength, request.Body.Length);

        var response = await _node.BrokerAsync(request);

        Assert.Equal(stored ? ((int)ResponseCode.Success, null) : ((int)ResponseCode.MessageIllegal, SizeRemark), (response.Code, response.Remark));
        Assert.Equal(stored ? 2 : 0, await MaxOffsetAsync(topic));
    }

    [Fact]
    public async Task Batch_WhoseBodyIsOverTheLimit_IsMessageIllegal_AndStoresNothing()
    {
        var before = await _node.BrokerAsync(Requests.SendBatch("BatchSizeTopic", 0, ("first", "")));
        Assert.Equal((int)ResponseCode.Success, before.Code);

        var response = await _node.BrokerAsync(Requests.SendBatch("BatchSizeTopic", 0, ("small", ""), (new string('x', 40 * 1024), ""), (new string('y', 40 * 1024), "")));

        Assert.Equal(((int)ResponseCode.MessageIllegal, SizeRemark), (response.Code, response.Remark));
        Assert.Equal(1, await MaxOffsetAsync("BatchSizeTopic"));
    }

    [Fact]
    public async Task Batch_ToATopicOf128Characters_IsSystemError()
    {
        var response = await _node.BrokerAsync(Requests.SendBatch(new string('t', 128), 0, ("a", "")));

        Assert.Equal(((int)ResponseCode.SystemError, TooLong), (response.Code, response.Remark));
    }

    [Theory]
    [InlineData("bad.topic", IllegalCharacters)]
    [InlineData("", "The specified topic is blank.")]
    public async Task CreateTopic_WithAnIllegalName_IsSystemError(string topic, string remark)
    {
        var response = await _node.BrokerAsync(CreateTopic(topic, 4, 4));

        Assert.Equal(((int)ResponseCode.SystemError, remark), (response.Code, response.Remark));
    }

    [Fact]
    public async Task CreateTopic_Of128Characters_IsSystemError()
    {
        var response = await _node.BrokerAsync(CreateTopic(new string('c', 128), 4, 4));

        Assert.Equal(((int)ResponseCode.SystemError, TooLong), (response.Code, response.Remark));
    }

    [Theory]
    [InlineData("TBW102")]
    [InlineData("SCHEDULE_TOPIC_XXXX")]
    [InlineData("BenchmarkTest")]
    [InlineData("RMQ_SYS_TRACE_TOPIC")]
    [InlineData("rmq_sys_anything")]
    [InlineData("OFFSET_MOVED_EVENT")]
    [InlineData(BrokerFixture.Cluster)]
    [InlineData(BrokerFixture.Group)]
    [InlineData(BrokerFixture.Cluster + "_REPLY_TOPIC")]
    public async Task CreateTopic_WithASystemTopicName_IsSystemError(string topic)
    {
        var response = await _node.BrokerAsync(CreateTopic(topic, 4, 4));

        Assert.Equal(((int)ResponseCode.SystemError, $"The topic[{topic}] is conflict with system topic."), (response.Code, response.Remark));
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, 0)]
    [InlineData(-1, 4)]
    [InlineData(1025, 1025)]
    public async Task CreateTopic_WithAnIllegalQueueCount_IsSystemError_AndCreatesNothing(int read, int write)
    {
        var response = await _node.BrokerAsync(CreateTopic("QueueCountTopic", read, write));

        Assert.Equal((int)ResponseCode.SystemError, response.Code);
        Assert.Contains($"queue counts must be 1..1024, got read {read} write {write}", response.Remark, StringComparison.Ordinal);
        var route = await _node.NameServerAsync(CommandHeader.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "QueueCountTopic" }));
        Assert.Equal((int)ResponseCode.TopicNotExist, route.Code);
    }

    [Fact]
    public async Task CreateTopic_With1024Queues_IsAccepted()
    {
        var response = await _node.BrokerAsync(CreateTopic("WideTopic", 1024, 1024));

        Assert.Equal((int)ResponseCode.Success, response.Code);
    }

    private async Task<long> MaxOffsetAsync(string topic)
    {
        var max = await _node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = topic, QueueId = 0 }));
        return max.Code == (int)ResponseCode.Success ? Requests.Long(max, "offset") : 0;
    }

    private static RemotingCommand CreateTopic(string topic, int read, int write) =>
        CommandHeader.CreateRequest(RequestCode.UpdateAndCreateTopic, new CreateTopicRequestHeader
        {
            Topic = topic,
            DefaultTopic = "TBW102",
            ReadQueueNums = read,
            WriteQueueNums = write,
            Perm = 6,
            TopicFilterType = "SINGLE_TAG",
            TopicSysFlag = 0,
        });
}
