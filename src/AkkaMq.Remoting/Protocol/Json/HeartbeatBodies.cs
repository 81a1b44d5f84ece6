using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>Java ordinals matter: the C++ client sends these as numbers.</summary>
public enum ConsumeType
{
    ConsumeActively = 0,
    ConsumePassively = 1,
}

public enum MessageModel
{
    Broadcasting = 0,
    Clustering = 1,
}

public enum ConsumeFromWhere
{
    ConsumeFromLastOffset = 0,
    ConsumeFromLastOffsetAndFromMinWhenBootFirst = 1,
    ConsumeFromMinOffset = 2,
    ConsumeFromMaxOffset = 3,
    ConsumeFromFirstOffset = 4,
    ConsumeFromTimestamp = 5,
}

public sealed class SubscriptionData
{
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>*</c> for all, else <c>tagA || tagB</c> or an SQL92 expression.</summary>
    public string SubString { get; set; } = "*";

    public List<string> TagsSet { get; set; } = [];

    /// <summary>Java String.hashCode of each tag.</summary>
    public List<int> CodeSet { get; set; } = [];

    public long SubVersion { get; set; }

    /// <summary><c>TAG</c> (default, also when absent) or <c>SQL92</c>.</summary>
    public string ExpressionType { get; set; } = "TAG";

    public bool ClassFilterMode { get; set; }

    internal void Write(FastJsonWriter json)
    {
        json.StartObject().Property("classFilterMode", ClassFilterMode).PropertyName("codeSet").StartArray();
        foreach (int code in CodeSet)
        {
            json.Number(code);
        }

        json.EndArray()
            .Property("expressionType", ExpressionType)
            .Property("subString", SubString)
            .Property("subVersion", SubVersion)
            .PropertyName("tagsSet");
        JsonBodies.WriteStringList(json, TagsSet);
        json.Property("topic", Topic).EndObject();
    }

    internal static SubscriptionData Read(JsonElement element)
    {
        var data = new SubscriptionData
        {
            Topic = FastJson.GetString(element, "topic") ?? string.Empty,
            SubString = FastJson.GetString(element, "subString") ?? "*",
            SubVersion = FastJson.GetInt64(element, "subVersion"),
            ExpressionType = FastJson.GetString(element, "expressionType") ?? "TAG",
            ClassFilterMode = FastJson.GetBoolean(element, "classFilterMode"),
            TagsSet = FastJson.TryGet(element, "tagsSet", out var tags) ? JsonBodies.ReadStringList(tags) : [],
        };
        foreach (var item in FastJson.GetArray(element, "codeSet"))
        {
            if (FastJson.TryAsInt64(item, out long code))
            {
                data.CodeSet.Add((int)code);
            }
        }

        return data;
    }
}

public sealed class ConsumerData
{
    public string GroupName { get; set; } = string.Empty;

    public ConsumeType ConsumeType { get; set; } = ConsumeType.ConsumePassively;

    public MessageModel MessageModel { get; set; } = MessageModel.Clustering;

    public ConsumeFromWhere ConsumeFromWhere { get; set; } = ConsumeFromWhere.ConsumeFromLastOffset;

    public List<SubscriptionData> SubscriptionDataSet { get; set; } = [];

    public bool UnitMode { get; set; }

    internal void Write(FastJsonWriter json)
    {
        json.StartObject()
            .Property("consumeFromWhere", FastJson.JavaName(ConsumeFromWhere))
            .Property("consumeType", FastJson.JavaName(ConsumeType))
            .Property("groupName", GroupName)
            .Property("messageModel", FastJson.JavaName(MessageModel))
            .PropertyName("subscriptionDataSet").StartArray();
        foreach (var subscription in SubscriptionDataSet)
        {
            subscription.Write(json);
        }

        json.EndArray().Property("unitMode", UnitMode).EndObject();
    }

    internal static ConsumerData Read(JsonElement element)
    {
        var data = new ConsumerData
        {
            GroupName = FastJson.GetString(element, "groupName") ?? string.Empty,
            ConsumeType = FastJson.GetEnum(element, "consumeType", ConsumeType.ConsumePassively),
            MessageModel = FastJson.GetEnum(element, "messageModel", MessageModel.Clustering),
            ConsumeFromWhere = FastJson.GetEnum(element, "consumeFromWhere", ConsumeFromWhere.ConsumeFromLastOffset),
            UnitMode = FastJson.GetBoolean(element, "unitMode"),
        };
        foreach (var item in FastJson.GetArray(element, "subscriptionDataSet"))
        {
            data.SubscriptionDataSet.Add(SubscriptionData.Read(item));
        }

        return data;
    }
}

/// <summary>Body of HEART_BEAT (34), wire doc 5.5. Keys match case-insensitively (.NET clients capitalise them).</summary>
public sealed class HeartbeatData
{
    /// <summary><c>clientID</c> on the wire (capital ID).</summary>
    public string ClientId { get; set; } = string.Empty;

    public List<string> ProducerGroups { get; set; } = [];

    public List<ConsumerData> ConsumerDataSet { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().Property("clientID", ClientId).PropertyName("consumerDataSet").StartArray();
        foreach (var consumer in ConsumerDataSet)
        {
            consumer.Write(json);
        }

        json.EndArray().PropertyName("producerDataSet").StartArray();
        foreach (var group in ProducerGroups)
        {
            json.StartObject().Property("groupName", group).EndObject();
        }

        return json.EndArray().EndObject().ToArray();
    }

    public static HeartbeatData Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var data = new HeartbeatData { ClientId = FastJson.GetString(root, "clientID") ?? string.Empty };
        foreach (var item in FastJson.GetArray(root, "producerDataSet"))
        {
            if (FastJson.GetString(item, "groupName") is { } group)
            {
                data.ProducerGroups.Add(group);
            }
        }

        foreach (var item in FastJson.GetArray(root, "consumerDataSet"))
        {
            data.ConsumerDataSet.Add(ConsumerData.Read(item));
        }

        return data;
    }
}
