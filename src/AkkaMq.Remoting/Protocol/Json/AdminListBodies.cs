using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>Body of GET_BROKER_RUNTIME_INFO (28) and GET_KVLIST_BY_NAMESPACE (219): <c>{"table":{"k":"v"}}</c>, all values strings.</summary>
public sealed class KvTableBody
{
    public Dictionary<string, string> Table { get; set; } = new(StringComparer.Ordinal);

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("table").StartObject();
        var keys = new List<string>(Table.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            json.PropertyName(key).String(Table[key]);
        }

        return json.EndObject().EndObject().ToArray();
    }

    public static KvTableBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var table = new KvTableBody();
        foreach (var entry in FastJson.GetObject(document.RootElement, "table"))
        {
            table.Table[entry.Name] = FastJson.AsString(entry.Value) ?? string.Empty;
        }

        return table;
    }
}

/// <summary>Body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) and GET_TOPICS_BY_CLUSTER (224).</summary>
public sealed class TopicListBody
{
    public List<string> TopicList { get; set; } = [];

    /// <summary>Optional; set by brokers answering for themselves.</summary>
    public string? BrokerAddr { get; set; }

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().Property("brokerAddr", BrokerAddr).PropertyName("topicList");
        JsonBodies.WriteStringList(json, TopicList);
        return json.EndObject().ToArray();
    }

    public static TopicListBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        return new TopicListBody
        {
            BrokerAddr = FastJson.GetString(root, "brokerAddr"),
            TopicList = FastJson.TryGet(root, "topicList", out var list) ? JsonBodies.ReadStringList(list) : [],
        };
    }
}

/// <summary>Body of QUERY_TOPIC_CONSUME_BY_WHO (300): <c>{"groupList":["g1"]}</c>.</summary>
public sealed class GroupListBody
{
    public List<string> GroupList { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("groupList");
        JsonBodies.WriteStringList(json, GroupList);
        return json.EndObject().ToArray();
    }

    public static GroupListBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        return new GroupListBody
        {
            GroupList = FastJson.TryGet(document.RootElement, "groupList", out var list) ? JsonBodies.ReadStringList(list) : [],
        };
    }
}

/// <summary>One client channel as the admin tools list it (wire doc 5.7).</summary>
public sealed class ConnectionData
{
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The client's <c>ip:port</c> as the broker sees it.</summary>
    public string ClientAddr { get; set; } = string.Empty;

    /// <summary>Language name as sent, e.g. <c>JAVA</c>.</summary>
    public string Language { get; set; } = "JAVA";

    public int Version { get; set; }

    internal void Write(FastJsonWriter json) =>
        json.StartObject()
            .Property("clientAddr", ClientAddr)
            .Property("clientId", ClientId)
            .Property("language", Language)
            .Property("version", Version)
            .EndObject();

    internal static ConnectionData Read(JsonElement element) =>
        new()
        {
            ClientId = FastJson.GetString(element, "clientId") ?? string.Empty,
            ClientAddr = FastJson.GetString(element, "clientAddr") ?? string.Empty,
            Language = FastJson.GetString(element, "language") ?? string.Empty,
            Version = FastJson.GetInt32(element, "version"),
        };

    internal static void WriteSet(FastJsonWriter json, List<ConnectionData> connections)
    {
        json.PropertyName("connectionSet").StartArray();
        foreach (var connection in connections)
        {
            connection.Write(json);
        }

        json.EndArray();
    }

    internal static List<ConnectionData> ReadSet(JsonElement root)
    {
        var list = new List<ConnectionData>();
        foreach (var item in FastJson.GetArray(root, "connectionSet"))
        {
            list.Add(Read(item));
        }

        return list;
    }
}

/// <summary>Body of GET_PRODUCER_CONNECTION_LIST (204).</summary>
public sealed class ProducerConnectionBody
{
    public List<ConnectionData> ConnectionSet { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject();
        ConnectionData.WriteSet(json, ConnectionSet);
        return json.EndObject().ToArray();
    }

    public static ProducerConnectionBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        return new ProducerConnectionBody { ConnectionSet = ConnectionData.ReadSet(document.RootElement) };
    }
}

/// <summary>Body of GET_CONSUMER_CONNECTION_LIST (203): live clients of a group and the group's subscriptions.</summary>
public sealed class ConsumerConnectionBody
{
    public List<ConnectionData> ConnectionSet { get; set; } = [];

    /// <summary>Topic → subscription.</summary>
    public Dictionary<string, SubscriptionData> SubscriptionTable { get; set; } = new(StringComparer.Ordinal);

    public ConsumeType ConsumeType { get; set; } = ConsumeType.ConsumePassively;

    public MessageModel MessageModel { get; set; } = MessageModel.Clustering;

    public ConsumeFromWhere ConsumeFromWhere { get; set; } = ConsumeFromWhere.ConsumeFromLastOffset;

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject();
        ConnectionData.WriteSet(json, ConnectionSet);
        json.Property("consumeFromWhere", FastJson.JavaName(ConsumeFromWhere))
            .Property("consumeType", FastJson.JavaName(ConsumeType))
            .Property("messageModel", FastJson.JavaName(MessageModel))
            .PropertyName("subscriptionTable").StartObject();
        var topics = new List<string>(SubscriptionTable.Keys);
        topics.Sort(StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            json.PropertyName(topic);
            SubscriptionTable[topic].Write(json);
        }

        return json.EndObject().EndObject().ToArray();
    }

    public static ConsumerConnectionBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var result = new ConsumerConnectionBody
        {
            ConnectionSet = ConnectionData.ReadSet(root),
            ConsumeType = FastJson.GetEnum(root, "consumeType", ConsumeType.ConsumePassively),
            MessageModel = FastJson.GetEnum(root, "messageModel", MessageModel.Clustering),
            ConsumeFromWhere = FastJson.GetEnum(root, "consumeFromWhere", ConsumeFromWhere.ConsumeFromLastOffset),
        };
        foreach (var entry in FastJson.GetObject(root, "subscriptionTable"))
        {
            result.SubscriptionTable[entry.Name] = SubscriptionData.Read(entry.Value);
        }

        return result;
    }
}
