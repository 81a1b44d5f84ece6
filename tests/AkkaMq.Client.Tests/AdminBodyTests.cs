using System.Text;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class AdminBodyTests
{
    [Fact]
    public void ConsumeStats_UsesObjectKeys_AndRoundTrips()
    {
        var stats = new ConsumeStatsBody { ConsumeTps = 1.5 };
        stats.OffsetTable[new MessageQueue("T", "b", 0)] = new OffsetWrapper { BrokerOffset = 10, ConsumerOffset = 7, LastTimestamp = 99 };
        var json = Encoding.UTF8.GetString(stats.Encode());

        Assert.Equal("{\"consumeTps\":1.5,\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"brokerOffset\":10,\"consumerOffset\":7,\"lastTimestamp\":99}}}", json);
        var decoded = ConsumeStatsBody.Decode(Encoding.UTF8.GetBytes(json));
        Assert.Equal(1.5, decoded.ConsumeTps);
        var entry = Assert.Single(decoded.OffsetTable);
        Assert.Equal(new MessageQueue("T", "b", 0), entry.Key);
        Assert.Equal(7, entry.Value.ConsumerOffset);
    }

    [Fact]
    public void TopicStats_ReadsFastjsonOutput()
    {
        var json = "{\"offsetTable\":{{\"brokerName\":\"broker-a\",\"queueId\":1,\"topic\":\"T\"}:{\"lastUpdateTimestamp\":5,\"maxOffset\":3,\"minOffset\":1},{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"T\"}:{\"lastUpdateTimestamp\":0,\"maxOffset\":0,\"minOffset\":0}}}";
        var table = TopicStatsTableBody.Decode(Encoding.UTF8.GetBytes(json));
        Assert.Equal(2, table.OffsetTable.Count);
        Assert.Equal(3, table.OffsetTable[new MessageQueue("T", "broker-a", 1)].MaxOffset);
        Assert.Equal(
            "{\"offsetTable\":{{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"T\"}:{\"lastUpdateTimestamp\":0,\"maxOffset\":0,\"minOffset\":0},{\"brokerName\":\"broker-a\",\"queueId\":1,\"topic\":\"T\"}:{\"lastUpdateTimestamp\":5,\"maxOffset\":3,\"minOffset\":1}}}",
            Encoding.UTF8.GetString(table.Encode()));
    }

    [Fact]
    public void SmallBodies_RoundTrip()
    {
        var kv = KvTableBody.Decode(new KvTableBody { Table = { ["putTps"] = "1.0 2.0 3.0", ["brokerVersionDesc"] = "V4_9_8" } }.Encode());
        Assert.Equal("V4_9_8", kv.Table["brokerVersionDesc"]);
        Assert.Equal(["a", "b"], TopicListBody.Decode(new TopicListBody { TopicList = ["a", "b"] }.Encode()).TopicList);
        Assert.Equal(["g"], GroupListBody.Decode(new GroupListBody { GroupList = ["g"] }.Encode()).GroupList);

        var consumer = new ConsumerConnectionBody { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.ConnectionSet.Add(new ConnectionData { ClientId = "1.2.3.4@x", ClientAddr = "1.2.3.4:5", Language = "JAVA", Version = 409 });
        consumer.SubscriptionTable["T"] = new SubscriptionData { Topic = "T", SubString = "a", TagsSet = ["a"], CodeSet = [97] };
        var json = Encoding.UTF8.GetString(consumer.Encode());
        Assert.Contains("\"consumeFromWhere\":\"CONSUME_FROM_FIRST_OFFSET\"", json);
        var decoded = ConsumerConnectionBody.Decode(Encoding.UTF8.GetBytes(json));
        Assert.Equal("1.2.3.4@x", Assert.Single(decoded.ConnectionSet).ClientId);
        Assert.Equal(409, decoded.ConnectionSet[0].Version);
        Assert.Equal([97], decoded.SubscriptionTable["T"].CodeSet);
        Assert.Equal(ConsumeFromWhere.ConsumeFromFirstOffset, decoded.ConsumeFromWhere);

        var producer = ProducerConnectionBody.Decode(new ProducerConnectionBody { ConnectionSet = [new ConnectionData { ClientId = "p" }] }.Encode());
        Assert.Equal("p", Assert.Single(producer.ConnectionSet).ClientId);
    }

    [Fact]
    public void ConsumerRunningInfo_UsesJavaKeys()
    {
        var info = new ConsumerRunningInfoBody();
        info.Properties[ConsumerRunningInfoBody.PropConsumeOrderly] = "true";
        info.MqTable[new MessageQueue("T", "b", 1)] = new ProcessQueueInfo { CommitOffset = 5, Dropped = true };
        info.StatusTable["T"] = new ConsumeStatusInfo { PullTPS = 2 };
        var json = Encoding.UTF8.GetString(info.Encode());

        Assert.Contains("{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}:{", json);
        Assert.Contains("\"droped\":true", json);
        Assert.Contains("\"PROP_CONSUMEORDERLY\":\"true\"", json);
        Assert.Contains("\"pullTPS\":2.0", json);
        var decoded = ConsumerRunningInfoBody.Decode(Encoding.UTF8.GetBytes(json));
        Assert.True(decoded.MqTable[new MessageQueue("T", "b", 1)].Dropped);
        Assert.Equal(5, decoded.MqTable[new MessageQueue("T", "b", 1)].CommitOffset);
        Assert.Equal(2, decoded.StatusTable["T"].PullTPS);
    }
}
