using System.Collections.Immutable;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// RocketMQ's SubscriptionGroupConfig: what an operator declared about a consumer group
/// (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, 200, whose body is one such object) and the table of them
/// (GET_ALL_SUBSCRIPTIONGROUP_CONFIG, 201). Field names and defaults are Java's.
/// </summary>
public sealed record SubscriptionGroupConfig(string GroupName)
{
    public bool ConsumeEnable { get; init; } = true;

    public bool ConsumeFromMinEnable { get; init; } = true;

    public bool ConsumeBroadcastEnable { get; init; } = true;

    public int RetryQueueNums { get; init; } = 1;

    /// <summary>Send-backs before a message goes to the dead-letter queue, when the consumer does not say.</summary>
    public int RetryMaxTimes { get; init; } = 16;

    public long BrokerId { get; init; }

    public long WhichBrokerWhenConsumeSlowly { get; init; } = 1;

    public bool NotifyConsumerIdsChangedEnable { get; init; } = true;

    public byte[] Encode()
    {
        var json = new FastJsonWriter(256);
        WriteTo(json);
        return json.ToArray();
    }

    public void WriteTo(FastJsonWriter json) => json.StartObject()
        .Property("groupName", GroupName)
        .Property("consumeEnable", ConsumeEnable)
        .Property("consumeFromMinEnable", ConsumeFromMinEnable)
        .Property("consumeBroadcastEnable", ConsumeBroadcastEnable)
        .Property("retryQueueNums", RetryQueueNums)
        .Property("retryMaxTimes", RetryMaxTimes)
        .Property("brokerId", BrokerId)
        .Property("whichBrokerWhenConsumeSlowly", WhichBrokerWhenConsumeSlowly)
        .Property("notifyConsumerIdsChangedEnable", NotifyConsumerIdsChangedEnable)
        .EndObject();

    /// <summary>Reads one config object; null when it has no group name.</summary>
    public static SubscriptionGroupConfig? Read(JsonElement e)
    {
        if (FastJson.GetString(e, "groupName") is not { Length: > 0 } name)
        {
            return null;
        }

        return new SubscriptionGroupConfig(name)
        {
            ConsumeEnable = FastJson.GetBoolean(e, "consumeEnable", true),
            ConsumeFromMinEnable = FastJson.GetBoolean(e, "consumeFromMinEnable", true),
            ConsumeBroadcastEnable = FastJson.GetBoolean(e, "consumeBroadcastEnable", true),
            RetryQueueNums = FastJson.GetInt32(e, "retryQueueNums", 1),
            RetryMaxTimes = FastJson.GetInt32(e, "retryMaxTimes", 16),
            BrokerId = FastJson.GetInt64(e, "brokerId"),
            WhichBrokerWhenConsumeSlowly = FastJson.GetInt64(e, "whichBrokerWhenConsumeSlowly", 1),
            NotifyConsumerIdsChangedEnable = FastJson.GetBoolean(e, "notifyConsumerIdsChangedEnable", true),
        };
    }

    /// <summary>
    /// The whole table in RocketMQ's subscriptionGroup.json shape:
    /// <c>{"subscriptionGroupTable":{"g":{...}},"dataVersion":{"counter":n,"timestamp":t}}</c>.
    /// </summary>
    public static byte[] EncodeTable(ImmutableSortedDictionary<string, SubscriptionGroupConfig> table, long version)
    {
        var json = new FastJsonWriter(256);
        json.StartObject().PropertyName("subscriptionGroupTable").StartObject();
        foreach (var (name, config) in table)
        {
            json.PropertyName(name);
            config.WriteTo(json);
        }

        json.EndObject().PropertyName("dataVersion").StartObject()
            .Property("counter", version).Property("timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).EndObject();
        return json.EndObject().ToArray();
    }

    public static ImmutableSortedDictionary<string, SubscriptionGroupConfig> DecodeTable(ReadOnlySpan<byte> body)
    {
        var table = ImmutableSortedDictionary.CreateBuilder<string, SubscriptionGroupConfig>(StringComparer.Ordinal);
        using var document = FastJson.Parse(body);
        foreach (var entry in FastJson.GetObject(document.RootElement, "subscriptionGroupTable"))
        {
            if (Read(entry.Value) is { } config)
            {
                table[config.GroupName] = config;
            }
        }

        return table.ToImmutable();
    }
}
