namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>GET_BROKER_CONFIG (26) response: <c>version</c> is the config's DataVersion as JSON, <c>{"counter":n,"timestamp":ms}</c>.</summary>
public sealed class GetBrokerConfigResponseHeader : ICommandHeader<GetBrokerConfigResponseHeader>
{
    public string Version { get; set; } = string.Empty;

    public static HeaderTable<GetBrokerConfigResponseHeader> Table { get; } = new HeaderTable<GetBrokerConfigResponseHeader>()
        .String("version", static h => h.Version, static (h, v) => h.Version = v, required: true);
}
