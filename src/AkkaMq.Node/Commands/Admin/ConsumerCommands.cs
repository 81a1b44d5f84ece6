using System.CommandLine;
using System.Globalization;
using AkkaMq.Codec;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>consumerProgress</c> and <c>consumerConnection</c>.</summary>
internal static class ConsumerCommands
{
    public static Command ConsumerProgress()
    {
        var ns = AdminOptions.NameServer();
        var group = AdminOptions.ConsumerGroup(required: false);
        var topic = AdminOptions.Topic(required: false);
        var command = new Command("consumerProgress", "Per queue: broker offset, committed consumer offset and lag of a group (all groups without -g).")
        {
            ns, group, topic,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            if (session.Parse.GetValue(group) is not { } groupName)
            {
                await AllGroupsAsync(session, admin, ct).ConfigureAwait(false);
                return;
            }

            var stats = await admin.GetConsumeStatsAsync(groupName, session.Parse.GetValue(topic), ct).ConfigureAwait(false);
            var table = new TextTable("Topic", "Broker Name", "QID", "Broker Offset", "Consumer Offset", "Diff", "LastTime");
            long total = 0;
            foreach (var (queue, offsets) in stats.OffsetTable
                .OrderBy(e => e.Key.Topic, StringComparer.Ordinal).ThenBy(e => e.Key.BrokerName, StringComparer.Ordinal).ThenBy(e => e.Key.QueueId))
            {
                var diff = Math.Max(0, offsets.BrokerOffset - offsets.ConsumerOffset);
                total += diff;
                table.Add(queue.Topic, queue.BrokerName, queue.QueueId, offsets.BrokerOffset, offsets.ConsumerOffset, diff,
                    TopicCommands.FormatTime(offsets.LastTimestamp));
            }

            table.WriteTo(session.Output);
            await session.Output.WriteLineAsync().ConfigureAwait(false);
            await session.Output.WriteLineAsync($"Consume TPS: {stats.ConsumeTps.ToString("0.00", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            await session.Output.WriteLineAsync($"Diff Total: {total}").ConfigureAwait(false);
        });
        return command;
    }

    public static Command ConsumerConnection()
    {
        var ns = AdminOptions.NameServer();
        var group = AdminOptions.ConsumerGroup();
        var command = new Command("consumerConnection", "List a consumer group's live clients and subscriptions.") { ns, group };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var body = await admin.GetConsumerConnectionListAsync(session.Parse.GetValue(group)!, ct).ConfigureAwait(false);
            var clients = new TextTable("Client Id", "Client Addr", "Language", "Version");
            foreach (var c in body.ConnectionSet.OrderBy(c => c.ClientId, StringComparer.Ordinal))
            {
                clients.Add(c.ClientId, c.ClientAddr, c.Language, RemotingVersionNames.Describe(c.Version));
            }

            clients.WriteTo(session.Output);
            await session.Output.WriteLineAsync().ConfigureAwait(false);
            await session.Output.WriteLineAsync("Below is subscription:").ConfigureAwait(false);
            var subscriptions = new TextTable("Topic", "SubExpression");
            foreach (var (name, sub) in body.SubscriptionTable.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                subscriptions.Add(name, sub.SubString);
            }

            subscriptions.WriteTo(session.Output);
            await session.Output.WriteLineAsync().ConfigureAwait(false);
            await session.Output.WriteLineAsync($"ConsumeType: {FastJson.JavaName(body.ConsumeType)}").ConfigureAwait(false);
            await session.Output.WriteLineAsync($"MessageModel: {FastJson.JavaName(body.MessageModel)}").ConfigureAwait(false);
            await session.Output.WriteLineAsync($"ConsumeFromWhere: {FastJson.JavaName(body.ConsumeFromWhere)}").ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Every group that has a retry topic, with its total lag.</summary>
    private static async Task AllGroupsAsync(AdminSession session, AkkaMq.Client.AdminClient admin, CancellationToken ct)
    {
        var topics = await admin.GetTopicListAsync(ct).ConfigureAwait(false);
        var table = new TextTable("Group", "Consume TPS", "Diff Total");
        foreach (var retry in topics.TopicList.Where(t => t.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var groupName = retry[TopicNames.RetryPrefix.Length..];
            var stats = await admin.GetConsumeStatsAsync(groupName, null, ct).ConfigureAwait(false);
            long total = 0;
            foreach (var offsets in stats.OffsetTable.Values)
            {
                total += Math.Max(0, offsets.BrokerOffset - offsets.ConsumerOffset);
            }

            table.Add(groupName, stats.ConsumeTps.ToString("0.00", CultureInfo.InvariantCulture), total);
        }

        table.WriteTo(session.Output);
    }
}
