using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Client;

// Admin request headers only this client sends. Kept internal to the client: the broker and
// name server declare their own types for the same codes, and Remoting must not hold two.

/// <summary>QUERY_TOPIC_CONSUME_BY_WHO (300) request; the answer is a GroupList body.</summary>
internal sealed class TopicConsumeByWhoHeader : ICommandHeader<TopicConsumeByWhoHeader>
{
    public string Topic { get; set; } = string.Empty;

    public static HeaderTable<TopicConsumeByWhoHeader> Table { get; } = new HeaderTable<TopicConsumeByWhoHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true);
}

/// <summary>GET_TOPICS_BY_CLUSTER (224) request to the name server; the answer is a TopicList body.</summary>
internal sealed class TopicsByClusterHeader : ICommandHeader<TopicsByClusterHeader>
{
    public string Cluster { get; set; } = string.Empty;

    public static HeaderTable<TopicsByClusterHeader> Table { get; } = new HeaderTable<TopicsByClusterHeader>()
        .String("cluster", static h => h.Cluster, static (h, v) => h.Cluster = v, required: true);
}

/// <summary>PUT_KV_CONFIG (100), GET_KV_CONFIG (101), DELETE_KV_CONFIG (102); value only for 100.</summary>
internal sealed class KvConfigHeader : ICommandHeader<KvConfigHeader>
{
    public string Namespace { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public string? Value { get; set; }

    public static HeaderTable<KvConfigHeader> Table { get; } = new HeaderTable<KvConfigHeader>()
        .String("namespace", static h => h.Namespace, static (h, v) => h.Namespace = v, required: true)
        .String("key", static h => h.Key, static (h, v) => h.Key = v, required: true)
        .String("value", static h => h.Value, static (h, v) => h.Value = v);
}

/// <summary>GET_KV_CONFIG (101) response; 22 QUERY_NOT_FOUND when absent.</summary>
internal sealed class KvConfigValueHeader : ICommandHeader<KvConfigValueHeader>
{
    public string? Value { get; set; }

    public static HeaderTable<KvConfigValueHeader> Table { get; } = new HeaderTable<KvConfigValueHeader>()
        .String("value", static h => h.Value, static (h, v) => h.Value = v);
}
