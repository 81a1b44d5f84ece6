namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// Body of CHECK_CLIENT_CONFIG (46): a consumer asks the broker, before it starts, whether the
/// broker can serve one subscription (RocketMQ's CheckClientRequestBody).
/// </summary>
public sealed class CheckClientRequestBody
{
    public string ClientId { get; set; } = string.Empty;

    public string Group { get; set; } = string.Empty;

    public SubscriptionData? SubscriptionData { get; set; }

    public string? Namespace { get; set; }

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().Property("clientId", ClientId).Property("group", Group).Property("namespace", Namespace);
        if (SubscriptionData is not null)
        {
            json.PropertyName("subscriptionData");
            SubscriptionData.Write(json);
        }

        return json.EndObject().ToArray();
    }

    public static CheckClientRequestBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        return new CheckClientRequestBody
        {
            ClientId = FastJson.GetString(root, "clientId") ?? string.Empty,
            Group = FastJson.GetString(root, "group") ?? string.Empty,
            Namespace = FastJson.GetString(root, "namespace"),
            SubscriptionData = FastJson.TryGet(root, "subscriptionData", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object
                ? SubscriptionData.Read(data)
                : null,
        };
    }
}
