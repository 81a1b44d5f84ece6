using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AkkaMq.Client;
using AkkaMq.Codec;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>statsAll</c>, <c>brokerConsumeStats</c> and <c>queryCq</c>.</summary>
internal static class StatsCommands
{
    public static Command StatsAll()
    {
        var ns = AdminOptions.NameServer();
        var active = new Option<bool>("-a", "--activeTopic") { Description = "Print active topics only." };
        var topic = new Option<string>("-t", "--topic") { Description = "Print this topic only." };
        var command = new Command("statsAll", "Topic and consumer TPS and the messages in and out over the last 24 hours.") { ns, active, topic };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var only = session.Parse.GetValue(topic);
            var table = new TextTable("Topic", "Consumer Group", "Accumulation", "InTPS", "OutTPS", "InMsg24Hour", "OutMsg24Hour");
            foreach (var name in (await admin.GetTopicListAsync(ct).ConfigureAwait(false)).TopicList.Order(StringComparer.Ordinal))
            {
                if (name.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal) || name.StartsWith(TopicNames.DeadLetterPrefix, StringComparison.Ordinal)
                    || (!string.IsNullOrEmpty(only) && name != only))
                {
                    continue;
                }

                await AddTopicRowsAsync(table, admin, name, session.Parse.GetValue(active), ct).ConfigureAwait(false);
            }

            table.WriteTo(session.Output);
        });
        return command;
    }

    public static Command BrokerConsumeStats()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress(required: true);
        var timeout = new Option<long>("-t", "--timeoutMillis") { Description = "Request timeout in milliseconds.", DefaultValueFactory = _ => 50_000 };
        var level = new Option<long>("-l", "--level") { Description = "Print only queues with at least this diff." };
        var order = new Option<string>("-o", "--order") { Description = "true: ordered topics only." };
        var command = new Command("brokerConsumeStats", "Fetch a broker's consume stats of every group.") { ns, broker, timeout, level, order };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            bool isOrder = string.Equals(session.Parse.GetValue(order)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            var list = await admin.FetchConsumeStatsInBrokerAsync(
                session.Parse.GetValue(broker)!.Trim(), isOrder, TimeSpan.FromMilliseconds(session.Parse.GetValue(timeout)), ct).ConfigureAwait(false);
            long diffLevel = session.Parse.GetValue(level);
            var table = new TextTable("Topic", "Group", "Broker Name", "QID", "Broker Offset", "Consumer Offset", "Diff", "LastTime");
            foreach (var (group, statsList) in list.ConsumeStatsList)
            {
                foreach (var stats in statsList)
                {
                    foreach (var queue in stats.OffsetTable.Keys
                        .OrderBy(q => q.Topic, StringComparer.Ordinal).ThenBy(q => q.BrokerName, StringComparer.Ordinal).ThenBy(q => q.QueueId))
                    {
                        var offsets = stats.OffsetTable[queue];
                        long diff = offsets.BrokerOffset - offsets.ConsumerOffset;

                        // As mqadmin: queues below the level, and queues never consumed from, are left out.
                        if (diff >= diffLevel && offsets.LastTimestamp > 0)
                        {
                            table.Add(queue.Topic, group, queue.BrokerName, queue.QueueId, offsets.BrokerOffset, offsets.ConsumerOffset, diff,
                                DateTimeOffset.FromUnixTimeMilliseconds(offsets.LastTimestamp).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                        }
                    }
                }
            }

            table.WriteTo(session.Output);
            await session.Output.WriteLineAsync().ConfigureAwait(false);
            await session.Output.WriteLineAsync($"Diff Total: {list.TotalDiff}").ConfigureAwait(false);
        });
        return command;
    }

    public static Command QueryCq()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var queue = new Option<int>("-q", "--queue") { Description = "Queue id, e.g. 1.", Required = true };
        var index = new Option<long>("-i", "--index") { Description = "Start queue index.", Required = true };
        var count = new Option<int>("-c", "--count") { Description = "How many entries.", DefaultValueFactory = _ => 10 };
        var broker = new Option<string>("-b", "--broker") { Description = "Broker address (default: the topic's first broker)." };
        var group = new Option<string>("-g", "--consumer") { Description = "Consumer group: show its subscription." };
        var command = new Command("queryCq", "Print consume-queue entries of a queue.") { ns, topic, queue, index, count, broker, group };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string topicName = session.Parse.GetValue(topic)!.Trim();
            string address = session.Parse.GetValue(broker)?.Trim() is { Length: > 0 } given
                ? given
                : FirstBroker(await admin.GetTopicRouteAsync(topicName, ct).ConfigureAwait(false));
            long start = session.Parse.GetValue(index);
            var body = await admin.QueryConsumeQueueAsync(
                address, topicName, session.Parse.GetValue(queue), start, session.Parse.GetValue(count), session.Parse.GetValue(group)?.Trim(), ct).ConfigureAwait(false);
            WriteConsumeQueue(session.Output, body, start);
        });
        return command;
    }

    /// <summary>One row per consumer group of the topic (or a NO_CONSUMER row), summed over the topic's masters.</summary>
    private static async Task AddTopicRowsAsync(TextTable table, AdminClient admin, string topic, bool activeOnly, CancellationToken ct)
    {
        TopicRouteData route;
        GroupListBody groups;
        try
        {
            route = await admin.GetTopicRouteAsync(topic, ct).ConfigureAwait(false);
            groups = await admin.QueryTopicConsumeByWhoAsync(topic, ct).ConfigureAwait(false);
        }
        catch (MQBrokerException)
        {
            // Deleted between the topic list and now; mqadmin skips such a topic too.
            return;
        }

        var (inTps, inToday) = await SumStatsAsync(admin, route, "TOPIC_PUT_NUMS", topic, ct).ConfigureAwait(false);
        if (groups.GroupList.Count == 0)
        {
            if (!activeOnly || inToday > 0)
            {
                table.Add(topic, "", 0, Tps(inTps), "", inToday, "NO_CONSUMER");
            }

            return;
        }

        foreach (var group in groups.GroupList.Order(StringComparer.Ordinal))
        {
            var (outTps, outToday) = await SumStatsAsync(admin, route, "GROUP_GET_NUMS", topic + "@" + group, ct).ConfigureAwait(false);
            long accumulation = await AccumulationAsync(admin, group, topic, ct).ConfigureAwait(false);
            if (!activeOnly || inToday > 0 || outToday > 0)
            {
                table.Add(topic, group, accumulation, Tps(inTps), Tps(outTps), inToday, outToday);
            }
        }
    }

    /// <summary>Minute TPS and the 24-hour count of a counter over the route's masters; a master that never counted it adds nothing.</summary>
    private static async Task<(double Tps, long Today)> SumStatsAsync(AdminClient admin, TopicRouteData route, string statsName, string statsKey, CancellationToken ct)
    {
        double tps = 0;
        long today = 0;
        foreach (var broker in route.BrokerDatas)
        {
            if (!broker.BrokerAddrs.TryGetValue(0, out var master))
            {
                continue;
            }

            if (await TryViewStatsAsync(admin, master, statsName, statsKey, ct).ConfigureAwait(false) is { } data)
            {
                tps += data.StatsMinute.Tps;
                today += Compute24HourSum(data);
            }
        }

        return (tps, today);
    }

    private static async Task<BrokerStatsData?> TryViewStatsAsync(AdminClient admin, string broker, string statsName, string statsKey, CancellationToken ct)
    {
        try
        {
            return await admin.ViewBrokerStatsDataAsync(broker, statsName, statsKey, ct).ConfigureAwait(false);
        }
        catch (MQBrokerException e) when (e.ResponseCode == (int)AkkaMq.Remoting.Protocol.ResponseCode.SystemError)
        {
            // "The stats <name> <key> not exist": nothing counted yet on this broker.
            return null;
        }
    }

    /// <summary>The day's sum, else the hour's, else the minute's (mqadmin's compute24HourSum).</summary>
    internal static long Compute24HourSum(BrokerStatsData data) =>
        data.StatsDay.Sum != 0 ? data.StatsDay.Sum : data.StatsHour.Sum != 0 ? data.StatsHour.Sum : data.StatsMinute.Sum;

    private static async Task<long> AccumulationAsync(AdminClient admin, string group, string topic, CancellationToken ct)
    {
        try
        {
            var stats = await admin.GetConsumeStatsAsync(group, topic, ct).ConfigureAwait(false);
            long diff = 0;
            foreach (var offsets in stats.OffsetTable.Values)
            {
                diff += offsets.BrokerOffset - offsets.ConsumerOffset;
            }

            return Math.Max(0, diff);
        }
        catch (Exception e) when (e is MQClientException or MQBrokerException)
        {
            // No offsets for this group and topic: nothing has accumulated that it has started on.
            return 0;
        }
    }

    private static string FirstBroker(TopicRouteData route)
    {
        if (route.BrokerDatas.Count == 0 || !route.BrokerDatas[0].BrokerAddrs.TryGetValue(0, out var master))
        {
            throw new AdminCommandException("No topic route data!");
        }

        return master;
    }

    /// <summary>mqadmin queryCq's layout: subscription, filter, index bounds, then each entry.</summary>
    private static void WriteConsumeQueue(TextWriter output, QueryConsumeQueueResponseBody body, long start)
    {
        const string Rule = "======================================";
        if (body.SubscriptionDataJson() is { } subscription)
        {
            using var document = JsonDocument.Parse(subscription);
            output.WriteLine("Subscription data: ");
            output.WriteLine(JsonSerializer.Serialize(document.RootElement, Indented));
            output.WriteLine(Rule);
        }

        if (body.FilterData is { } filter)
        {
            output.WriteLine("Filter data: ");
            output.WriteLine(filter);
            output.WriteLine(Rule);
        }

        output.WriteLine("Queue data: ");
        output.WriteLine($"max: {body.MaxQueueIndex}, min: {body.MinQueueIndex}");
        output.WriteLine(Rule);
        long i = start;
        foreach (var entry in body.QueueData ?? [])
        {
            output.WriteLine($"idx: {i}");
            output.WriteLine(entry.ToString());
            output.WriteLine(Rule);
            i++;
        }
    }

    private static string Tps(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
