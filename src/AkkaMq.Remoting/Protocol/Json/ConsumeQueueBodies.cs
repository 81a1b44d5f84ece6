using System.Globalization;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One consume-queue entry in <see cref="QueryConsumeQueueResponseBody"/> (Java ConsumeQueueData).</summary>
public sealed class ConsumeQueueData
{
    /// <summary>Commit-log offset of the record.</summary>
    public long PhysicOffset { get; set; }

    /// <summary>Size of the record in bytes.</summary>
    public int PhysicSize { get; set; }

    /// <summary>Hash of the message's tag (Java String.hashCode), or an extension address.</summary>
    public long TagsCode { get; set; }

    /// <summary>The consume-queue extension unit as JSON; only for entries whose tags code is an extension address.</summary>
    public string? ExtendDataJson { get; set; }

    public string? BitMap { get; set; }

    /// <summary>Whether the group's SQL filter matched the extension unit.</summary>
    public bool Eval { get; set; }

    public string? Msg { get; set; }

    /// <summary>Java's ConsumeQueueData.toString, which mqadmin queryCq prints.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"ConsumeQueueData{{physicOffset={PhysicOffset}, physicSize={PhysicSize}, tagsCode={TagsCode}, extendDataJson='{ExtendDataJson ?? "null"}', bitMap='{BitMap ?? "null"}', eval={(Eval ? "true" : "false")}, msg='{Msg ?? "null"}'}}");

    internal void Write(FastJsonWriter json) =>
        json.StartObject()
            .Property("bitMap", BitMap)
            .Property("eval", Eval)
            .Property("extendDataJson", ExtendDataJson)
            .Property("msg", Msg)
            .Property("physicOffset", PhysicOffset)
            .Property("physicSize", PhysicSize)
            .Property("tagsCode", TagsCode)
            .EndObject();

    internal static ConsumeQueueData Read(JsonElement element) => new()
    {
        PhysicOffset = FastJson.GetInt64(element, "physicOffset"),
        PhysicSize = FastJson.GetInt32(element, "physicSize"),
        TagsCode = FastJson.GetInt64(element, "tagsCode"),
        ExtendDataJson = FastJson.GetString(element, "extendDataJson"),
        BitMap = FastJson.GetString(element, "bitMap"),
        Eval = FastJson.GetBoolean(element, "eval"),
        Msg = FastJson.GetString(element, "msg"),
    };
}

/// <summary>Body of QUERY_CONSUME_QUEUE (321).</summary>
public sealed class QueryConsumeQueueResponseBody
{
    /// <summary>The asked group's subscription of the topic, if it has one.</summary>
    public SubscriptionData? SubscriptionData { get; set; }

    /// <summary>The group's filter as JSON text, or a note that the group is not online.</summary>
    public string? FilterData { get; set; }

    /// <summary>The entries from the asked index; null when that index is not in the queue.</summary>
    public List<ConsumeQueueData>? QueueData { get; set; }

    public long MaxQueueIndex { get; set; }

    public long MinQueueIndex { get; set; }

    /// <summary><see cref="SubscriptionData"/> in its wire form, or null.</summary>
    public string? SubscriptionDataJson()
    {
        if (SubscriptionData is null)
        {
            return null;
        }

        var json = new FastJsonWriter();
        SubscriptionData.Write(json);
        return json.ToString();
    }

    public byte[] Encode()
    {
        var json = new FastJsonWriter(1024);
        json.StartObject()
            .Property("filterData", FilterData)
            .Property("maxQueueIndex", MaxQueueIndex)
            .Property("minQueueIndex", MinQueueIndex);
        if (QueueData is not null)
        {
            json.PropertyName("queueData").StartArray();
            foreach (var entry in QueueData)
            {
                entry.Write(json);
            }

            json.EndArray();
        }

        if (SubscriptionData is not null)
        {
            json.PropertyName("subscriptionData");
            SubscriptionData.Write(json);
        }

        return json.EndObject().ToArray();
    }

    public static QueryConsumeQueueResponseBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var result = new QueryConsumeQueueResponseBody
        {
            FilterData = FastJson.GetString(root, "filterData"),
            MaxQueueIndex = FastJson.GetInt64(root, "maxQueueIndex"),
            MinQueueIndex = FastJson.GetInt64(root, "minQueueIndex"),
        };
        if (FastJson.TryGet(root, "subscriptionData", out var subscription) && subscription.ValueKind == JsonValueKind.Object)
        {
            result.SubscriptionData = SubscriptionData.Read(subscription);
        }

        if (FastJson.TryGet(root, "queueData", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            result.QueueData = [];
            foreach (var entry in entries.EnumerateArray())
            {
                result.QueueData.Add(ConsumeQueueData.Read(entry));
            }
        }

        return result;
    }
}

/// <summary>One queue's time span in <see cref="QueryConsumeTimeSpanBody"/> (Java QueueTimeSpan); times are ms since the epoch.</summary>
public sealed class QueueTimeSpan
{
    public MessageQueue MessageQueue { get; set; }

    /// <summary>Store time of the oldest message kept.</summary>
    public long MinTimeStamp { get; set; }

    /// <summary>Store time of the newest message.</summary>
    public long MaxTimeStamp { get; set; }

    /// <summary>Store time of the group's last consumed message (the oldest message when it consumed none).</summary>
    public long ConsumeTimeStamp { get; set; }

    /// <summary>How long the group's next message has waited (now − its store time); 0 when it is caught up.</summary>
    public long DelayTime { get; set; }

    /// <summary>A time as Java's QueueTimeSpan getters print it (<c>yyyy-MM-dd HH:mm:ss,SSS</c>, local time).</summary>
    public static string Format(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture);

    /// <summary>fastjson also writes the three <c>…Str</c> getters.</summary>
    internal void Write(FastJsonWriter json)
    {
        json.StartObject()
            .Property("consumeTimeStamp", ConsumeTimeStamp)
            .Property("consumeTimeStampStr", Format(ConsumeTimeStamp))
            .Property("delayTime", DelayTime)
            .Property("maxTimeStamp", MaxTimeStamp)
            .Property("maxTimeStampStr", Format(MaxTimeStamp))
            .PropertyName("messageQueue");
        MessageQueue.Write(json);
        json.Property("minTimeStamp", MinTimeStamp)
            .Property("minTimeStampStr", Format(MinTimeStamp))
            .EndObject();
    }

    internal static QueueTimeSpan Read(JsonElement element) => new()
    {
        MessageQueue = FastJson.TryGet(element, "messageQueue", out var queue) ? MessageQueue.Read(queue) : default,
        MinTimeStamp = FastJson.GetInt64(element, "minTimeStamp"),
        MaxTimeStamp = FastJson.GetInt64(element, "maxTimeStamp"),
        ConsumeTimeStamp = FastJson.GetInt64(element, "consumeTimeStamp"),
        DelayTime = FastJson.GetInt64(element, "delayTime"),
    };
}

/// <summary>Body of QUERY_CONSUME_TIME_SPAN (303).</summary>
public sealed class QueryConsumeTimeSpanBody
{
    public List<QueueTimeSpan> ConsumeTimeSpanSet { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter(512);
        json.StartObject().PropertyName("consumeTimeSpanSet").StartArray();
        foreach (var span in ConsumeTimeSpanSet)
        {
            span.Write(json);
        }

        return json.EndArray().EndObject().ToArray();
    }

    public static QueryConsumeTimeSpanBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var result = new QueryConsumeTimeSpanBody();
        foreach (var span in FastJson.GetArray(document.RootElement, "consumeTimeSpanSet"))
        {
            result.ConsumeTimeSpanSet.Add(QueueTimeSpan.Read(span));
        }

        return result;
    }
}
