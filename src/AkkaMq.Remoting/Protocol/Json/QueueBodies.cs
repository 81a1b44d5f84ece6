using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>A queue of a topic on a broker; JSON <c>{"brokerName":…,"queueId":…,"topic":…}</c>.</summary>
public readonly record struct MessageQueue(string Topic, string BrokerName, int QueueId)
{
    internal void Write(FastJsonWriter json) =>
        json.StartObject()
            .Property("brokerName", BrokerName)
            .Property("queueId", QueueId)
            .Property("topic", Topic)
            .EndObject();

    internal static MessageQueue Read(JsonElement element) =>
        new(
            FastJson.GetString(element, "topic") ?? string.Empty,
            FastJson.GetString(element, "brokerName") ?? string.Empty,
            FastJson.GetInt32(element, "queueId"));

    internal static List<MessageQueue> ReadList(JsonElement element, string name)
    {
        var list = new List<MessageQueue>();
        foreach (var item in FastJson.GetArray(element, name))
        {
            list.Add(Read(item));
        }

        return list;
    }

    internal static void WriteList(FastJsonWriter json, List<MessageQueue> queues)
    {
        json.StartArray();
        foreach (var queue in queues)
        {
            queue.Write(json);
        }

        json.EndArray();
    }
}

/// <summary>Body of LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42), wire doc 5.9.</summary>
public sealed class LockBatchRequestBody
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public string ClientId { get; set; } = string.Empty;

    public List<MessageQueue> MqSet { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().Property("clientId", ClientId).Property("consumerGroup", ConsumerGroup).PropertyName("mqSet");
        MessageQueue.WriteList(json, MqSet);
        return json.EndObject().ToArray();
    }

    public static LockBatchRequestBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        return new LockBatchRequestBody
        {
            ConsumerGroup = FastJson.GetString(root, "consumerGroup") ?? string.Empty,
            ClientId = FastJson.GetString(root, "clientId") ?? string.Empty,
            MqSet = MessageQueue.ReadList(root, "mqSet"),
        };
    }
}

/// <summary>Response body of LOCK_BATCH_MQ (41): the queues now locked by the caller.</summary>
public sealed class LockBatchResponseBody
{
    public List<MessageQueue> LockOKMQSet { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("lockOKMQSet");
        MessageQueue.WriteList(json, LockOKMQSet);
        return json.EndObject().ToArray();
    }

    public static LockBatchResponseBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        return new LockBatchResponseBody { LockOKMQSet = MessageQueue.ReadList(document.RootElement, "lockOKMQSet") };
    }
}

/// <summary>Response body of GET_CONSUMER_LIST_BY_GROUP (38).</summary>
public sealed class ConsumerListBody
{
    public List<string> ConsumerIdList { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("consumerIdList");
        JsonBodies.WriteStringList(json, ConsumerIdList);
        return json.EndObject().ToArray();
    }

    public static ConsumerListBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        return new ConsumerListBody
        {
            ConsumerIdList = FastJson.TryGet(document.RootElement, "consumerIdList", out var list) ? JsonBodies.ReadStringList(list) : [],
        };
    }
}
