using System.Globalization;
using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One member of a broker group as RocketMQ 5's BrokerReplicasInfo.ReplicaIdentity names it (broker id = member id).</summary>
public sealed record ReplicaIdentity(string BrokerName, long BrokerId, string BrokerAddress, bool Alive)
{
    /// <summary>RocketMQ 5's ReplicaIdentity.toString, as getSyncStateSet prints it.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"ReplicaIdentity{{brokerName='{BrokerName}', brokerId={BrokerId}, brokerAddress='{BrokerAddress}', alive={(Alive ? "true" : "false")}}}");
}

/// <summary>
/// One group's in-sync state: RocketMQ 5's BrokerReplicasInfo.ReplicasInfo. <see cref="MasterBrokerId"/> and
/// <see cref="MasterAddress"/> are null while the group has no master; then <see cref="NoMasterReason"/> (an AkkaMq
/// field, <c>noMasterReason</c>, which Java readers ignore) says why.
/// </summary>
public sealed record ReplicasInfo(
    long? MasterBrokerId, string? MasterAddress, int MasterEpoch, int SyncStateSetEpoch,
    IReadOnlyList<ReplicaIdentity> InSyncReplicas, IReadOnlyList<ReplicaIdentity> NotInSyncReplicas, string? NoMasterReason = null);

/// <summary>
/// The body of CONTROLLER_GET_SYNC_STATE_DATA (1006, RocketMQ 5): BrokerReplicasInfo JSON, a table from broker
/// name to <see cref="ReplicasInfo"/>, fields in fastjson's alphabetical order. The request body is a JSON list of
/// broker names (<see cref="EncodeBrokerNames"/>).
/// </summary>
public sealed record BrokerReplicasInfoBody(IReadOnlyDictionary<string, ReplicasInfo> ReplicasInfoTable)
{
    /// <summary>The request's body: the broker names as a JSON array of strings.</summary>
    public static byte[] EncodeBrokerNames(IEnumerable<string> brokerNames)
    {
        ArgumentNullException.ThrowIfNull(brokerNames);
        var json = new FastJsonWriter().StartArray();
        foreach (string name in brokerNames)
        {
            json.String(name);
        }

        return json.EndArray().ToArray();
    }

    /// <summary>Reads the request's body; throws <see cref="JsonException"/> when it is not a JSON list of strings.</summary>
    public static IReadOnlyList<string> DecodeBrokerNames(ReadOnlySpan<byte> body)
    {
        using JsonDocument document = FastJson.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("the body must be a JSON list of broker names");
        }

        var names = new List<string>();
        foreach (JsonElement e in document.RootElement.EnumerateArray())
        {
            names.Add(FastJson.AsString(e) ?? throw new JsonException("a broker name must be a string"));
        }

        return names;
    }

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("replicasInfoTable").StartObject();
        foreach (var (name, info) in ReplicasInfoTable.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.PropertyName(name).StartObject();
            WriteReplicas(json, "inSyncReplicas", info.InSyncReplicas);
            json.Property("masterAddress", info.MasterAddress);
            if (info.MasterBrokerId is { } master)
            {
                json.Property("masterBrokerId", master);
            }

            json.Property("masterEpoch", info.MasterEpoch).Property("noMasterReason", info.NoMasterReason);
            WriteReplicas(json, "notInSyncReplicas", info.NotInSyncReplicas);
            json.Property("syncStateSetEpoch", info.SyncStateSetEpoch).EndObject();
        }

        return json.EndObject().EndObject().ToArray();
    }

    public static BrokerReplicasInfoBody Decode(ReadOnlySpan<byte> body)
    {
        using JsonDocument document = FastJson.Parse(body);
        var table = new SortedDictionary<string, ReplicasInfo>(StringComparer.Ordinal);
        foreach (JsonProperty entry in FastJson.GetObject(document.RootElement, "replicasInfoTable"))
        {
            JsonElement e = entry.Value;
            long? master = FastJson.TryGet(e, "masterBrokerId", out JsonElement m) && FastJson.TryAsInt64(m, out long id) ? id : null;
            table[entry.Name] = new ReplicasInfo(master, FastJson.GetString(e, "masterAddress"), FastJson.GetInt32(e, "masterEpoch"),
                FastJson.GetInt32(e, "syncStateSetEpoch"), ReadReplicas(e, "inSyncReplicas"), ReadReplicas(e, "notInSyncReplicas"),
                FastJson.GetString(e, "noMasterReason"));
        }

        return new BrokerReplicasInfoBody(table);
    }

    private static void WriteReplicas(FastJsonWriter json, string name, IReadOnlyList<ReplicaIdentity> replicas)
    {
        json.PropertyName(name).StartArray();
        foreach (ReplicaIdentity r in replicas)
        {
            json.StartObject().Property("alive", r.Alive).Property("brokerAddress", r.BrokerAddress)
                .Property("brokerId", r.BrokerId).Property("brokerName", r.BrokerName).EndObject();
        }

        json.EndArray();
    }

    private static List<ReplicaIdentity> ReadReplicas(JsonElement element, string name)
    {
        var replicas = new List<ReplicaIdentity>();
        foreach (JsonElement r in FastJson.GetArray(element, name))
        {
            replicas.Add(new ReplicaIdentity(FastJson.GetString(r, "brokerName") ?? "", FastJson.GetInt64(r, "brokerId"),
                FastJson.GetString(r, "brokerAddress") ?? "", FastJson.GetBoolean(r, "alive")));
        }

        return replicas;
    }
}

/// <summary>
/// The body of a successful CONTROLLER_ELECT_MASTER (1002): RocketMQ 5's BrokerMemberGroup JSON (cluster, broker
/// name, member id → broker address), which RocketMQ 5's admin reads, plus <c>syncStateSet</c> (the member ids of
/// the new in-sync set) as RocketMQ's ElectMasterResponseBody carries it.
/// </summary>
public sealed record BrokerMemberGroupBody(string Cluster, string BrokerName, IReadOnlyDictionary<long, string> BrokerAddrs, IReadOnlyList<long> SyncStateSet)
{
    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("brokerAddrs").StartObject();
        foreach (var (id, address) in BrokerAddrs.OrderBy(e => e.Key))
        {
            json.PropertyName(id, quoted: true).String(address);
        }

        json.EndObject().Property("brokerName", BrokerName).Property("cluster", Cluster).PropertyName("syncStateSet").StartArray();
        foreach (long id in SyncStateSet)
        {
            json.Number(id);
        }

        return json.EndArray().EndObject().ToArray();
    }

    public static BrokerMemberGroupBody Decode(ReadOnlySpan<byte> body)
    {
        using JsonDocument document = FastJson.Parse(body);
        JsonElement root = document.RootElement;
        var addresses = new SortedDictionary<long, string>();
        foreach (JsonProperty entry in FastJson.GetObject(root, "brokerAddrs"))
        {
            if (long.TryParse(entry.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long id) && FastJson.AsString(entry.Value) is { } address)
            {
                addresses[id] = address;
            }
        }

        var set = new List<long>();
        foreach (JsonElement id in FastJson.GetArray(root, "syncStateSet"))
        {
            if (FastJson.TryAsInt64(id, out long member))
            {
                set.Add(member);
            }
        }

        return new BrokerMemberGroupBody(FastJson.GetString(root, "cluster") ?? "", FastJson.GetString(root, "brokerName") ?? "", addresses, set);
    }
}
