using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The route table as a JSON document: the snapshot and import payloads of the route registry, and
/// the file the earlier file-based store kept (<see cref="LegacyRouteTableFile"/>):
/// <c>{"version":N,"groups":[{"cluster","group","addresses":{"0":"ip:port"}}],
/// "topics":[{"group","topicName","readQueueNums","writeQueueNums","perm","filterType","topicSysFlag","order"}],
/// "kv":{"namespace":{"key":"value"}}}</c>.
/// </summary>
public static class RouteTableCodec
{
    public static byte[] Encode(RouteTable table)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteTable(w, table);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The table as one JSON object (the layout above); also nested in other documents.</summary>
    internal static void WriteTable(Utf8JsonWriter w, RouteTable table)
    {
        w.WriteStartObject();
        w.WriteNumber("version", table.Version);
        w.WriteStartArray("groups");
        foreach (var group in table.Groups.Values)
        {
            w.WriteStartObject();
            w.WriteString("cluster", group.ClusterName);
            w.WriteString("group", group.GroupName);
            w.WriteStartObject("addresses");
            foreach (var (id, address) in group.Addresses)
            {
                w.WriteString(id.ToString(System.Globalization.CultureInfo.InvariantCulture), address);
            }

            w.WriteEndObject();
            if (group.Nodes is { IsEmpty: false } nodes)
            {
                w.WriteStartObject("nodes");
                foreach (var (id, node) in nodes)
                {
                    w.WriteString(id.ToString(System.Globalization.CultureInfo.InvariantCulture), node);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("topics");
        foreach (var perGroup in table.Topics.Values)
        {
            foreach (var (group, topic) in perGroup)
            {
                WriteTopic(w, group, topic);
            }
        }

        w.WriteEndArray();
        w.WriteStartObject("kv");
        foreach (var (ns, entries) in table.Kv)
        {
            w.WriteStartObject(ns);
            foreach (var (key, value) in entries)
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Reads a document written by <see cref="Encode"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RouteTable Decode(ReadOnlySpan<byte> json, string origin)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            return ReadTable(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new FormatException($"{origin}: not a readable route table: {e.Message}", e);
        }
    }

    /// <summary>Reads one table object written by <see cref="WriteTable"/>; JSON errors propagate to the caller.</summary>
    internal static RouteTable ReadTable(JsonElement root)
    {
        var table = RouteTable.Empty;
        foreach (var g in root.GetProperty("groups").EnumerateArray())
        {
            var addresses = ImmutableSortedDictionary<long, string>.Empty;
            foreach (var a in g.GetProperty("addresses").EnumerateObject())
            {
                addresses = addresses.Add(long.Parse(a.Name, System.Globalization.CultureInfo.InvariantCulture), a.Value.GetString()!);
            }

            ImmutableSortedDictionary<long, string>? nodes = null;
            if (g.TryGetProperty("nodes", out var nodeList))
            {
                nodes = ImmutableSortedDictionary<long, string>.Empty;
                foreach (var n in nodeList.EnumerateObject())
                {
                    nodes = nodes.Add(long.Parse(n.Name, System.Globalization.CultureInfo.InvariantCulture), n.Value.GetString()!);
                }
            }

            table = table.WithGroup(new BrokerGroup(g.GetProperty("cluster").GetString()!, g.GetProperty("group").GetString()!, addresses, nodes));
        }

        foreach (var t in root.GetProperty("topics").EnumerateArray())
        {
            table = table.WithTopic(t.GetProperty("group").GetString()!, ReadTopic(t));
        }

        foreach (var ns in root.GetProperty("kv").EnumerateObject())
        {
            foreach (var kv in ns.Value.EnumerateObject())
            {
                table = table.WithKv(ns.Name, kv.Name, kv.Value.GetString()!);
            }
        }

        return new RouteTable(root.GetProperty("version").GetInt64(), table.Groups, table.Topics, table.Kv);
    }

    /// <summary>One topic entry of the <c>topics</c> array; the serializer writes topic events the same way.</summary>
    internal static void WriteTopic(Utf8JsonWriter w, string group, TopicConfig topic)
    {
        w.WriteStartObject();
        w.WriteString("group", group);
        w.WriteString("topicName", topic.TopicName);
        w.WriteNumber("readQueueNums", topic.ReadQueueNums);
        w.WriteNumber("writeQueueNums", topic.WriteQueueNums);
        w.WriteNumber("perm", topic.Perm);
        w.WriteString("filterType", topic.FilterType == TopicFilterType.MultiTag ? "MULTI_TAG" : "SINGLE_TAG");
        w.WriteNumber("topicSysFlag", topic.TopicSysFlag);
        w.WriteBoolean("order", topic.Order);
        w.WriteEndObject();
    }

    internal static TopicConfig ReadTopic(JsonElement t) => new(
        t.GetProperty("topicName").GetString()!,
        t.GetProperty("readQueueNums").GetInt32(),
        t.GetProperty("writeQueueNums").GetInt32(),
        t.GetProperty("perm").GetInt32(),
        t.GetProperty("filterType").GetString() == "MULTI_TAG" ? TopicFilterType.MultiTag : TopicFilterType.SingleTag,
        t.GetProperty("topicSysFlag").GetInt32(),
        t.GetProperty("order").GetBoolean());
}
