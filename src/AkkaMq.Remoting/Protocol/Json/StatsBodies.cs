using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One window of <see cref="BrokerStatsData"/> (Java BrokerStatsItem).</summary>
public sealed class BrokerStatsItem
{
    /// <summary>Growth of the counted value over the window.</summary>
    public long Sum { get; set; }

    /// <summary>That growth per second.</summary>
    public double Tps { get; set; }

    /// <summary>That growth per counted call.</summary>
    public double Avgpt { get; set; }

    internal void Write(FastJsonWriter json) =>
        json.StartObject()
            .PropertyName("avgpt").Number(Avgpt)
            .Property("sum", Sum)
            .PropertyName("tps").Number(Tps)
            .EndObject();

    internal static BrokerStatsItem Read(JsonElement root, string name)
    {
        var item = new BrokerStatsItem();
        if (FastJson.TryGet(root, name, out var element) && element.ValueKind == JsonValueKind.Object)
        {
            item.Sum = FastJson.GetInt64(element, "sum");
            item.Tps = ReadDouble(element, "tps");
            item.Avgpt = ReadDouble(element, "avgpt");
        }

        return item;
    }

    private static double ReadDouble(JsonElement element, string name) =>
        FastJson.TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}

/// <summary>Body of VIEW_BROKER_STATS_DATA (315): one stats item over the last minute, hour and day.</summary>
public sealed class BrokerStatsData
{
    public BrokerStatsItem StatsMinute { get; set; } = new();

    public BrokerStatsItem StatsHour { get; set; } = new();

    public BrokerStatsItem StatsDay { get; set; } = new();

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().PropertyName("statsDay");
        StatsDay.Write(json);
        json.PropertyName("statsHour");
        StatsHour.Write(json);
        json.PropertyName("statsMinute");
        StatsMinute.Write(json);
        return json.EndObject().ToArray();
    }

    public static BrokerStatsData Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        return new BrokerStatsData
        {
            StatsMinute = BrokerStatsItem.Read(root, "statsMinute"),
            StatsHour = BrokerStatsItem.Read(root, "statsHour"),
            StatsDay = BrokerStatsItem.Read(root, "statsDay"),
        };
    }
}

/// <summary>
/// Body of GET_BROKER_CONSUME_STATS (317): for every group, the consume stats of each topic it
/// consumes, and the lag of them all. Each group is a one-entry map in a list, as Java's
/// <c>List&lt;Map&lt;group, List&lt;ConsumeStats&gt;&gt;&gt;</c>.
/// </summary>
public sealed class ConsumeStatsListBody
{
    public string? BrokerAddr { get; set; }

    public long TotalDiff { get; set; }

    public List<KeyValuePair<string, List<ConsumeStatsBody>>> ConsumeStatsList { get; set; } = [];

    public byte[] Encode()
    {
        var json = new FastJsonWriter(1024);
        json.StartObject().Property("brokerAddr", BrokerAddr).PropertyName("consumeStatsList").StartArray();
        foreach (var (group, statsList) in ConsumeStatsList)
        {
            json.StartObject().PropertyName(group).StartArray();
            foreach (var stats in statsList)
            {
                stats.WriteTo(json);
            }

            json.EndArray().EndObject();
        }

        return json.EndArray().Property("totalDiff", TotalDiff).EndObject().ToArray();
    }

    public static ConsumeStatsListBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var list = new ConsumeStatsListBody
        {
            BrokerAddr = FastJson.GetString(root, "brokerAddr"),
            TotalDiff = FastJson.GetInt64(root, "totalDiff"),
        };
        foreach (var map in FastJson.GetArray(root, "consumeStatsList"))
        {
            if (map.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var group in map.EnumerateObject())
            {
                var statsList = new List<ConsumeStatsBody>();
                if (group.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var stats in group.Value.EnumerateArray())
                    {
                        statsList.Add(ConsumeStatsBody.Read(stats));
                    }
                }

                list.ConsumeStatsList.Add(new(group.Name, statsList));
            }
        }

        return list;
    }
}
