namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>
/// UNREGISTER_CLIENT (35) fields sent as a JSON body instead of header fields, as
/// NewLife.RocketMQ does (<c>{"ClientId":…,"ProducerGroup":…,"ConsumerGroup":…}</c>). RocketMQ
/// reads only the header; keys here match in any case, values may be any JSON scalar.
/// </summary>
public sealed class UnregisterClientBody
{
    public string? ClientId { get; set; }

    public string? ProducerGroup { get; set; }

    public string? ConsumerGroup { get; set; }

    /// <summary>Throws <see cref="System.Text.Json.JsonException"/> when the body is not JSON.</summary>
    public static UnregisterClientBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        return new UnregisterClientBody
        {
            ClientId = FastJson.GetString(root, "clientID"),
            ProducerGroup = FastJson.GetString(root, "producerGroup"),
            ConsumerGroup = FastJson.GetString(root, "consumerGroup"),
        };
    }
}
