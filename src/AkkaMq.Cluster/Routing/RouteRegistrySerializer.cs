using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// Encodes the route registry's journal events and snapshots as small JSON documents, written and
/// read field by field (no reflection), so stored state survives refactoring and upgrades.
/// </summary>
/// <remarks>
/// Each stored type has a short manifest that never changes meaning; a changed layout gets a new
/// manifest (e.g. "TU2") and the old one stays readable. Layouts:
/// <list type="bullet">
/// <item><c>TU1</c> <see cref="TopicUpserted"/>: one entry of the route table's <c>topics</c> array,
/// <c>{"group","topicName","readQueueNums","writeQueueNums","perm","filterType","topicSysFlag","order"}</c>.</item>
/// <item><c>TD1</c> <see cref="TopicDeleted"/>: <c>{"topic"}</c>.</item>
/// <item><c>BM1</c> <see cref="BrokerMemberRegistered"/>: <c>{"cluster","group","brokerId","address"}</c> (read only;
/// written before members carried their node address).</item>
/// <item><c>BM2</c> <see cref="BrokerMemberRegistered"/>: <c>{"cluster","group","brokerId","address","nodeAddress"}</c>,
/// <c>nodeAddress</c> null when unknown.</item>
/// <item><c>KP1</c> <see cref="KvPut"/>: <c>{"namespace","key","value"}</c>.</item>
/// <item><c>KD1</c> <see cref="KvDeleted"/>: <c>{"namespace","key"}</c>.</item>
/// <item><c>BW1</c> <see cref="BrokerWritePermChanged"/>: <c>{"group","writable"}</c>.</item>
/// <item><c>RI1</c> <see cref="RouteTableImported"/> and <c>RS1</c> <see cref="RouteRegistrySnapshot"/>:
/// the whole table as <see cref="RouteTableCodec"/> writes it.</item>
/// <item><c>RT1</c> <see cref="RouteTable"/> sent between nodes (replies, published tables): the same document.</item>
/// <item><c>RC1</c> <see cref="RouteChangeResult"/> sent between nodes: <c>{"table":{...}}</c> or <c>{"rejection":"..."}</c>.</item>
/// </list>
/// The serializer id, <see cref="SerializerId"/> = 4711, is stored with every row and must never change.
/// </remarks>
public sealed class RouteRegistrySerializer : SerializerWithStringManifest
{
    /// <summary>Stored in the journal's and snapshot store's serializer-id column; fixed forever.</summary>
    public const int SerializerId = 4711;

    private const string TopicUpsertedManifest = "TU1";
    private const string TopicDeletedManifest = "TD1";
    private const string BrokerMemberRegisteredManifest = "BM1";
    private const string BrokerMemberRegisteredWithNodeManifest = "BM2";
    private const string RouteTableManifest = "RT1";
    private const string ChangeResultManifest = "RC1";
    private const string KvPutManifest = "KP1";
    private const string KvDeletedManifest = "KD1";
    private const string BrokerWritePermManifest = "BW1";
    private const string ImportedManifest = "RI1";
    private const string SnapshotManifest = "RS1";
    private const string Owner = "route registry";

    public RouteRegistrySerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        TopicUpserted => TopicUpsertedManifest,
        TopicDeleted => TopicDeletedManifest,
        BrokerMemberRegistered => BrokerMemberRegisteredWithNodeManifest,
        RouteTable => RouteTableManifest,
        RouteChangeResult => ChangeResultManifest,
        KvPut => KvPutManifest,
        KvDeleted => KvDeletedManifest,
        BrokerWritePermChanged => BrokerWritePermManifest,
        RouteTableImported => ImportedManifest,
        RouteRegistrySnapshot => SnapshotManifest,
        _ => throw CannotSerialize(o),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        RouteTableImported i => RouteTableCodec.Encode(i.Table),
        RouteRegistrySnapshot s => RouteTableCodec.Encode(s.Table),
        RouteTable t => RouteTableCodec.Encode(t),
        RouteChangeResult r => WriteChangeResult(r),
        TopicUpserted or TopicDeleted or BrokerMemberRegistered or KvPut or KvDeleted or BrokerWritePermChanged => WriteEvent(obj),
        _ => throw CannotSerialize(obj),
    };

    public override object FromBinary(byte[] bytes, string manifest) => JsonRecords.Decode(Owner, manifest, () =>
    {
        switch (manifest)
        {
            case ImportedManifest:
                return new RouteTableImported(RouteTableCodec.Decode(bytes, manifest));
            case SnapshotManifest:
                return new RouteRegistrySnapshot(RouteTableCodec.Decode(bytes, manifest));
            case RouteTableManifest:
                return RouteTableCodec.Decode(bytes, manifest);
            case ChangeResultManifest:
                using (var doc = JsonDocument.Parse(bytes))
                {
                    var root = doc.RootElement;
                    return root.TryGetProperty("table", out var table)
                        ? RouteChangeResult.Accepted(RouteTableCodec.ReadTable(table))
                        : RouteChangeResult.Rejected(Text(root, "rejection"));
                }

            case TopicUpsertedManifest or TopicDeletedManifest or BrokerMemberRegisteredManifest or BrokerMemberRegisteredWithNodeManifest or KvPutManifest or KvDeletedManifest or BrokerWritePermManifest:
                using (var doc = JsonDocument.Parse(bytes))
                {
                    return ReadEvent(doc.RootElement, manifest);
                }

            default:
                throw JsonRecords.UnknownManifest(Owner, manifest, bytes.Length);
        }
    });

    private static byte[] WriteEvent(object e) => JsonRecords.Write(256, w =>
    {
        switch (e)
        {
            case TopicUpserted u:
                RouteTableCodec.WriteTopic(w, u.Group, u.Config);
                break;
            case TopicDeleted d:
                w.WriteStartObject();
                w.WriteString("topic", d.Topic);
                w.WriteEndObject();
                break;
            case BrokerMemberRegistered r:
                w.WriteStartObject();
                w.WriteString("cluster", r.Cluster);
                w.WriteString("group", r.Group);
                w.WriteNumber("brokerId", r.BrokerId);
                w.WriteString("address", r.Address);
                if (r.NodeAddress is null)
                {
                    w.WriteNull("nodeAddress");
                }
                else
                {
                    w.WriteString("nodeAddress", r.NodeAddress);
                }

                w.WriteEndObject();
                break;
            case KvPut p:
                w.WriteStartObject();
                w.WriteString("namespace", p.Namespace);
                w.WriteString("key", p.Key);
                w.WriteString("value", p.Value);
                w.WriteEndObject();
                break;
            case KvDeleted d:
                w.WriteStartObject();
                w.WriteString("namespace", d.Namespace);
                w.WriteString("key", d.Key);
                w.WriteEndObject();
                break;
            case BrokerWritePermChanged p:
                w.WriteStartObject();
                w.WriteString("group", p.Group);
                w.WriteBoolean("writable", p.Writable);
                w.WriteEndObject();
                break;
        }
    });

    private static IRouteRegistryEvent ReadEvent(JsonElement e, string manifest) => manifest switch
    {
        TopicUpsertedManifest => new TopicUpserted(Text(e, "group"), RouteTableCodec.ReadTopic(e)),
        TopicDeletedManifest => new TopicDeleted(Text(e, "topic")),
        BrokerMemberRegisteredManifest => new BrokerMemberRegistered(Text(e, "cluster"), Text(e, "group"), e.GetProperty("brokerId").GetInt64(), Text(e, "address")),
        BrokerMemberRegisteredWithNodeManifest => new BrokerMemberRegistered(
            Text(e, "cluster"), Text(e, "group"), e.GetProperty("brokerId").GetInt64(), Text(e, "address"), e.GetProperty("nodeAddress").GetString()),
        KvPutManifest => new KvPut(Text(e, "namespace"), Text(e, "key"), Text(e, "value")),
        BrokerWritePermManifest => new BrokerWritePermChanged(Text(e, "group"), e.GetProperty("writable").GetBoolean()),
        _ => new KvDeleted(Text(e, "namespace"), Text(e, "key")),
    };

    private static byte[] WriteChangeResult(RouteChangeResult result) => JsonRecords.Write(1024, w =>
    {
        w.WriteStartObject();
        if (result.Table is { } table)
        {
            w.WritePropertyName("table");
            RouteTableCodec.WriteTable(w, table);
        }
        else
        {
            w.WriteString("rejection", result.Rejection ?? string.Empty);
        }

        w.WriteEndObject();
    });

    private static string Text(JsonElement e, string name) => JsonRecords.Text(e, name);

    private static ArgumentException CannotSerialize(object o) =>
        new($"route registry serializer cannot write {o.GetType().FullName}", nameof(o));
}
