using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Protocol;

/// <summary>One TopicConfig as RocketMQ serializes it (5.6).</summary>
public sealed record TopicConfigInfo(string TopicName, int ReadQueueNums, int WriteQueueNums, int Perm, string TopicFilterType, int TopicSysFlag, bool Order)
{
    public void Write(FastJsonWriter json) =>
        json.StartObject()
            .Property("order", Order)
            .Property("perm", Perm)
            .Property("readQueueNums", ReadQueueNums)
            .Property("topicFilterType", TopicFilterType)
            .Property("topicName", TopicName)
            .Property("topicSysFlag", TopicSysFlag)
            .Property("writeQueueNums", WriteQueueNums)
            .EndObject();
}

/// <summary>TopicConfigSerializeWrapper (21): <c>{"dataVersion":{…},"topicConfigTable":{"T":{…}}}</c>.</summary>
public sealed class TopicConfigTableBody
{
    public long DataVersionCounter { get; set; }

    public long DataVersionTimestamp { get; set; }

    public List<TopicConfigInfo> Topics { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("dataVersion").StartObject()
            .Property("counter", DataVersionCounter)
            .Property("timestamp", DataVersionTimestamp)
            .EndObject()
            .PropertyName("topicConfigTable").StartObject();
        foreach (var topic in Topics)
        {
            json.PropertyName(topic.TopicName);
            topic.Write(json);
        }

        return json.EndObject().EndObject().ToArray();
    }

    /// <summary>The topic names in a body (tests and tools).</summary>
    public static List<string> DecodeTopicNames(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var names = new List<string>();
        foreach (var entry in FastJson.GetObject(document.RootElement, "topicConfigTable"))
        {
            names.Add(entry.Name);
        }

        return names;
    }
}
