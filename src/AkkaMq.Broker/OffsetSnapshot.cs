using System.Globalization;
using System.Text.Json;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// Consumer offsets travel in the commit log, in <see cref="Topic"/> queue 0, as two kinds of
/// record: a snapshot of the whole table, body <c>{"offsetTable":{"topic@group":{"0":12}}}</c>
/// (RocketMQ's consumerOffset.json shape), and a delta holding only the entries changed since the
/// record before it, <c>{"offsetDelta":{"topic@group":{"0":13}},"replaced":["topic@group"]}</c>
/// (a key listed in <c>replaced</c> is set whole, as a clone does, instead of merged). The table is
/// the newest snapshot with every later delta applied in log order. The topic is never put in the
/// route table, so clients cannot see or address it.
/// </summary>
internal static class OffsetSnapshot
{
    public const string Topic = "AKKAMQ_SYS_CONSUMER_OFFSETS";

    private const string DeltaProperty = "offsetDelta";
    private const string ReplacedProperty = "replaced";
    private static ReadOnlySpan<byte> DeltaPrefix => "{\"offsetDelta\""u8;

    /// <summary>How often an unchanged snapshot is stored again when retention is long (RocketMQ's default is 72 h).</summary>
    private static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromHours(1);

    /// <summary>
    /// How often a snapshot kept in this topic is stored again even when unchanged: a quarter of
    /// the retention time, at most an hour. A segment is deleted only once its newest record is
    /// older than the retention time, so the segment with the newest snapshot never is.
    /// </summary>
    public static TimeSpan RefreshIntervalFor(TimeSpan fileReservedTime)
    {
        var quarter = fileReservedTime / 4;
        return quarter <= TimeSpan.Zero || quarter > MaxRefreshInterval ? MaxRefreshInterval : quarter;
    }

    public static byte[] Encode(Dictionary<string, Dictionary<int, long>> table)
    {
        var json = new FastJsonWriter(1024);
        json.StartObject().PropertyName("offsetTable").StartObject();
        foreach (var (key, queues) in table)
        {
            json.PropertyName(key).StartObject();
            foreach (var (queueId, offset) in queues)
            {
                json.PropertyName(queueId, quoted: true).Number(offset);
            }

            json.EndObject();
        }

        return json.EndObject().EndObject().ToArray();
    }

    public static Dictionary<string, Dictionary<int, long>> Decode(ReadOnlySpan<byte> body)
    {
        var table = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        using var document = FastJson.Parse(body);
        foreach (var entry in FastJson.GetObject(document.RootElement, "offsetTable"))
        {
            var queues = new Dictionary<int, long>();
            foreach (var queue in entry.Value.EnumerateObject())
            {
                if (int.TryParse(queue.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id)
                    && FastJson.TryAsInt64(queue.Value, out long offset))
                {
                    queues[id] = offset;
                }
            }

            table[entry.Name] = queues;
        }

        return table;
    }

    /// <summary>
    /// The delta of the <paramref name="changed"/> entries of <paramref name="table"/> (queue ids per
    /// <c>topic@group</c>); a key in <paramref name="replaced"/> is written with all its entries and
    /// listed so that loading sets it whole. Entries no longer in the table are left out.
    /// </summary>
    public static byte[] EncodeDelta(Dictionary<string, Dictionary<int, long>> table, Dictionary<string, HashSet<int>> changed, HashSet<string> replaced)
    {
        var json = new FastJsonWriter(128);
        json.StartObject().PropertyName(DeltaProperty).StartObject();
        foreach (var (key, queueIds) in changed)
        {
            if (!table.TryGetValue(key, out var queues))
            {
                continue;
            }

            json.PropertyName(key).StartObject();
            if (replaced.Contains(key))
            {
                foreach (var (queueId, offset) in queues)
                {
                    json.PropertyName(queueId, quoted: true).Number(offset);
                }
            }
            else
            {
                foreach (int queueId in queueIds)
                {
                    if (queues.TryGetValue(queueId, out long offset))
                    {
                        json.PropertyName(queueId, quoted: true).Number(offset);
                    }
                }
            }

            json.EndObject();
        }

        json.EndObject();
        if (replaced.Count > 0)
        {
            json.PropertyName(ReplacedProperty).StartArray();
            foreach (string key in replaced)
            {
                json.String(key);
            }

            json.EndArray();
        }

        return json.EndObject().ToArray();
    }

    /// <summary>
    /// The table in the newest snapshot record with every later delta applied in log order, or an
    /// empty one when there is none. A log with deltas but no snapshot (retention took it) yields
    /// the deltas alone.
    /// </summary>
    public static Dictionary<string, Dictionary<int, long>> LoadLatest(MessageStore store)
    {
        long max = store.GetMaxOffset(Topic, 0);
        long min = store.GetMinOffset(Topic, 0);
        var deltas = new List<byte[]>();
        Dictionary<string, Dictionary<int, long>>? table = null;
        Span<QueueEntry> entry = stackalloc QueueEntry[1];
        for (long offset = max - 1; offset >= min && table is null; offset--)
        {
            if (store.ReadQueue(Topic, 0, offset, entry, default, 1).Count == 1
                && store.TryGetMessage(entry[0].CommitLogOffset, entry[0].Size, out StoredBytes bytes))
            {
                using (bytes)
                {
                    ReadOnlySpan<byte> body = MessageRecordLayout.Body(bytes.Span);
                    if (IsDelta(body))
                    {
                        deltas.Add(body.ToArray());
                    }
                    else
                    {
                        table = Decode(body);
                    }
                }
            }
        }

        table ??= new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        for (int i = deltas.Count - 1; i >= 0; i--)
        {
            ApplyDelta(table, deltas[i]);
        }

        return table;
    }

    /// <summary>Applies one delta record's body to <paramref name="table"/>.</summary>
    public static void ApplyDelta(Dictionary<string, Dictionary<int, long>> table, ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in FastJson.GetArray(document.RootElement, ReplacedProperty))
        {
            if (FastJson.AsString(key) is { } name)
            {
                replaced.Add(name);
            }
        }

        foreach (var entry in FastJson.GetObject(document.RootElement, DeltaProperty))
        {
            if (replaced.Contains(entry.Name) || !table.TryGetValue(entry.Name, out var queues))
            {
                table[entry.Name] = queues = [];
            }

            foreach (var queue in entry.Value.EnumerateObject())
            {
                if (int.TryParse(queue.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int id)
                    && FastJson.TryAsInt64(queue.Value, out long offset))
                {
                    queues[id] = offset;
                }
            }
        }
    }

    /// <summary>True for a delta record's body (its first property is <c>offsetDelta</c>).</summary>
    public static bool IsDelta(ReadOnlySpan<byte> body) => body.StartsWith(DeltaPrefix);

    public static string Key(string topic, string group) => topic + "@" + group;
}
