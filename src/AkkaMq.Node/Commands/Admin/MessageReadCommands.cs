using System.CommandLine;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>queryMsgByOffset</c>, <c>printMsg</c> and <c>printMsgByQueue</c>: messages read with pulls that commit nothing.</summary>
internal static class MessageReadCommands
{
    /// <summary>The consumer group mqadmin's pulls use (RocketMQ's MixAll.TOOLS_CONSUMER_GROUP).</summary>
    private const string ToolsConsumerGroup = "TOOLS_CONSUMER";

    public static Command QueryMsgByOffset()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var brokerName = new Option<string>("-b", "--brokerName") { Description = "Broker Name", Required = true };
        var queueId = new Option<int>("-i", "--queueId") { Description = "Queue Id", Required = true };
        var offset = new Option<long>("-o", "--offset") { Description = "Queue Offset", Required = true };
        var command = new Command("queryMsgByOffset", "Query Message by offset.") { ns, topic, brokerName, queueId, offset };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            await using var consumer = await StartConsumerAsync(session, ct).ConfigureAwait(false);
            var queue = new MessageQueue(p.GetValue(topic)!.Trim(), p.GetValue(brokerName)!.Trim(), p.GetValue(queueId));
            var result = await consumer.PullAsync(queue, "*", p.GetValue(offset), 1, ct).ConfigureAwait(false);
            if (result.Status == PullStatus.Found)
            {
                await MessageCommands.WriteMessageAsync(session.Output, result.Messages[0]).ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command PrintMsg()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var (charset, subExpression, begin, end) = Filters();
        var printBody = new Option<bool>("-d", "--printBody") { Description = "print body", DefaultValueFactory = _ => true };
        var command = new Command("printMsg", "Print Message Detail of every queue of a topic.") { ns, topic, charset, subExpression, begin, end, printBody };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            var encoding = Charset(p.GetValue(charset)!);
            await using var consumer = await StartConsumerAsync(session, ct).ConfigureAwait(false);
            foreach (var queue in await consumer.FetchSubscribeMessageQueuesAsync(p.GetValue(topic)!.Trim(), ct).ConfigureAwait(false))
            {
                var (min, max) = await RangeAsync(consumer, queue, p.GetValue(begin), p.GetValue(end), ct).ConfigureAwait(false);
                await session.Output.WriteLineAsync($"minOffset={min}, maxOffset={max}, {Describe(queue)}").ConfigureAwait(false);
                for (long next = min; next < max;)
                {
                    var result = await consumer.PullAsync(queue, p.GetValue(subExpression)!, next, 32, ct).ConfigureAwait(false);
                    next = result.NextBeginOffset;
                    if (result.Status == PullStatus.Found)
                    {
                        await PrintAsync(session.Output, result.Messages, encoding, p.GetValue(printBody)).ConfigureAwait(false);
                    }
                    else if (result.Status == PullStatus.NoMatchedMsg)
                    {
                        await session.Output.WriteLineAsync($"{Describe(queue)} no matched msg. status={StatusName(result.Status)}, offset={next}").ConfigureAwait(false);
                    }
                    else
                    {
                        await session.Output.WriteLineAsync($"{Describe(queue)} print msg finished. status={StatusName(result.Status)}, offset={next}").ConfigureAwait(false);
                        break;
                    }
                }

                await session.Output.WriteLineAsync("--------------------------------------------------------").ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command PrintMsgByQueue()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var brokerName = new Option<string>("-a", "--brokerName") { Description = "broker name", Required = true };
        var queueId = new Option<int>("-i", "--queueId") { Description = "queue id", Required = true };
        var (charset, subExpression, begin, end) = Filters();
        var printMsg = new Option<bool>("-p", "--printMsg") { Description = "print msg. eg: true | false(default)" };
        var printBody = new Option<bool>("-d", "--printBody") { Description = "print body. eg: true | false(default)" };
        var calculate = new Option<bool>("-f", "--calculate") { Description = "calculate by tag. eg: true | false(default)" };
        var command = new Command("printMsgByQueue", "Print Message Detail of one queue, or count its messages by tag.")
        {
            ns, topic, brokerName, queueId, charset, subExpression, begin, end, printMsg, printBody, calculate,
        };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            var encoding = Charset(p.GetValue(charset)!);
            await using var consumer = await StartConsumerAsync(session, ct).ConfigureAwait(false);
            var queue = new MessageQueue(p.GetValue(topic)!.Trim(), p.GetValue(brokerName)!.Trim(), p.GetValue(queueId));
            var (min, max) = await RangeAsync(consumer, queue, p.GetValue(begin), p.GetValue(end), ct).ConfigureAwait(false);
            var tags = new Dictionary<string, long>(StringComparer.Ordinal);
            for (long next = min; next < max;)
            {
                var result = await consumer.PullAsync(queue, p.GetValue(subExpression)!, next, 32, ct).ConfigureAwait(false);
                next = result.NextBeginOffset;
                if (result.Status != PullStatus.Found)
                {
                    break;
                }

                foreach (var m in result.Messages)
                {
                    if (!string.IsNullOrWhiteSpace(m.Tags))
                    {
                        tags[m.Tags] = tags.GetValueOrDefault(m.Tags) + 1;
                    }
                }

                if (p.GetValue(printMsg))
                {
                    await PrintAsync(session.Output, result.Messages, encoding, p.GetValue(printBody)).ConfigureAwait(false);
                }
            }

            if (p.GetValue(calculate))
            {
                foreach (var (tag, count) in tags.OrderByDescending(e => e.Value))
                {
                    await session.Output.WriteLineAsync($"Tag: {tag,-30} Count: {count}").ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    /// <summary>
    /// A time given as epoch milliseconds or as RocketMQ's <c>yyyy-MM-dd#HH:mm:ss:SSS</c> in local time;
    /// null when it is neither.
    /// </summary>
    internal static DateTimeOffset? ParseTimestamp(string text)
    {
        return AdminTimestamp.TryParse(text, out long millis) ? DateTimeOffset.FromUnixTimeMilliseconds(millis) : null;
    }

    private static (Option<string> Charset, Option<string> SubExpression, Option<string> Begin, Option<string> End) Filters() =>
    (
        new Option<string>("-c", "--charsetName") { Description = "CharsetName(eg: UTF-8,GBK)", DefaultValueFactory = _ => "UTF-8" },
        new Option<string>("-s", "--subExpression") { Description = "Subscribe Expression(eg: TagA || TagB)", DefaultValueFactory = _ => "*" },
        new Option<string>("-b", "--beginTimestamp") { Description = "Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]" },
        new Option<string>("-e", "--endTimestamp") { Description = "End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]" }
    );

    private static async Task<PullConsumer> StartConsumerAsync(AdminSession session, CancellationToken ct)
    {
        var consumer = new PullConsumer(ToolsConsumerGroup, session.Options);
        await consumer.StartAsync(ct).ConfigureAwait(false);
        return consumer;
    }

    /// <summary>The queue's min and max offset, or the offsets of the given times (mqadmin's -b and -e).</summary>
    private static async Task<(long Min, long Max)> RangeAsync(PullConsumer consumer, MessageQueue queue, string? begin, string? end, CancellationToken ct)
    {
        var min = begin is null
            ? await consumer.MinOffsetAsync(queue, ct).ConfigureAwait(false)
            : await consumer.SearchOffsetAsync(queue, Timestamp(begin), ct).ConfigureAwait(false);
        var max = end is null
            ? await consumer.MaxOffsetAsync(queue, ct).ConfigureAwait(false)
            : await consumer.SearchOffsetAsync(queue, Timestamp(end), ct).ConfigureAwait(false);
        return (min, max);
    }

    private static Encoding Charset(string name)
    {
        try
        {
            return Encoding.GetEncoding(name.Trim());
        }
        catch (ArgumentException)
        {
            throw new AdminCommandException($"unknown charset '{name}'; e.g. UTF-8, US-ASCII, ISO-8859-1, UTF-16");
        }
    }

    private static DateTimeOffset Timestamp(string text) =>
        ParseTimestamp(text) ?? throw new AdminCommandException($"'{text}' is not a timestamp: give milliseconds since 1970 or yyyy-MM-dd#HH:mm:ss:SSS");

    private static async Task PrintAsync(TextWriter output, IReadOnlyList<MessageExt> messages, Encoding encoding, bool printBody)
    {
        foreach (var m in messages)
        {
            var body = printBody ? encoding.GetString(m.Body) : "NOT PRINT BODY";
            await output.WriteLineAsync($"MSGID: {m.MsgId} {m} BODY: {body}").ConfigureAwait(false);
        }
    }

    private static string Describe(MessageQueue q) => $"MessageQueue [topic={q.Topic}, brokerName={q.BrokerName}, queueId={q.QueueId}]";

    private static string StatusName(PullStatus status) => status switch
    {
        PullStatus.Found => "FOUND",
        PullStatus.NoNewMsg => "NO_NEW_MSG",
        PullStatus.NoMatchedMsg => "NO_MATCHED_MSG",
        _ => "OFFSET_ILLEGAL",
    };
}
