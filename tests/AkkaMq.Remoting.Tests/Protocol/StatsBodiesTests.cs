using System.Text;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Remoting.Tests.Protocol;

/// <summary>The statistics and consume-queue bodies in fastjson's shape (alphabetical keys, nulls left out, object map keys).</summary>
public sealed class StatsBodiesTests
{
    [Fact]
    public void BrokerStatsData_IsWrittenAsFastjsonWritesIt()
    {
        var data = new BrokerStatsData { StatsMinute = new BrokerStatsItem { Sum = 300, Tps = 5, Avgpt = 1.5 } };

        Assert.Equal(
            "{\"statsDay\":{\"avgpt\":0.0,\"sum\":0,\"tps\":0.0},\"statsHour\":{\"avgpt\":0.0,\"sum\":0,\"tps\":0.0},\"statsMinute\":{\"avgpt\":1.5,\"sum\":300,\"tps\":5.0}}",
            Encoding.UTF8.GetString(data.Encode()));
        var back = BrokerStatsData.Decode(data.Encode());
        Assert.Equal((300L, 5.0, 1.5), (back.StatsMinute.Sum, back.StatsMinute.Tps, back.StatsMinute.Avgpt));
    }

    [Fact]
    public void ConsumeStatsList_FromJava_IsRead()
    {
        const string java = "{\"brokerAddr\":\"10.0.0.1:10911\",\"consumeStatsList\":[{\"G1\":[{\"consumeTps\":2.5,\"offsetTable\":"
            + "{{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}:{\"brokerOffset\":4,\"consumerOffset\":3,\"lastTimestamp\":7}}}]},{\"G2\":[]}],\"totalDiff\":1}";

        var list = ConsumeStatsListBody.Decode(Encoding.UTF8.GetBytes(java));

        Assert.Equal(("10.0.0.1:10911", 1L), (list.BrokerAddr, list.TotalDiff));
        Assert.Equal(["G1", "G2"], list.ConsumeStatsList.Select(e => e.Key));
        var stats = Assert.Single(list.ConsumeStatsList[0].Value);
        Assert.Equal(2.5, stats.ConsumeTps);
        var offsets = stats.OffsetTable[new MessageQueue("T", "b", 1)];
        Assert.Equal((4L, 3L, 7L), (offsets.BrokerOffset, offsets.ConsumerOffset, offsets.LastTimestamp));
        Assert.Empty(list.ConsumeStatsList[1].Value);
        Assert.Equal(java, Encoding.UTF8.GetString(list.Encode()));
    }

    [Fact]
    public void QueryConsumeQueueBody_LeavesOutNulls_AndPrintsLikeJava()
    {
        var body = new QueryConsumeQueueResponseBody
        {
            MaxQueueIndex = 3,
            FilterData = "G@T is not online!",
            QueueData = [new ConsumeQueueData { PhysicOffset = 120, PhysicSize = 200, TagsCode = 2598919 }],
        };

        string json = Encoding.UTF8.GetString(body.Encode());
        Assert.Equal(
            "{\"filterData\":\"G@T is not online!\",\"maxQueueIndex\":3,\"minQueueIndex\":0,\"queueData\":[{\"eval\":false,\"physicOffset\":120,\"physicSize\":200,\"tagsCode\":2598919}]}",
            json);
        var back = QueryConsumeQueueResponseBody.Decode(body.Encode());
        Assert.Null(back.SubscriptionData);
        Assert.Equal(
            "ConsumeQueueData{physicOffset=120, physicSize=200, tagsCode=2598919, extendDataJson='null', bitMap='null', eval=false, msg='null'}",
            Assert.Single(back.QueueData!).ToString());
    }

    [Fact]
    public void QueueTimeSpan_CarriesTheGetterStringsJavaWrites()
    {
        var body = new QueryConsumeTimeSpanBody
        {
            ConsumeTimeSpanSet = [new QueueTimeSpan { MessageQueue = new MessageQueue("T", "b", 0), MinTimeStamp = 1000, MaxTimeStamp = 2000, ConsumeTimeStamp = 1500, DelayTime = 42 }],
        };

        string json = Encoding.UTF8.GetString(body.Encode());
        Assert.StartsWith("{\"consumeTimeSpanSet\":[{\"consumeTimeStamp\":1500,\"consumeTimeStampStr\":\"", json, StringComparison.Ordinal);
        Assert.Contains("\"messageQueue\":{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"},\"minTimeStamp\":1000,\"minTimeStampStr\":\"", json, StringComparison.Ordinal);
        var span = Assert.Single(QueryConsumeTimeSpanBody.Decode(body.Encode()).ConsumeTimeSpanSet);
        Assert.Equal((1000L, 2000L, 1500L, 42L), (span.MinTimeStamp, span.MaxTimeStamp, span.ConsumeTimeStamp, span.DelayTime));
        Assert.Equal(new MessageQueue("T", "b", 0), span.MessageQueue);
    }
}
