using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One follower in RocketMQ 5's HARuntimeInfo.haConnectionInfo.</summary>
public sealed record HaConnectionInfo(string Addr, long SlaveAckOffset, long Diff, bool InSync, long TransferredByteInSecond, long TransferFromWhere);

/// <summary>RocketMQ 5's HARuntimeInfo.haClientRuntimeInfo: a follower's view of its master.</summary>
public sealed record HaClientInfo(string? MasterAddr, long TransferredByteInSecond, long MaxOffset, long LastReadTimestamp,
    long LastWriteTimestamp, long MasterFlushOffset, bool Activated);

/// <summary>
/// The body of GET_BROKER_HA_STATUS (907): RocketMQ 5's HARuntimeInfo JSON, fields in fastjson's
/// alphabetical order (master, masterCommitLogMaxOffset, inSyncSlaveNums, haConnectionInfo,
/// haClientRuntimeInfo).
/// </summary>
public sealed record HaRuntimeInfoBody(bool Master, long MasterCommitLogMaxOffset, int InSyncSlaveNums,
    IReadOnlyList<HaConnectionInfo> HaConnectionInfo, HaClientInfo HaClientRuntimeInfo)
{
    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("haClientRuntimeInfo").StartObject()
            .Property("activated", HaClientRuntimeInfo.Activated)
            .Property("lastReadTimestamp", HaClientRuntimeInfo.LastReadTimestamp)
            .Property("lastWriteTimestamp", HaClientRuntimeInfo.LastWriteTimestamp)
            .Property("masterAddr", HaClientRuntimeInfo.MasterAddr)
            .Property("masterFlushOffset", HaClientRuntimeInfo.MasterFlushOffset)
            .Property("maxOffset", HaClientRuntimeInfo.MaxOffset)
            .Property("transferredByteInSecond", HaClientRuntimeInfo.TransferredByteInSecond)
            .EndObject();
        json.PropertyName("haConnectionInfo").StartArray();
        foreach (HaConnectionInfo c in HaConnectionInfo)
        {
            json.StartObject().Property("addr", c.Addr).Property("diff", c.Diff).Property("inSync", c.InSync)
                .Property("slaveAckOffset", c.SlaveAckOffset).Property("transferFromWhere", c.TransferFromWhere)
                .Property("transferredByteInSecond", c.TransferredByteInSecond).EndObject();
        }
        json.EndArray();
        return json.Property("inSyncSlaveNums", InSyncSlaveNums).Property("master", Master)
            .Property("masterCommitLogMaxOffset", MasterCommitLogMaxOffset).EndObject().ToArray();
    }

    public static HaRuntimeInfoBody Decode(ReadOnlySpan<byte> body)
    {
        using JsonDocument document = FastJson.Parse(body);
        JsonElement root = document.RootElement;
        var connections = new List<HaConnectionInfo>();
        if (FastJson.TryGet(root, "haConnectionInfo", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement c in list.EnumerateArray())
            {
                connections.Add(new HaConnectionInfo(FastJson.GetString(c, "addr") ?? "", FastJson.GetInt64(c, "slaveAckOffset"), FastJson.GetInt64(c, "diff"),
                    FastJson.GetBoolean(c, "inSync"), FastJson.GetInt64(c, "transferredByteInSecond"), FastJson.GetInt64(c, "transferFromWhere")));
            }
        }
        HaClientInfo client = FastJson.TryGet(root, "haClientRuntimeInfo", out JsonElement h) && h.ValueKind == JsonValueKind.Object
            ? new HaClientInfo(FastJson.GetString(h, "masterAddr"), FastJson.GetInt64(h, "transferredByteInSecond"), FastJson.GetInt64(h, "maxOffset"),
                FastJson.GetInt64(h, "lastReadTimestamp"), FastJson.GetInt64(h, "lastWriteTimestamp"), FastJson.GetInt64(h, "masterFlushOffset"),
                FastJson.GetBoolean(h, "activated"))
            : new HaClientInfo(null, 0, 0, 0, 0, 0, false);
        return new HaRuntimeInfoBody(FastJson.GetBoolean(root, "master"), FastJson.GetInt64(root, "masterCommitLogMaxOffset"),
            FastJson.GetInt32(root, "inSyncSlaveNums"), connections, client);
    }
}
