using System.Globalization;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One broker name's queues for a topic (wire doc 5.2). Perm bits: 4 read, 2 write, 1 inherit.</summary>
public sealed class QueueData
{
    public string BrokerName { get; set; } = string.Empty;

    public int ReadQueueNums { get; set; }

    public int WriteQueueNums { get; set; }

    public int Perm { get; set; }

    public int TopicSysFlag { get; set; }

    internal void Write(FastJsonWriter json)
    {
        // Both spellings: clients up to 4.8 read the misspelt topicSynFlag.
        json.StartObject()
            .Property("brokerName", BrokerName)
            .Property("perm", Perm)
            .Property("readQueueNums", ReadQueueNums)
            .Property("topicSysFlag", TopicSysFlag)
            .Property("topicSynFlag", TopicSysFlag)
            .Property("writeQueueNums", WriteQueueNums)
            .EndObject();
    }

    internal static QueueData Read(JsonElement element)
    {
        int sysFlag = FastJson.TryGet(element, "topicSysFlag", out _)
            ? FastJson.GetInt32(element, "topicSysFlag")
            : FastJson.GetInt32(element, "topicSynFlag");
        return new QueueData
        {
            BrokerName = FastJson.GetString(element, "brokerName") ?? string.Empty,
            ReadQueueNums = FastJson.GetInt32(element, "readQueueNums"),
            WriteQueueNums = FastJson.GetInt32(element, "writeQueueNums"),
            Perm = FastJson.GetInt32(element, "perm"),
            TopicSysFlag = sysFlag,
        };
    }
}

/// <summary>A broker group: its cluster, name and addresses by broker id (0 = master).</summary>
public sealed class BrokerData
{
    public string Cluster { get; set; } = string.Empty;

    public string BrokerName { get; set; } = string.Empty;

    public SortedDictionary<long, string> BrokerAddrs { get; set; } = [];

    /// <summary>Writes <c>brokerAddrs</c> with quoted ids (<c>{"0":"…"}</c>) unless <paramref name="quoteIds"/> is false (fastjson's <c>{0:"…"}</c>).</summary>
    internal void Write(FastJsonWriter json, bool quoteIds)
    {
        json.StartObject().PropertyName("brokerAddrs").StartObject();
        foreach (var entry in BrokerAddrs)
        {
            json.PropertyName(entry.Key, quoteIds).String(entry.Value);
        }

        json.EndObject()
            .Property("brokerName", BrokerName)
            .Property("cluster", Cluster)
            .EndObject();
    }

    internal static BrokerData Read(JsonElement element)
    {
        var data = new BrokerData
        {
            Cluster = FastJson.GetString(element, "cluster") ?? string.Empty,
            BrokerName = FastJson.GetString(element, "brokerName") ?? string.Empty,
        };
        foreach (var entry in FastJson.GetObject(element, "brokerAddrs"))
        {
            if (long.TryParse(entry.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long id)
                && FastJson.AsString(entry.Value) is { } address)
            {
                data.BrokerAddrs[id] = address;
            }
        }

        return data;
    }
}

/// <summary>Body of GET_ROUTEINFO_BY_TOPIC (105), wire doc 5.2.</summary>
public sealed class TopicRouteData
{
    public string? OrderTopicConf { get; set; }

    public List<QueueData> QueueDatas { get; set; } = [];

    public List<BrokerData> BrokerDatas { get; set; } = [];

    public Dictionary<string, List<string>> FilterServerTable { get; set; } = [];

    /// <summary>
    /// Encodes in fastjson key order. Broker ids are quoted by default, the form the doc
    /// recommends for every client; pass false for fastjson's bare <c>{0:"…"}</c>.
    /// </summary>
    public byte[] Encode(bool quoteBrokerIds = true)
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("brokerDatas").StartArray();
        foreach (var broker in BrokerDatas)
        {
            broker.Write(json, quoteBrokerIds);
        }

        json.EndArray().PropertyName("filterServerTable");
        JsonBodies.WriteStringListMap(json, FilterServerTable);
        json.Property("orderTopicConf", OrderTopicConf).PropertyName("queueDatas").StartArray();
        foreach (var queue in QueueDatas)
        {
            queue.Write(json);
        }

        return json.EndArray().EndObject().ToArray();
    }

    public static TopicRouteData Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var route = new TopicRouteData { OrderTopicConf = FastJson.GetString(root, "orderTopicConf") };
        foreach (var item in FastJson.GetArray(root, "queueDatas"))
        {
            route.QueueDatas.Add(QueueData.Read(item));
        }

        foreach (var item in FastJson.GetArray(root, "brokerDatas"))
        {
            route.BrokerDatas.Add(BrokerData.Read(item));
        }

        route.FilterServerTable = JsonBodies.ReadStringListMap(root, "filterServerTable");
        return route;
    }
}

/// <summary>Body of GET_BROKER_CLUSTER_INFO (106), wire doc 5.4.</summary>
public sealed class ClusterInfo
{
    /// <summary>Broker name → its broker data.</summary>
    public SortedDictionary<string, BrokerData> BrokerAddrTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Cluster name → broker names.</summary>
    public Dictionary<string, List<string>> ClusterAddrTable { get; set; } = [];

    public byte[] Encode(bool quoteBrokerIds = true)
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("brokerAddrTable").StartObject();
        foreach (var entry in BrokerAddrTable)
        {
            json.PropertyName(entry.Key);
            entry.Value.Write(json, quoteBrokerIds);
        }

        json.EndObject().PropertyName("clusterAddrTable");
        JsonBodies.WriteStringListMap(json, ClusterAddrTable);
        return json.EndObject().ToArray();
    }

    public static ClusterInfo Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var info = new ClusterInfo { ClusterAddrTable = JsonBodies.ReadStringListMap(root, "clusterAddrTable") };
        foreach (var entry in FastJson.GetObject(root, "brokerAddrTable"))
        {
            info.BrokerAddrTable[entry.Name] = BrokerData.Read(entry.Value);
        }

        return info;
    }
}
