namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One producer client of a group, as RocketMQ's ProducerInfo (GET_ALL_PRODUCER_INFO, 328).</summary>
public sealed class ProducerInfoData
{
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The client's <c>ip:port</c>.</summary>
    public string RemoteIp { get; set; } = string.Empty;

    /// <summary>The LanguageCode name the client sent, e.g. <c>JAVA</c>.</summary>
    public string Language { get; set; } = "JAVA";

    public int Version { get; set; }

    /// <summary>The client's last heartbeat, epoch milliseconds.</summary>
    public long LastUpdateTimestamp { get; set; }

    /// <summary>RocketMQ's ProducerInfo.toString, which mqadmin's <c>producer</c> command prints.</summary>
    public override string ToString() =>
        string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"clientId={ClientId},remoteIP={RemoteIp}, language={Language}, version={Version}, lastUpdateTimestamp={LastUpdateTimestamp}");
}

/// <summary>
/// Body of GET_ALL_PRODUCER_INFO (328), RocketMQ's ProducerTableInfo:
/// <c>{"data":{"group":[{"clientId","language","lastUpdateTimestamp","remoteIP","version"}]}}</c>.
/// </summary>
public sealed class ProducerTableBody
{
    /// <summary>Producer group → its live clients.</summary>
    public SortedDictionary<string, List<ProducerInfoData>> Data { get; } = new(StringComparer.Ordinal);

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("data").StartObject();
        foreach (var (group, producers) in Data)
        {
            json.PropertyName(group).StartArray();
            foreach (var p in producers)
            {
                json.StartObject()
                    .Property("clientId", p.ClientId)
                    .Property("language", p.Language)
                    .Property("lastUpdateTimestamp", p.LastUpdateTimestamp)
                    .Property("remoteIP", p.RemoteIp)
                    .Property("version", p.Version)
                    .EndObject();
            }

            json.EndArray();
        }

        return json.EndObject().EndObject().ToArray();
    }

    public static ProducerTableBody Decode(ReadOnlySpan<byte> body)
    {
        var table = new ProducerTableBody();
        using var document = FastJson.Parse(body);
        foreach (var group in FastJson.GetObject(document.RootElement, "data"))
        {
            var producers = new List<ProducerInfoData>();
            foreach (var p in group.Value.EnumerateArray())
            {
                producers.Add(new ProducerInfoData
                {
                    ClientId = FastJson.GetString(p, "clientId") ?? string.Empty,
                    RemoteIp = FastJson.GetString(p, "remoteIP") ?? string.Empty,
                    Language = FastJson.GetString(p, "language") ?? "JAVA",
                    Version = FastJson.GetInt32(p, "version"),
                    LastUpdateTimestamp = FastJson.GetInt64(p, "lastUpdateTimestamp"),
                });
            }

            table.Data[group.Name] = producers;
        }

        return table;
    }
}
