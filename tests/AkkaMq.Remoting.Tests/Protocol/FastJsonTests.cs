using System.Text;
using System.Text.Json;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Remoting.Tests.Protocol;

public sealed class FastJsonTests
{
    [Fact]
    public void UnquotedIntegerKeys_Parse()
    {
        using var document = FastJson.Parse("{\"brokerAddrs\":{0:\"127.0.0.1:10911\",1:\"127.0.0.1:10921\"}}"u8);

        var addrs = document.RootElement.GetProperty("brokerAddrs");

        Assert.Equal("127.0.0.1:10911", addrs.GetProperty("0").GetString());
        Assert.Equal("127.0.0.1:10921", addrs.GetProperty("1").GetString());
    }

    [Fact]
    public void FastJsonRoute_WithBareBrokerIds_Decodes()
    {
        var body = "{\"brokerDatas\":[{\"brokerAddrs\":{0:\"10.0.0.5:10911\",1:\"10.0.0.6:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSynFlag\":0,\"writeQueueNums\":4}]}"u8;

        var route = TopicRouteData.Decode(body);

        Assert.Equal("10.0.0.5:10911", route.BrokerDatas[0].BrokerAddrs[0]);
        Assert.Equal("10.0.0.6:10911", route.BrokerDatas[0].BrokerAddrs[1]);
        Assert.Equal(4, route.QueueDatas[0].WriteQueueNums);
        Assert.Empty(route.FilterServerTable);
    }

    [Fact]
    public void Route_EncodesTheDocExampleExactly()
    {
        var route = new TopicRouteData
        {
            BrokerDatas = [new BrokerData { Cluster = "DefaultCluster", BrokerName = "broker-a", BrokerAddrs = new() { [0] = "10.0.0.5:10911" } }],
            QueueDatas = [new QueueData { BrokerName = "broker-a", Perm = 6, ReadQueueNums = 4, WriteQueueNums = 4 }],
        };

        string json = Encoding.UTF8.GetString(route.Encode());

        Assert.Equal(
            "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"10.0.0.5:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSysFlag\":0,\"topicSynFlag\":0,\"writeQueueNums\":4}]}",
            json);
        Assert.Contains("{0:\"10.0.0.5:10911\"}", Encoding.UTF8.GetString(route.Encode(quoteBrokerIds: false)));
        Assert.Equal("10.0.0.5:10911", TopicRouteData.Decode(route.Encode()).BrokerDatas[0].BrokerAddrs[0]);
    }

    [Fact]
    public void ObjectKeys_BecomeStringKeysHoldingTheirJson()
    {
        using var document = FastJson.Parse("{\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"brokerOffset\":5}}}"u8);

        var entry = document.RootElement.GetProperty("offsetTable").EnumerateObject().Single();
        using var key = JsonDocument.Parse(entry.Name);

        Assert.Equal("b", key.RootElement.GetProperty("brokerName").GetString());
        Assert.Equal(5, entry.Value.GetProperty("brokerOffset").GetInt32());
    }

    [Fact]
    public void Writer_EmitsObjectKeysAndFastJsonDoubles()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("consumeTps").Number(0.0).PropertyName("offsetTable").StartObject();
        json.StartObject().Property("brokerName", "b").Property("queueId", 0).Property("topic", "T").EndObject();
        json.StartObject().Property("brokerOffset", 5).EndObject();
        json.EndObject().EndObject();

        Assert.Equal("{\"consumeTps\":0.0,\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"brokerOffset\":5}}}", json.ToString());
        using var back = FastJson.Parse(json.WrittenSpan);
        Assert.Single(back.RootElement.GetProperty("offsetTable").EnumerateObject());
    }

    [Fact]
    public void OtherQuirks_SingleQuotesBareKeysTrailingCommasWhitespace()
    {
        using var document = FastJson.Parse(" { 'a' : 'it\\'s \"q\"' , b:1, topic@group : {0:12, 1:7,}, } \n"u8);
        var root = document.RootElement;

        Assert.Equal("it's \"q\"", root.GetProperty("a").GetString());
        Assert.Equal(1, root.GetProperty("b").GetInt32());
        Assert.Equal(7, root.GetProperty("topic@group").GetProperty("1").GetInt32());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\":}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("[1,2")]
    [InlineData("{\"a\":\"unterminated}")]
    [InlineData("{} extra")]
    public void Garbage_ThrowsJsonException(string text)
    {
        Assert.ThrowsAny<JsonException>(() => FastJson.Parse(Encoding.UTF8.GetBytes(text)).Dispose());
    }

    [Fact]
    public void Heartbeat_AcceptsJavaNamesCppNumbersAndCapitalisedKeys()
    {
        var java = HeartbeatData.Decode("{\"clientID\":\"10.0.0.1@123#456\",\"consumerDataSet\":[{\"consumeFromWhere\":\"CONSUME_FROM_FIRST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"G\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{\"classFilterMode\":false,\"codeSet\":[2598919],\"expressionType\":\"TAG\",\"subString\":\"TagA\",\"subVersion\":1700000000000,\"tagsSet\":[\"TagA\"],\"topic\":\"T\"}],\"unitMode\":false}],\"producerDataSet\":[{\"groupName\":\"CLIENT_INNER_PRODUCER\"}]}"u8);
        var cpp = HeartbeatData.Decode("{\"clientID\":\"c\",\"consumerDataSet\":[{\"consumeFromWhere\":4,\"consumeType\":1,\"groupName\":\"G\",\"messageModel\":1,\"subscriptionDataSet\":[]}]}"u8);
        var dotnet = HeartbeatData.Decode("{\"ClientID\":\"n\",\"ConsumerDataSet\":[{\"GroupName\":\"G\",\"MessageModel\":\"BROADCASTING\"}],\"ProducerDataSet\":[]}"u8);

        Assert.Equal("10.0.0.1@123#456", java.ClientId);
        Assert.Equal(ConsumeFromWhere.ConsumeFromFirstOffset, java.ConsumerDataSet[0].ConsumeFromWhere);
        Assert.Equal([2598919], java.ConsumerDataSet[0].SubscriptionDataSet[0].CodeSet);
        Assert.Equal(["CLIENT_INNER_PRODUCER"], java.ProducerGroups);
        Assert.Equal(ConsumeFromWhere.ConsumeFromFirstOffset, cpp.ConsumerDataSet[0].ConsumeFromWhere);
        Assert.Equal(ConsumeType.ConsumePassively, cpp.ConsumerDataSet[0].ConsumeType);
        Assert.Equal(MessageModel.Clustering, cpp.ConsumerDataSet[0].MessageModel);
        Assert.Equal("n", dotnet.ClientId);
        Assert.Equal(MessageModel.Broadcasting, dotnet.ConsumerDataSet[0].MessageModel);

        var again = HeartbeatData.Decode(java.Encode());
        Assert.Equivalent(java, again);
        Assert.Contains("\"consumeFromWhere\":\"CONSUME_FROM_FIRST_OFFSET\"", Encoding.UTF8.GetString(java.Encode()));
    }

    [Fact]
    public void ClusterInfo_LockBodies_ConsumerList_RoundTrip()
    {
        var cluster = new ClusterInfo();
        cluster.BrokerAddrTable["broker-a"] = new BrokerData { Cluster = "C", BrokerName = "broker-a", BrokerAddrs = new() { [0] = "a:1" } };
        cluster.ClusterAddrTable["C"] = ["broker-a"];
        var lockRequest = new LockBatchRequestBody { ConsumerGroup = "G", ClientId = "c", MqSet = [new MessageQueue("T", "b", 1)] };
        var lockResponse = new LockBatchResponseBody { LockOKMQSet = [new MessageQueue("T", "b", 1), new MessageQueue("T", "b", 2)] };
        var consumers = new ConsumerListBody { ConsumerIdList = ["x@1", "y@2"] };

        Assert.Equivalent(cluster, ClusterInfo.Decode(cluster.Encode()));
        Assert.Equivalent(lockRequest, LockBatchRequestBody.Decode(lockRequest.Encode()));
        Assert.Equivalent(lockResponse, LockBatchResponseBody.Decode(lockResponse.Encode()));
        Assert.Equal("{\"consumerIdList\":[\"x@1\",\"y@2\"]}", Encoding.UTF8.GetString(consumers.Encode()));
        Assert.Equal("{\"clientId\":\"c\",\"consumerGroup\":\"G\",\"mqSet\":[{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}]}", Encoding.UTF8.GetString(lockRequest.Encode()));
    }
}
