using System.CommandLine;
using System.Text.Json;
using AkkaMq.Client;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>updateTopic</c>, <c>deleteTopic</c>, <c>topicList</c>, <c>topicRoute</c>, <c>topicStatus</c>.</summary>
internal static class TopicCommands
{
    public static Command UpdateTopic()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var read = new Option<int>("-r", "--readQueueNums") { Description = "Read queue count.", DefaultValueFactory = _ => 8 };
        var write = new Option<int>("-w", "--writeQueueNums") { Description = "Write queue count.", DefaultValueFactory = _ => 8 };
        var perm = new Option<int>("-p", "--perm") { Description = "Permission: 2 write, 4 read, 6 read and write.", DefaultValueFactory = _ => 6 };
        var order = new Option<bool>("-o", "--order") { Description = "Ordered topic." };
        var command = new Command("updateTopic", "Create a topic or change its queues, on one broker (-b) or every master of a cluster (-c).")
        {
            ns, topic, broker, cluster, read, write, perm, order,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            var config = new TopicConfigOptions(p.GetValue(topic)!)
            {
                ReadQueueNums = p.GetValue(read),
                WriteQueueNums = p.GetValue(write),
                Perm = p.GetValue(perm),
                Order = p.GetValue(order),
            };
            if (p.GetValue(broker) is { } address)
            {
                await admin.CreateOrUpdateTopicAsync(address, config, ct).ConfigureAwait(false);
                await session.Output.WriteLineAsync($"create topic to {address} success.").ConfigureAwait(false);
            }
            else if (p.GetValue(cluster) is { } clusterName)
            {
                foreach (var address2 in await admin.CreateOrUpdateTopicInClusterAsync(clusterName, config, ct).ConfigureAwait(false))
                {
                    await session.Output.WriteLineAsync($"create topic to {address2} success.").ConfigureAwait(false);
                }
            }
            else
            {
                throw new AdminCommandException("give a broker address (-b) or a cluster name (-c)");
            }

            await session.Output.WriteLineAsync(
                $"TopicConfig [topicName={config.TopicName}, readQueueNums={config.ReadQueueNums}, writeQueueNums={config.WriteQueueNums}, perm={PermText(config.Perm)}, order={config.Order.ToString().ToLowerInvariant()}]").ConfigureAwait(false);
        });
        return command;
    }

    public static Command DeleteTopic()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var cluster = AdminOptions.Cluster(required: true);
        var command = new Command("deleteTopic", "Delete a topic from every broker of a cluster and from the name servers.") { ns, topic, cluster };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var name = session.Parse.GetValue(topic)!;
            var clusterName = session.Parse.GetValue(cluster)!;
            await admin.DeleteTopicAsync(name, clusterName, ct).ConfigureAwait(false);
            await session.Output.WriteLineAsync($"delete topic [{name}] from cluster [{clusterName}] success.").ConfigureAwait(false);
        });
        return command;
    }

    public static Command TopicList()
    {
        var ns = AdminOptions.NameServer();
        var command = new Command("topicList", "List every topic the name servers know.") { ns };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var list = await admin.GetTopicListAsync(ct).ConfigureAwait(false);
            foreach (var name in list.TopicList.Order(StringComparer.Ordinal))
            {
                await session.Output.WriteLineAsync(name).ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command TopicRoute()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var command = new Command("topicRoute", "Print a topic's route as the name servers publish it.") { ns, topic };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var route = await admin.GetTopicRouteAsync(session.Parse.GetValue(topic)!, ct).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(route.Encode());
            await session.Output.WriteLineAsync(JsonSerializer.Serialize(doc.RootElement, Indented)).ConfigureAwait(false);
        });
        return command;
    }

    public static Command TopicStatus()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var command = new Command("topicStatus", "Print each queue's min and max offset and last update.") { ns, topic };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var stats = await admin.GetTopicStatsAsync(session.Parse.GetValue(topic)!, ct).ConfigureAwait(false);
            var table = new TextTable("Broker Name", "QID", "Min Offset", "Max Offset", "Last Updated");
            foreach (var (queue, offsets) in stats.OffsetTable.OrderBy(e => e.Key.BrokerName, StringComparer.Ordinal).ThenBy(e => e.Key.QueueId))
            {
                table.Add(queue.BrokerName, queue.QueueId, offsets.MinOffset, offsets.MaxOffset, FormatTime(offsets.LastUpdateTimestamp));
            }

            table.WriteTo(session.Output);
        });
        return command;
    }

    internal static string FormatTime(long epochMillis) =>
        epochMillis <= 0 ? "" : DateTimeOffset.FromUnixTimeMilliseconds(epochMillis).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss,fff", System.Globalization.CultureInfo.InvariantCulture);

    private static string PermText(int perm) =>
        ((perm & 4) != 0 ? "R" : "-") + ((perm & 2) != 0 ? "W" : "-") + ((perm & 1) != 0 ? "X" : "-");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
