using System.CommandLine;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>
/// Offsets moved by an operator: <c>resetOffsetByTime</c>, <c>resetOffsetByTimeOld</c>,
/// <c>skipAccumulatedMessage</c>, <c>cloneGroupOffset</c>, <c>getConsumerStatus</c>, with mqadmin's flags and output.
/// </summary>
internal static class OffsetCommands
{
    public static Command ResetOffsetByTime()
    {
        var ns = AdminOptions.NameServer();
        var group = Group();
        var topic = AdminOptions.Topic();
        var timestamp = new Option<string>("-s", "--timestamp") { Description = "The timestamp: now, milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS (local time).", Required = true };
        var force = Force();
        var cplus = new Option<bool>("-c", "--cplus") { Description = "Tell C++ consumers, in their body form." };
        var command = new Command("resetOffsetByTime", "Reset consumer offset by timestamp(without client restart).") { ns, group, topic, timestamp, force, cplus };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string groupName = session.Parse.GetValue(group)!.Trim();
            string topicName = session.Parse.GetValue(topic)!.Trim();
            string text = session.Parse.GetValue(timestamp)!.Trim();
            long millis = text == "now" ? AdminClient.TimestampMaxOffset : ParseTimestamp(text);
            bool forced = ParseForce(session.Parse.GetValue(force));
            Dictionary<MessageQueue, long> offsets;
            try
            {
                offsets = await admin.ResetOffsetByTimestampAsync(topicName, groupName, millis, forced, session.Parse.GetValue(cplus), ct).ConfigureAwait(false);
            }
            catch (MQBrokerException e) when (e.ResponseCode == (int)ResponseCode.ConsumerNotOnline)
            {
                await ResetOldAsync(session, admin, groupName, topicName, millis, forced, text, ct).ConfigureAwait(false);
                return;
            }

            await session.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"rollback consumer offset by specified group[{groupName}], topic[{topicName}], force[{Bool(forced)}], timestamp(string)[{text}], timestamp(long)[{millis}]")).ConfigureAwait(false);
            WriteOffsets(session.Output, offsets);
        });
        return command;
    }

    public static Command ResetOffsetByTimeOld()
    {
        var ns = AdminOptions.NameServer();
        var group = Group();
        var topic = AdminOptions.Topic();
        var timestamp = new Option<string>("-s", "--timestamp") { Description = "The timestamp: milliseconds or yyyy-MM-dd#HH:mm:ss:SSS (local time).", Required = true };
        var force = Force();
        var command = new Command("resetOffsetByTimeOld", "Reset consumer offset by timestamp(execute this command required client restart).") { ns, group, topic, timestamp, force };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string text = session.Parse.GetValue(timestamp)!.Trim();
            await ResetOldAsync(
                session, admin, session.Parse.GetValue(group)!.Trim(), session.Parse.GetValue(topic)!.Trim(), ParseTimestamp(text),
                ParseForce(session.Parse.GetValue(force)), text, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Command SkipAccumulatedMessage()
    {
        var ns = AdminOptions.NameServer();
        var group = Group();
        var topic = AdminOptions.Topic();
        var force = Force();
        var command = new Command("skipAccumulatedMessage", "Skip all messages that are accumulated (not consumed) currently") { ns, group, topic, force };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string groupName = session.Parse.GetValue(group)!.Trim();
            string topicName = session.Parse.GetValue(topic)!.Trim();
            bool forced = ParseForce(session.Parse.GetValue(force));
            try
            {
                var offsets = await admin.ResetOffsetByTimestampAsync(topicName, groupName, AdminClient.TimestampMaxOffset, forced, cancellationToken: ct).ConfigureAwait(false);
                WriteOffsets(session.Output, offsets);
            }
            catch (MQBrokerException e) when (e.ResponseCode == (int)ResponseCode.ConsumerNotOnline)
            {
                var stats = await admin.ResetOffsetByTimestampOldAsync(groupName, topicName, AdminClient.TimestampMaxOffset, forced, ct).ConfigureAwait(false);
                WriteRollback(session.Output, stats);
            }
        });
        return command;
    }

    public static Command CloneGroupOffset()
    {
        var ns = AdminOptions.NameServer();
        var source = new Option<string>("-s", "--srcGroup") { Description = "Source consumer group.", Required = true };
        var destination = new Option<string>("-d", "--destGroup") { Description = "Destination consumer group.", Required = true };
        var topic = AdminOptions.Topic();
        var offline = new Option<string>("-o", "--offline") { Description = "The group or the topic is offline [true|false]: clone even a topic the source group does not subscribe to now." };
        var command = new Command("cloneGroupOffset", "clone offset from other group.") { ns, source, destination, topic, offline };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string src = session.Parse.GetValue(source)!.Trim();
            string dest = session.Parse.GetValue(destination)!.Trim();
            string topicName = session.Parse.GetValue(topic)!.Trim();
            bool isOffline = string.Equals(session.Parse.GetValue(offline)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            await admin.CloneGroupOffsetAsync(src, dest, topicName, isOffline, ct).ConfigureAwait(false);
            await session.Output.WriteLineAsync($"clone group offset success. srcGroup[{src}], destGroup=[{dest}], topic[{topicName}]").ConfigureAwait(false);
        });
        return command;
    }

    public static Command GetConsumerStatus()
    {
        var ns = AdminOptions.NameServer();
        var group = Group();
        var topic = AdminOptions.Topic();
        var client = new Option<string>("-i", "--originClientId") { Description = "Only this consumer client id." };
        var command = new Command("getConsumerStatus", "get consumer status from client.") { ns, group, topic, client };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string groupName = session.Parse.GetValue(group)!.Trim();
            string topicName = session.Parse.GetValue(topic)!.Trim();
            string clientId = session.Parse.GetValue(client)?.Trim() ?? string.Empty;
            var status = await admin.GetConsumerStatusAsync(topicName, groupName, clientId, ct).ConfigureAwait(false);
            await session.Output.WriteLineAsync($"get consumer status from client. group={groupName}, topic={topicName}, originClientId={clientId}").ConfigureAwait(false);
            var table = new TextTable("clientId", "brokerName", "queueId", "offset");
            foreach (var (id, queues) in status.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                foreach (var (queue, offset) in queues.OrderBy(e => e.Key.BrokerName, StringComparer.Ordinal).ThenBy(e => e.Key.QueueId))
                {
                    table.Add(id, queue.BrokerName, queue.QueueId, offset);
                }
            }

            table.WriteTo(session.Output);
        });
        return command;
    }

    /// <summary>mqadmin's <c>-s</c>: milliseconds, or a local date and time <c>yyyy-MM-dd#HH:mm:ss:SSS</c>.</summary>
    internal static long ParseTimestamp(string text)
    {
        if (AdminTimestamp.TryParse(text, out long millis))
        {
            return millis;
        }

        throw new AdminCommandException("specified timestamp invalid: '" + text + "' (use now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS)");
    }

    private static async Task ResetOldAsync(
        AdminSession session, AdminClient admin, string group, string topic, long millis, bool force, string text, CancellationToken ct)
    {
        var stats = await admin.ResetOffsetByTimestampOldAsync(group, topic, millis, force, ct).ConfigureAwait(false);
        await session.Output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"rollback consumer offset by specified consumerGroup[{group}], topic[{topic}], force[{Bool(force)}], timestamp(string)[{text}], timestamp(long)[{millis}]")).ConfigureAwait(false);
        WriteRollback(session.Output, stats);
    }

    private static void WriteOffsets(TextWriter output, Dictionary<MessageQueue, long> offsets)
    {
        var table = new TextTable("brokerName", "queueId", "offset");
        foreach (var (queue, offset) in offsets.OrderBy(e => e.Key.BrokerName, StringComparer.Ordinal).ThenBy(e => e.Key.QueueId))
        {
            table.Add(queue.BrokerName, queue.QueueId, offset);
        }

        table.WriteTo(output);
    }

    private static void WriteRollback(TextWriter output, List<RollbackStats> stats)
    {
        var table = new TextTable("brokerName", "queueId", "brokerOffset", "consumerOffset", "timestampOffset", "rollbackOffset");
        foreach (var s in stats.OrderBy(s => s.BrokerName, StringComparer.Ordinal).ThenBy(s => s.QueueId))
        {
            table.Add(s.BrokerName, s.QueueId, s.BrokerOffset, s.ConsumerOffset, s.TimestampOffset, s.RollbackOffset);
        }

        table.WriteTo(output);
    }

    private static Option<string> Group() => new("-g", "--group") { Description = "Consumer group.", Required = true };

    private static Option<string> Force() => new("-f", "--force") { Description = "Move queues whose consumer is already behind the target too [true|false] (default true)." };

    /// <summary>Java's Boolean.valueOf: only "true" (any case) is true; no flag means true.</summary>
    private static bool ParseForce(string? value) => value is null || string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    private static string Bool(bool value) => value ? "true" : "false";
}
