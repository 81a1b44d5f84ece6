namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>PUT_KV_CONFIG (100) request.</summary>
public sealed class PutKvConfigRequestHeader : ICommandHeader<PutKvConfigRequestHeader>
{
    public string Namespace { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;

    public static HeaderTable<PutKvConfigRequestHeader> Table { get; } = new HeaderTable<PutKvConfigRequestHeader>()
        .String("namespace", static h => h.Namespace, static (h, v) => h.Namespace = v, required: true)
        .String("key", static h => h.Key, static (h, v) => h.Key = v, required: true)
        .String("value", static h => h.Value, static (h, v) => h.Value = v, required: true);
}

/// <summary>GET_KV_CONFIG (101) and DELETE_KV_CONFIG (102) request.</summary>
public sealed class KvConfigKeyRequestHeader : ICommandHeader<KvConfigKeyRequestHeader>
{
    public string Namespace { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public static HeaderTable<KvConfigKeyRequestHeader> Table { get; } = new HeaderTable<KvConfigKeyRequestHeader>()
        .String("namespace", static h => h.Namespace, static (h, v) => h.Namespace = v, required: true)
        .String("key", static h => h.Key, static (h, v) => h.Key = v, required: true);
}

/// <summary>GET_KV_CONFIG (101) response: the value; 22 QUERY_NOT_FOUND when absent.</summary>
public sealed class GetKvConfigResponseHeader : ICommandHeader<GetKvConfigResponseHeader>
{
    public string? Value { get; set; }

    public static HeaderTable<GetKvConfigResponseHeader> Table { get; } = new HeaderTable<GetKvConfigResponseHeader>()
        .String("value", static h => h.Value, static (h, v) => h.Value = v);
}

/// <summary>GET_KVLIST_BY_NAMESPACE (219) request.</summary>
public sealed class GetKvListByNamespaceRequestHeader : ICommandHeader<GetKvListByNamespaceRequestHeader>
{
    public string Namespace { get; set; } = string.Empty;

    public static HeaderTable<GetKvListByNamespaceRequestHeader> Table { get; } = new HeaderTable<GetKvListByNamespaceRequestHeader>()
        .String("namespace", static h => h.Namespace, static (h, v) => h.Namespace = v, required: true);
}
