using System.CommandLine;
using System.Text.Json;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>exportMetadata</c>: a cluster's or broker's user topics and subscription groups written to a JSON file.</summary>
internal static class ExportCommands
{
    public static Command ExportMetadata()
    {
        var ns = AdminOptions.NameServer();
        var cluster = new Option<string>("-c", "--clusterName") { Description = "choose a cluster to export" };
        var broker = new Option<string>("-b", "--brokerAddr") { Description = "choose a broker to export" };
        var path = new Option<string>("-f", "--filePath") { Description = "export metadata.json path | default /tmp/rocketmq/export", DefaultValueFactory = _ => "/tmp/rocketmq/export" };
        var topics = new Option<bool>("-t", "--topic") { Description = "only export topic metadata" };
        var groups = new Option<bool>("-g", "--subscriptionGroup") { Description = "only export subscriptionGroup metadata" };
        var special = new Option<bool>("-s", "--specialTopic") { Description = "need retryTopic and dlqTopic" };
        var command = new Command("exportMetadata", "Export the user topics and subscription groups of a cluster (-c) or one broker (-b) as JSON.")
        {
            ns, cluster, broker, path, topics, groups, special,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            var directory = p.GetValue(path)!.Trim();
            bool onlyTopics = p.GetValue(topics);
            bool onlyGroups = !onlyTopics && p.GetValue(groups);
            List<string> masters;
            if (p.GetValue(broker) is { } address)
            {
                if (!onlyTopics && !onlyGroups)
                {
                    throw new AdminCommandException("with -b, give -t (topics) or -g (subscription groups)");
                }

                masters = [address.Trim()];
            }
            else if (p.GetValue(cluster) is { } clusterName)
            {
                masters = await admin.GetClusterMastersAsync(clusterName.Trim(), ct).ConfigureAwait(false);
            }
            else
            {
                throw new AdminCommandException("give a cluster name (-c) or a broker address (-b)");
            }

            var (topicTable, groupTable) = await ReadAsync(admin, masters, p.GetValue(special), ct).ConfigureAwait(false);
            var file = Path.Combine(directory, onlyTopics ? "topic.json" : onlyGroups ? "subscriptionGroup.json" : "metadata.json");
            try
            {
                await WriteFileAsync(file, p.GetValue(broker) is null, onlyTopics ? null : groupTable, onlyGroups ? null : topicTable).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AdminCommandException($"cannot write {file}: {e.Message}");
            }

            await session.Output.WriteLineAsync($"export {file} success").ConfigureAwait(false);
        });
        return command;
    }

    private static async Task WriteFileAsync(
        string file, bool withExportTime, SortedDictionary<string, SubscriptionGroupConfig>? groups, SortedDictionary<string, TopicConfigData>? topics)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        await using var stream = File.Create(file);
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        if (withExportTime)
        {
            json.WriteNumber("exportTime", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        if (groups is not null)
        {
            WriteTable(json, "subscriptionGroupTable", groups, WriteGroup);
        }

        if (topics is not null)
        {
            WriteTable(json, "topicConfigTable", topics, WriteTopic);
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// The masters' tables merged as mqadmin merges them: a topic on several masters has their queue
    /// counts added up, a group their retry queue counts.
    /// </summary>
    private static async Task<(SortedDictionary<string, TopicConfigData> Topics, SortedDictionary<string, SubscriptionGroupConfig> Groups)> ReadAsync(
        AdminClient admin, List<string> masters, bool special, CancellationToken ct)
    {
        var topics = new SortedDictionary<string, TopicConfigData>(StringComparer.Ordinal);
        var groups = new SortedDictionary<string, SubscriptionGroupConfig>(StringComparer.Ordinal);
        foreach (var master in masters)
        {
            foreach (var (name, config) in await admin.GetUserTopicConfigAsync(master, special, ct).ConfigureAwait(false))
            {
                topics[name] = topics.TryGetValue(name, out var seen)
                    ? config with { ReadQueueNums = config.ReadQueueNums + seen.ReadQueueNums, WriteQueueNums = config.WriteQueueNums + seen.WriteQueueNums }
                    : config;
            }

            foreach (var (name, config) in await admin.GetUserSubscriptionGroupAsync(master, ct).ConfigureAwait(false))
            {
                groups[name] = groups.TryGetValue(name, out var seen) ? config with { RetryQueueNums = config.RetryQueueNums + seen.RetryQueueNums } : config;
            }
        }

        return (topics, groups);
    }

    /// <summary>A table of the export: each entry an object named by its key, its fields written by <paramref name="writeFields"/>.</summary>
    private static void WriteTable<T>(Utf8JsonWriter json, string tableName, SortedDictionary<string, T> table, Action<Utf8JsonWriter, T> writeFields)
    {
        json.WriteStartObject(tableName);
        foreach (var (name, entry) in table)
        {
            json.WriteStartObject(name);
            writeFields(json, entry);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>RocketMQ's TopicConfig fields in fastjson's (alphabetical) order.</summary>
    private static void WriteTopic(Utf8JsonWriter json, TopicConfigData t)
    {
        json.WriteBoolean("order", t.Order);
        json.WriteNumber("perm", t.Perm);
        json.WriteNumber("readQueueNums", t.ReadQueueNums);
        json.WriteString("topicFilterType", t.TopicFilterType);
        json.WriteString("topicName", t.TopicName);
        json.WriteNumber("topicSysFlag", t.TopicSysFlag);
        json.WriteNumber("writeQueueNums", t.WriteQueueNums);
    }

    /// <summary>RocketMQ's SubscriptionGroupConfig fields in fastjson's (alphabetical) order.</summary>
    private static void WriteGroup(Utf8JsonWriter json, SubscriptionGroupConfig g)
    {
        json.WriteNumber("brokerId", g.BrokerId);
        json.WriteBoolean("consumeBroadcastEnable", g.ConsumeBroadcastEnable);
        json.WriteBoolean("consumeEnable", g.ConsumeEnable);
        json.WriteBoolean("consumeFromMinEnable", g.ConsumeFromMinEnable);
        json.WriteString("groupName", g.GroupName);
        json.WriteBoolean("notifyConsumerIdsChangedEnable", g.NotifyConsumerIdsChangedEnable);
        json.WriteNumber("retryMaxTimes", g.RetryMaxTimes);
        json.WriteNumber("retryQueueNums", g.RetryQueueNums);
        json.WriteNumber("whichBrokerWhenConsumeSlowly", g.WhichBrokerWhenConsumeSlowly);
    }
}
