using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// Body of INVOKE_BROKER_TO_RESET_OFFSET's answer (222) and of RESET_CONSUMER_CLIENT_OFFSET (220):
/// <c>{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:12}}</c>, fastjson's object-key
/// form. A C++ consumer gets the list form instead (<see cref="EncodeForCpp"/>), as RocketMQ sends
/// it when the admin's request says language CPP.
/// </summary>
public sealed class ResetOffsetBody
{
    public Dictionary<MessageQueue, long> OffsetTable { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("offsetTable");
        OffsetMaps.Write(json, OffsetTable);
        return json.EndObject().ToArray();
    }

    /// <summary>Java ResetOffsetBodyForC: <c>{"offsetTable":[{"brokerName":"b","offset":12,"queueId":0,"topic":"T"}]}</c>.</summary>
    public byte[] EncodeForCpp()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("offsetTable").StartArray();
        foreach (var queue in ObjectKeyMaps.SortedKeys(OffsetTable))
        {
            json.StartObject()
                .Property("brokerName", queue.BrokerName)
                .Property("offset", OffsetTable[queue])
                .Property("queueId", queue.QueueId)
                .Property("topic", queue.Topic)
                .EndObject();
        }

        return json.EndArray().EndObject().ToArray();
    }

    /// <summary>Reads either form.</summary>
    public static ResetOffsetBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var result = new ResetOffsetBody();
        if (!FastJson.TryGet(document.RootElement, "offsetTable", out var table))
        {
            return result;
        }

        if (table.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in table.EnumerateArray())
            {
                result.OffsetTable[MessageQueue.Read(item)] = FastJson.GetInt64(item, "offset");
            }
        }
        else
        {
            result.OffsetTable = OffsetMaps.Read(table);
        }

        return result;
    }
}

/// <summary>
/// Body of GET_CONSUMER_STATUS_FROM_CLIENT (221, one client's offsets in
/// <see cref="MessageQueueTable"/>) and of INVOKE_BROKER_TO_GET_CONSUMER_STATUS's answer (223,
/// client id → offsets in <see cref="ConsumerTable"/>).
/// </summary>
public sealed class GetConsumerStatusBody
{
    public Dictionary<MessageQueue, long> MessageQueueTable { get; set; } = [];

    public Dictionary<string, Dictionary<MessageQueue, long>> ConsumerTable { get; set; } = new(StringComparer.Ordinal);

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("consumerTable").StartObject();
        var clients = new List<string>(ConsumerTable.Keys);
        clients.Sort(StringComparer.Ordinal);
        foreach (string client in clients)
        {
            json.PropertyName(client);
            OffsetMaps.Write(json, ConsumerTable[client]);
        }

        json.EndObject().PropertyName("messageQueueTable");
        OffsetMaps.Write(json, MessageQueueTable);
        return json.EndObject().ToArray();
    }

    public static GetConsumerStatusBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var result = new GetConsumerStatusBody();
        if (FastJson.TryGet(root, "messageQueueTable", out var own) && own.ValueKind == JsonValueKind.Object)
        {
            result.MessageQueueTable = OffsetMaps.Read(own);
        }

        foreach (var client in FastJson.GetObject(root, "consumerTable"))
        {
            if (client.Value.ValueKind == JsonValueKind.Object)
            {
                result.ConsumerTable[client.Name] = OffsetMaps.Read(client.Value);
            }
        }

        return result;
    }
}

/// <summary>Maps of queue → offset in fastjson's object-key form.</summary>
internal static class OffsetMaps
{
    public static void Write(FastJsonWriter json, Dictionary<MessageQueue, long> map)
    {
        json.StartObject();
        foreach (var queue in ObjectKeyMaps.SortedKeys(map))
        {
            queue.Write(json);
            json.Number(map[queue]);
        }

        json.EndObject();
    }

    public static Dictionary<MessageQueue, long> Read(JsonElement map)
    {
        var result = new Dictionary<MessageQueue, long>();
        if (map.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var entry in map.EnumerateObject())
        {
            if (FastJson.TryAsInt64(entry.Value, out long offset))
            {
                result[ObjectKeyMaps.ReadQueueKey(entry.Name)] = offset;
            }
        }

        return result;
    }
}
