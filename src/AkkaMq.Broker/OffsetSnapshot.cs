using System.Globalization;
using System.Text.Json;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// Consumer offsets travel in the commit log: a snapshot of the whole table is stored as one
/// record of <see cref="Topic"/> queue 0, body <c>{"offsetTable":{"topic@group":{"0":12}}}</c>
/// (RocketMQ's consumerOffset.json shape). The newest record wins at start-up. The topic is never
/// put in the route table, so clients cannot see or address it.
/// </summary>
internal static class OffsetSnapshot
{
    public const string Topic = "AKKAMQ_SYS_CONSUMER_OFFSETS";

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

    /// <summary>The table in the newest snapshot record, or an empty one when there is none.</summary>
    public static Dictionary<string, Dictionary<int, long>> LoadLatest(MessageStore store)
    {
        long max = store.GetMaxOffset(Topic, 0);
        long min = store.GetMinOffset(Topic, 0);
        Span<QueueEntry> entry = stackalloc QueueEntry[1];
        for (long offset = max - 1; offset >= min; offset--)
        {
            if (store.ReadQueue(Topic, 0, offset, entry, default, 1).Count == 1
                && store.TryGetMessage(entry[0].CommitLogOffset, entry[0].Size, out StoredBytes bytes))
            {
                using (bytes)
                {
                    return Decode(MessageRecordLayout.Body(bytes.Span));
                }
            }
        }

        return new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
    }

    public static string Key(string topic, string group) => topic + "@" + group;
}
