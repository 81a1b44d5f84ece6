using System.CommandLine;
using AkkaMq.Client;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>queryMsgByKey</c> and <c>queryMsgByUniqueKey</c>: message lookup through the broker's key index.</summary>
internal static class QueryCommands
{
    /// <summary>mqadmin asks for at most 64 messages by key.</summary>
    private const int MaxByKey = 64;

    public static Command QueryMsgByKey()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var key = new Option<string>("-k", "--msgKey") { Description = "Message key (one of the message's KEYS).", Required = true };
        var begin = new Option<long?>("-b", "--beginTimestamp") { Description = "Earliest store time, epoch milliseconds (default: 0)." };
        var end = new Option<long?>("-e", "--endTimestamp") { Description = "Latest store time, epoch milliseconds (default: no limit)." };
        var command = new Command("queryMsgByKey", "List the messages of a topic that carry a key.") { ns, topic, key, begin, end };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            string topicName = p.GetValue(topic)!.Trim();
            string keyText = p.GetValue(key)!.Trim();
            var from = FromMillis(p.GetValue(begin) ?? 0);
            var to = p.GetValue(end) is long e ? FromMillis(e) : DateTimeOffset.MaxValue;
            var found = await admin.QueryMessageByKeyAsync(topicName, keyText, MaxByKey, from, to, ct).ConfigureAwait(false);
            if (found.Count == 0)
            {
                throw new AdminCommandException($"no message with key [{keyText}] in topic [{topicName}]");
            }

            var table = new TextTable("Message ID", "QID", "Offset", "Offset Message ID", "Store Timestamp");
            foreach (var m in found.OrderBy(m => m.StoreTimestamp).ThenBy(m => m.QueueId).ThenBy(m => m.QueueOffset))
            {
                table.Add(m.UniqueKey ?? m.MsgId, m.QueueId, m.QueueOffset, m.MsgId, TopicCommands.FormatTime(m.StoreTimestamp));
            }

            table.WriteTo(session.Output);
        });
        return command;
    }

    /// <summary>An epoch-millisecond option as a time; mqadmin takes any long, so values outside what a date holds are clamped.</summary>
    private static DateTimeOffset FromMillis(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(millis, 0, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));

    public static Command QueryMsgByUniqueKey()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var id = new Option<string>("-i", "--msgId") { Description = "Message id the producer returned (the message's unique key).", Required = true };
        var showAll = new Option<bool>("-a", "--showAll") { Description = "Print every stored copy (at most 32), not only the first." };
        var command = new Command("queryMsgByUniqueKey", "Print a message found by the message id its producer returned.") { ns, topic, id, showAll };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            string topicName = p.GetValue(topic)!.Trim();
            string uniqueKey = p.GetValue(id)!.Trim();
            var found = await admin.QueryMessagesByUniqueKeyAsync(topicName, uniqueKey, ct).ConfigureAwait(false);
            if (found.Count == 0)
            {
                throw new AdminCommandException($"no message with id [{uniqueKey}] in topic [{topicName}]");
            }

            int shown = p.GetValue(showAll) ? found.Count : 1;
            for (int i = 0; i < shown; i++)
            {
                if (i > 0)
                {
                    await session.Output.WriteLineAsync().ConfigureAwait(false);
                }

                await session.Output.WriteLineAsync($"{"Message ID",-20}: {uniqueKey}").ConfigureAwait(false);
                await MessageCommands.WriteMessageAsync(session.Output, found[i]).ConfigureAwait(false);
            }
        });
        return command;
    }
}
