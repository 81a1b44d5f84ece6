using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One epoch of a broker's log: RocketMQ 5's EpochEntry (end offset <see cref="long.MaxValue"/> while the epoch is open).</summary>
public sealed record EpochEntryInfo(int Epoch, long StartOffset, long EndOffset)
{
    /// <summary>RocketMQ 5's EpochEntry.toString, as getBrokerEpoch prints it.</summary>
    public override string ToString() => FormattableString.Invariant($"EpochEntry{{epoch={Epoch}, startOffset={StartOffset}, endOffset={EndOffset}}}");
}

/// <summary>
/// The body of GET_BROKER_EPOCH_CACHE (1007, RocketMQ 5): RocketMQ's EpochEntryCache JSON, fields in
/// fastjson's alphabetical order (brokerId, brokerName, clusterName, epochList, maxOffset).
/// </summary>
public sealed record EpochEntryCacheBody(string ClusterName, string BrokerName, long BrokerId, IReadOnlyList<EpochEntryInfo> EpochList, long MaxOffset)
{
    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().Property("brokerId", BrokerId).Property("brokerName", BrokerName).Property("clusterName", ClusterName);
        json.PropertyName("epochList").StartArray();
        foreach (EpochEntryInfo e in EpochList)
        {
            json.StartObject().Property("endOffset", e.EndOffset).Property("epoch", e.Epoch).Property("startOffset", e.StartOffset).EndObject();
        }
        json.EndArray();
        return json.Property("maxOffset", MaxOffset).EndObject().ToArray();
    }

    public static EpochEntryCacheBody Decode(ReadOnlySpan<byte> body)
    {
        using JsonDocument document = FastJson.Parse(body);
        JsonElement root = document.RootElement;
        var epochs = new List<EpochEntryInfo>();
        if (FastJson.TryGet(root, "epochList", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in list.EnumerateArray())
            {
                epochs.Add(new EpochEntryInfo(FastJson.GetInt32(e, "epoch"), FastJson.GetInt64(e, "startOffset"), FastJson.GetInt64(e, "endOffset")));
            }
        }
        return new EpochEntryCacheBody(FastJson.GetString(root, "clusterName") ?? "", FastJson.GetString(root, "brokerName") ?? "",
            FastJson.GetInt64(root, "brokerId"), epochs, FastJson.GetInt64(root, "maxOffset"));
    }
}
