using System.CommandLine;
using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>queryMsgById</c>, <c>sendMessage</c>, <c>consumeMessage</c>.</summary>
internal static class MessageCommands
{
    public static Command QueryMsgById()
    {
        var ns = AdminOptions.NameServer();
        var id = new Option<string>("-i", "--msgId") { Description = "Offset message id (32 hex characters).", Required = true };
        var command = new Command("queryMsgById", "Print one message found by its offset message id.") { ns, id };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var message = await admin.ViewMessageAsync(session.Parse.GetValue(id)!, ct).ConfigureAwait(false);
            await WriteMessageAsync(session.Output, message).ConfigureAwait(false);
        });
        return command;
    }

    public static Command SendMessage()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var body = new Option<string>("-p", "--body") { Description = "Message body (UTF-8).", Required = true };
        var keys = new Option<string>("-k", "--keys") { Description = "Message keys, space separated." };
        var tags = new Option<string>("-c", "--tags") { Description = "Message tag." };
        var command = new Command("sendMessage", "Send one message and print where it was stored.") { ns, topic, body, keys, tags };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            var message = new Message(p.GetValue(topic)!, p.GetValue(tags), Encoding.UTF8.GetBytes(p.GetValue(body)!));
            if (p.GetValue(keys) is { } k)
            {
                message.Keys = k;
            }

            await using var producer = new Producer("akkamq-admin-producer", session.Options);
            await producer.StartAsync(ct).ConfigureAwait(false);
            var result = await producer.SendAsync(message, ct).ConfigureAwait(false);
            var table = new TextTable("Broker Name", "QID", "Send Result", "MsgId", "OffsetMsgId");
            table.Add(result.MessageQueue.BrokerName, result.MessageQueue.QueueId, result.Status, result.MsgId, result.OffsetMsgId);
            table.WriteTo(session.Output);
        });
        return command;
    }

    public static Command ConsumeMessage()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var group = AdminOptions.ConsumerGroup(required: false);
        var brokerName = new Option<string>("-b", "--brokerName") { Description = "Only queues of this broker group." };
        var queueId = new Option<int?>("-i", "--queueId") { Description = "Only this queue." };
        var offset = new Option<long?>("-o", "--offset") { Description = "Start offset (default: each queue's min offset)." };
        var count = new Option<int>("-c", "--messageCount") { Description = "Messages to print at most.", DefaultValueFactory = _ => 128 };
        var command = new Command("consumeMessage", "Pull messages of a topic from the broker and print them; commits nothing.")
        {
            ns, topic, group, brokerName, queueId, offset, count,
        };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            await using var consumer = new PullConsumer(p.GetValue(group) ?? "akkamq-admin-consumer", session.Options);
            await consumer.StartAsync(ct).ConfigureAwait(false);
            var left = p.GetValue(count);
            foreach (var queue in await consumer.FetchSubscribeMessageQueuesAsync(p.GetValue(topic)!, ct).ConfigureAwait(false))
            {
                if (left <= 0 || (p.GetValue(brokerName) is { } b && b != queue.BrokerName) || (p.GetValue(queueId) is { } q && q != queue.QueueId))
                {
                    continue;
                }

                left -= await PrintQueueAsync(session.Output, consumer, queue, p.GetValue(offset), left, ct).ConfigureAwait(false);
            }

            await session.Output.WriteLineAsync($"Consume ok, {p.GetValue(count) - left} messages").ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> PrintQueueAsync(TextWriter output, PullConsumer consumer, AkkaMq.Remoting.Protocol.Json.MessageQueue queue, long? from, int max, CancellationToken ct)
    {
        var next = from ?? await consumer.MinOffsetAsync(queue, ct).ConfigureAwait(false);
        var end = await consumer.MaxOffsetAsync(queue, ct).ConfigureAwait(false);
        var printed = 0;
        while (next < end && printed < max)
        {
            var result = await consumer.PullAsync(queue, "*", next, Math.Min(32, max - printed), ct).ConfigureAwait(false);
            if (result.Messages.Count == 0)
            {
                break;
            }

            foreach (var message in result.Messages)
            {
                await output.WriteLineAsync($"MSGID: {message.MsgId} QID: {message.QueueId} OFFSET: {message.QueueOffset} TAGS: {message.Tags} KEYS: {message.Keys} BODY: {Encoding.UTF8.GetString(message.Body)}").ConfigureAwait(false);
                printed++;
            }

            next = result.NextBeginOffset;
        }

        return printed;
    }

    internal static async Task WriteMessageAsync(TextWriter output, MessageExt m)
    {
        var rows = new (string, object?)[]
        {
            ("OffsetID", m.MsgId), ("Topic", m.Topic), ("Tags", $"[{m.Tags}]"), ("Keys", $"[{m.Keys}]"),
            ("Queue ID", m.QueueId), ("Queue Offset", m.QueueOffset), ("CommitLog Offset", m.CommitLogOffset),
            ("Reconsume Times", m.ReconsumeTimes), ("Born Timestamp", TopicCommands.FormatTime(m.BornTimestamp)),
            ("Store Timestamp", TopicCommands.FormatTime(m.StoreTimestamp)), ("Born Host", m.BornHost), ("Store Host", m.StoreHost),
            ("System Flag", m.SysFlag), ("Properties", string.Join(", ", m.Properties.Select(e => $"{e.Key}={e.Value}"))),
            ("Message Body", Encoding.UTF8.GetString(m.Body)),
        };
        foreach (var (name, value) in rows)
        {
            await output.WriteLineAsync($"{name,-20}: {value}").ConfigureAwait(false);
        }
    }
}
