using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One queue's consume progress in <see cref="ConsumeStatsBody"/> (Java OffsetWrapper).</summary>
public sealed class OffsetWrapper
{
    /// <summary>The queue's max offset (next index to write).</summary>
    public long BrokerOffset { get; set; }

    /// <summary>The group's committed offset.</summary>
    public long ConsumerOffset { get; set; }

    /// <summary>Store time of the last consumed message (consumerOffset − 1), ms.</summary>
    public long LastTimestamp { get; set; }
}

/// <summary>One queue's offsets in <see cref="TopicStatsTableBody"/> (Java TopicOffset).</summary>
public sealed class TopicOffset
{
    public long MinOffset { get; set; }

    public long MaxOffset { get; set; }

    /// <summary>Store time of the newest message (maxOffset − 1), or 0.</summary>
    public long LastUpdateTimestamp { get; set; }
}

/// <summary>
/// Body of GET_CONSUME_STATS (208), wire doc 5.8. The offset table is keyed by
/// <see cref="MessageQueue"/> objects, written in fastjson's object-as-key form because the Java
/// admin cannot read it any other way.
/// </summary>
public sealed class ConsumeStatsBody
{
    public double ConsumeTps { get; set; }

    public Dictionary<MessageQueue, OffsetWrapper> OffsetTable { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        WriteTo(json);
        return json.ToArray();
    }

    public static ConsumeStatsBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        return Read(document.RootElement);
    }

    /// <summary>Writes this object alone or as an item of a list (GET_BROKER_CONSUME_STATS nests it).</summary>
    internal void WriteTo(FastJsonWriter json)
    {
        json.StartObject().PropertyName("consumeTps").Number(ConsumeTps).PropertyName("offsetTable").StartObject();
        foreach (var queue in ObjectKeyMaps.SortedKeys(OffsetTable))
        {
            var entry = OffsetTable[queue];
            queue.Write(json);
            json.StartObject()
                .Property("brokerOffset", entry.BrokerOffset)
                .Property("consumerOffset", entry.ConsumerOffset)
                .Property("lastTimestamp", entry.LastTimestamp)
                .EndObject();
        }

        json.EndObject().EndObject();
    }

    /// <summary>Reads one ConsumeStats object, alone or nested.</summary>
    internal static ConsumeStatsBody Read(JsonElement element)
    {
        var stats = new ConsumeStatsBody();
        if (FastJson.TryGet(element, "consumeTps", out var tps) && tps.ValueKind == JsonValueKind.Number)
        {
            stats.ConsumeTps = tps.GetDouble();
        }

        foreach (var entry in FastJson.GetObject(element, "offsetTable"))
        {
            stats.OffsetTable[ObjectKeyMaps.ReadQueueKey(entry.Name)] = new OffsetWrapper
            {
                BrokerOffset = FastJson.GetInt64(entry.Value, "brokerOffset"),
                ConsumerOffset = FastJson.GetInt64(entry.Value, "consumerOffset"),
                LastTimestamp = FastJson.GetInt64(entry.Value, "lastTimestamp"),
            };
        }

        return stats;
    }
}

/// <summary>Body of GET_TOPIC_STATS_INFO (202), wire doc 5.8; object-as-key like <see cref="ConsumeStatsBody"/>.</summary>
public sealed class TopicStatsTableBody
{
    public Dictionary<MessageQueue, TopicOffset> OffsetTable { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("offsetTable").StartObject();
        foreach (var queue in ObjectKeyMaps.SortedKeys(OffsetTable))
        {
            var entry = OffsetTable[queue];
            queue.Write(json);
            json.StartObject()
                .Property("lastUpdateTimestamp", entry.LastUpdateTimestamp)
                .Property("maxOffset", entry.MaxOffset)
                .Property("minOffset", entry.MinOffset)
                .EndObject();
        }

        return json.EndObject().EndObject().ToArray();
    }

    public static TopicStatsTableBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var table = new TopicStatsTableBody();
        foreach (var entry in FastJson.GetObject(document.RootElement, "offsetTable"))
        {
            table.OffsetTable[ObjectKeyMaps.ReadQueueKey(entry.Name)] = new TopicOffset
            {
                MinOffset = FastJson.GetInt64(entry.Value, "minOffset"),
                MaxOffset = FastJson.GetInt64(entry.Value, "maxOffset"),
                LastUpdateTimestamp = FastJson.GetInt64(entry.Value, "lastUpdateTimestamp"),
            };
        }

        return table;
    }
}

/// <summary>Reading and ordering of maps keyed by <see cref="MessageQueue"/> objects.</summary>
internal static class ObjectKeyMaps
{
    /// <summary>
    /// The normalizer turns an object key into a string holding its JSON text; a plain string
    /// key of the form <c>topic@broker@id</c> is not produced by fastjson, so only JSON is read.
    /// </summary>
    public static MessageQueue ReadQueueKey(string key)
    {
        using var document = JsonDocument.Parse(key);
        return MessageQueue.Read(document.RootElement);
    }

    /// <summary>Keys in topic, broker name, queue id order so output is stable.</summary>
    public static List<MessageQueue> SortedKeys<TValue>(Dictionary<MessageQueue, TValue> map)
    {
        var keys = new List<MessageQueue>(map.Keys);
        keys.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Topic, b.Topic);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a.BrokerName, b.BrokerName);
            return c != 0 ? c : a.QueueId.CompareTo(b.QueueId);
        });
        return keys;
    }
}
