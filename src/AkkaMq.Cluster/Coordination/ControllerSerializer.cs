using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// Encodes the controller's journal events and snapshots as small JSON documents, field by field.
/// Manifests never change meaning; a changed layout gets a new one and the old stays readable:
/// <list type="bullet">
/// <item><c>CJ1</c> <see cref="BrokerMemberJoined"/>: <c>{"cluster","group","brokerId","nodeName","nodeAddress","brokerAddress","replicationAddress"}</c>.</item>
/// <item><c>CM1</c> <see cref="BrokerGroupMasterChanged"/>: <c>{"group","masterBrokerId","masterEpoch","masterNodeName"}</c>. Read only.</item>
/// <item><c>CM2</c> <see cref="BrokerGroupMasterChanged"/>: as <c>CM1</c> with <c>"masterStoreEpoch"</c>.</item>
/// <item><c>CS1</c> <see cref="ControllerSnapshot"/>: <c>{"groups":[{"cluster","group","masterBrokerId","masterEpoch","masterNodeName","members":[member...]}]}</c>,
/// each member as in <c>CJ1</c> without cluster and group. Read only: the set is then the master alone.</item>
/// <item><c>CSS1</c> <see cref="BrokerSyncStateSetChanged"/>: <c>{"group","masterEpoch","syncStateSetEpoch","members":[id...]}</c>.</item>
/// <item><c>CS2</c> <see cref="ControllerSnapshot"/>: as <c>CS1</c>, each group also with <c>"syncStateSet":[id...]</c>, <c>"syncStateSetEpoch"</c>
/// and <c>"masterStoreEpoch"</c>.</item>
/// </list>
/// The serializer id, <see cref="SerializerId"/> = 4712, is stored with every row and must never change.
/// </summary>
public sealed class ControllerSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 4712;

    private const string JoinedManifest = "CJ1";
    private const string MasterV1Manifest = "CM1";
    private const string MasterManifest = "CM2";
    private const string SnapshotV1Manifest = "CS1";
    private const string SyncStateSetManifest = "CSS1";
    private const string SnapshotManifest = "CS2";
    private const string Owner = "controller";

    public ControllerSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        BrokerMemberJoined => JoinedManifest,
        BrokerGroupMasterChanged => MasterManifest,
        BrokerSyncStateSetChanged => SyncStateSetManifest,
        ControllerSnapshot => SnapshotManifest,
        _ => throw new ArgumentException($"controller serializer cannot write {o.GetType().FullName}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => JsonRecords.Write(256, w =>
    {
        switch (obj)
        {
            case BrokerMemberJoined j:
                w.WriteStartObject();
                w.WriteString("cluster", j.Cluster);
                w.WriteString("group", j.Group);
                WriteMember(w, new ControllerMemberRecord(j.BrokerId, j.NodeName, j.NodeAddress, j.BrokerAddress, j.ReplicationAddress));
                w.WriteEndObject();
                break;
            case BrokerGroupMasterChanged c:
                w.WriteStartObject();
                w.WriteString("group", c.Group);
                w.WriteNumber("masterBrokerId", c.MasterBrokerId);
                w.WriteNumber("masterEpoch", c.MasterEpoch);
                w.WriteString("masterNodeName", c.MasterNodeName);
                w.WriteNumber("masterStoreEpoch", c.MasterStoreEpoch);
                w.WriteEndObject();
                break;
            case BrokerSyncStateSetChanged c:
                w.WriteStartObject();
                w.WriteString("group", c.Group);
                w.WriteNumber("masterEpoch", c.MasterEpoch);
                w.WriteNumber("syncStateSetEpoch", c.SyncStateSetEpoch);
                WriteIds(w, "members", c.Members);
                w.WriteEndObject();
                break;
            case ControllerSnapshot s:
                w.WriteStartObject();
                w.WriteStartArray("groups");
                foreach (var g in s.Groups)
                {
                    w.WriteStartObject();
                    w.WriteString("cluster", g.Cluster);
                    w.WriteString("group", g.Group);
                    w.WriteNumber("masterBrokerId", g.MasterBrokerId);
                    w.WriteNumber("masterEpoch", g.MasterEpoch);
                    w.WriteString("masterNodeName", g.MasterNodeName);
                    w.WriteStartArray("members");
                    foreach (var m in g.Members)
                    {
                        w.WriteStartObject();
                        WriteMember(w, m);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    WriteIds(w, "syncStateSet", g.SyncStateSet ?? (g.MasterBrokerId >= 0 ? [g.MasterBrokerId] : []));
                    w.WriteNumber("syncStateSetEpoch", g.SyncStateSetEpoch);
                    w.WriteNumber("masterStoreEpoch", g.MasterStoreEpoch);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"controller serializer cannot write {obj.GetType().FullName}", nameof(obj));
        }
    });

    public override object FromBinary(byte[] bytes, string manifest) => JsonRecords.Decode(Owner, manifest, () =>
    {
        using var doc = JsonDocument.Parse(bytes);
        var e = doc.RootElement;
        return manifest switch
        {
            JoinedManifest => Joined(e),
            MasterV1Manifest => MasterChanged(e),
            MasterManifest => MasterChanged(e) with { MasterStoreEpoch = e.GetProperty("masterStoreEpoch").GetInt32() },
            SyncStateSetManifest => new BrokerSyncStateSetChanged(
                Text(e, "group"), e.GetProperty("masterEpoch").GetInt32(), e.GetProperty("syncStateSetEpoch").GetInt32(), ReadIds(e, "members")),
            SnapshotV1Manifest => new ControllerSnapshot([.. e.GetProperty("groups").EnumerateArray().Select(GroupV1)]),
            SnapshotManifest => new ControllerSnapshot([.. e.GetProperty("groups").EnumerateArray().Select(g => GroupV1(g) with
            {
                SyncStateSet = ReadIds(g, "syncStateSet"),
                SyncStateSetEpoch = g.GetProperty("syncStateSetEpoch").GetInt32(),
                MasterStoreEpoch = g.GetProperty("masterStoreEpoch").GetInt32(),
            })]),
            _ => throw JsonRecords.UnknownManifest(Owner, manifest, bytes.Length),
        };
    });

    private static BrokerGroupMasterChanged MasterChanged(JsonElement e) => new(
        Text(e, "group"), e.GetProperty("masterBrokerId").GetInt64(), e.GetProperty("masterEpoch").GetInt32(), Text(e, "masterNodeName"));

    private static ControllerGroupRecord GroupV1(JsonElement g) => new(
        Text(g, "cluster"), Text(g, "group"), g.GetProperty("masterBrokerId").GetInt64(), g.GetProperty("masterEpoch").GetInt32(),
        g.GetProperty("masterNodeName").GetString(), [.. g.GetProperty("members").EnumerateArray().Select(ReadMember)]);

    private static void WriteIds(Utf8JsonWriter w, string name, IReadOnlyList<long> ids)
    {
        w.WriteStartArray(name);
        foreach (var id in ids)
        {
            w.WriteNumberValue(id);
        }

        w.WriteEndArray();
    }

    private static long[] ReadIds(JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(i => i.GetInt64())];

    private static BrokerMemberJoined Joined(JsonElement e)
    {
        var m = ReadMember(e);
        return new BrokerMemberJoined(Text(e, "cluster"), Text(e, "group"), m.BrokerId, m.NodeName, m.NodeAddress, m.BrokerAddress, m.ReplicationAddress);
    }

    private static void WriteMember(Utf8JsonWriter w, ControllerMemberRecord m)
    {
        w.WriteNumber("brokerId", m.BrokerId);
        w.WriteString("nodeName", m.NodeName);
        w.WriteString("nodeAddress", m.NodeAddress);
        w.WriteString("brokerAddress", m.BrokerAddress);
        w.WriteString("replicationAddress", m.ReplicationAddress);
    }

    private static ControllerMemberRecord ReadMember(JsonElement e) => new(
        e.GetProperty("brokerId").GetInt64(), Text(e, "nodeName"), Text(e, "nodeAddress"), Text(e, "brokerAddress"), Text(e, "replicationAddress"));

    private static string Text(JsonElement e, string name) => JsonRecords.Text(e, name);
}
