using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>sendMsgStatus</c>, <c>checkMsgSendRT</c> and <c>clusterRT</c>: timed test sends.</summary>
internal static class ProbeCommands
{
    public static Command SendMsgStatus()
    {
        var ns = AdminOptions.NameServer();
        var brokerName = new Option<string>("-b", "--brokerName") { Description = "Broker Name: the topic sent to, as in RocketMQ", Required = true };
        var size = new Option<int>("-s", "--messageSize") { Description = "Message Size, Default: 128", DefaultValueFactory = _ => 128 };
        var count = new Option<int>("-c", "--count") { Description = "send message count, Default: 50", DefaultValueFactory = _ => 50 };
        var command = new Command(
            "sendMsgStatus",
            "Send messages to the topic named after a broker, as mqadmin does, and print each send's time and result. The broker creates that topic on the first send when it creates topics on first send (the default).")
        {
            ns, brokerName, size, count,
        };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            var topic = p.GetValue(brokerName)!.Trim();
            await using var producer = new Producer("PID_SMSC", session.Options);
            await producer.StartAsync(ct).ConfigureAwait(false);
            await producer.SendAsync(new Message(topic, null, Body(16, "hello jodie")), ct).ConfigureAwait(false);
            var body = Body(p.GetValue(size), "hello jodie");
            for (int i = 0; i < p.GetValue(count); i++)
            {
                var started = Stopwatch.GetTimestamp();
                var result = await producer.SendAsync(new Message(topic, null, body), ct).ConfigureAwait(false);
                var rt = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                await session.Output.WriteLineAsync($"rt={rt}ms, SendResult={Describe(result)}").ConfigureAwait(false);
            }
        });
        return command;
    }

    public static Command CheckMsgSendRT()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var amount = new Option<long>("-a", "--amount") { Description = "message amount | default 100", DefaultValueFactory = _ => 100 };
        var size = new Option<long>("-s", "--size") { Description = "message size | default 128 Byte", DefaultValueFactory = _ => 128 };
        var command = new Command("checkMsgSendRT", "Check message send response time, one send per queue in turn.") { ns, topic, amount, size };
        AdminSession.Handle(command, ns, async (session, _, ct) =>
        {
            var p = session.Parse;
            var count = p.GetValue(amount);
            if (count < 2 || p.GetValue(size) < 0)
            {
                throw new AdminCommandException("amount must be at least 2 (the first send is not timed) and size not negative");
            }

            await using var producer = new Producer(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), session.Options);
            await producer.StartAsync(ct).ConfigureAwait(false);
            var message = new Message(p.GetValue(topic)!.Trim(), null, Body(p.GetValue(size), "a"));
            var selector = new RoundRobin();
            await session.Output.WriteLineAsync(Row("#Broker Name", "#QID", "#Send Result", "#RT")).ConfigureAwait(false);
            long elapsed = 0;
            for (long i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok = await TrySendAsync(producer, message, selector, i, ct).ConfigureAwait(false);
                var rt = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (i != 0)
                {
                    elapsed += rt;
                }

                await session.Output.WriteLineAsync(Row(selector.Last.BrokerName ?? "null", selector.Last.QueueId.ToString(CultureInfo.InvariantCulture), ok ? "true" : "false", rt.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
            }

            await session.Output.WriteLineAsync($"Avg RT: {((double)elapsed / (count - 1)).ToString("0.00", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
        });
        return command;
    }

    public static Command ClusterRT()
    {
        var ns = AdminOptions.NameServer();
        var amount = new Option<long>("-a", "--amount") { Description = "message amount | default 100", DefaultValueFactory = _ => 100 };
        var size = new Option<long>("-s", "--size") { Description = "message size | default 128 Byte", DefaultValueFactory = _ => 128 };
        var cluster = new Option<string>("-c", "--cluster") { Description = "cluster name | default display all cluster" };
        var tlog = new Option<bool>("-p", "--printLog") { Description = "print as tlog | default false" };
        var room = new Option<string>("-m", "--machineRoom") { Description = "machine room name | default noname", DefaultValueFactory = _ => "noname" };
        var interval = new Option<long>("-i", "--interval") { Description = "print interval | default 10 seconds", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds to run, then stop (default: until interrupted, as mqadmin)." };
        var command = new Command("clusterRT", "List All clusters Message Send RT: per broker, sends to the topic named after it, every interval.")
        {
            ns, amount, size, cluster, tlog, room, interval, rounds,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            if (p.GetValue(amount) < 2 || p.GetValue(size) < 0 || p.GetValue(interval) < 0)
            {
                throw new AdminCommandException("amount must be at least 2 (the first send is not timed), size and interval not negative");
            }

            var info = await admin.GetClusterInfoAsync(ct).ConfigureAwait(false);
            var clusters = p.GetValue(cluster) is { } only ? [only.Trim()] : info.ClusterAddrTable.Keys.Order(StringComparer.Ordinal).ToList();
            await using var producer = new Producer(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), session.Options);
            await producer.StartAsync(ct).ConfigureAwait(false);
            if (!p.GetValue(tlog))
            {
                await session.Output.WriteLineAsync($"{"#Cluster Name",-24}  {"#Broker Name",-24}  {"#RT",-4}  {"#successCount",-8}  {"#failCount",-8}").ConfigureAwait(false);
            }

            for (int round = 1; p.GetValue(rounds) <= 0 || round <= p.GetValue(rounds); round++)
            {
                if (round > 1)
                {
                    await Task.Delay(TimeSpan.FromSeconds(p.GetValue(interval)), ct).ConfigureAwait(false);
                }

                foreach (var clusterName in clusters)
                {
                    if (!info.ClusterAddrTable.TryGetValue(clusterName, out var brokerNames))
                    {
                        throw new AdminCommandException($"cluster [{clusterName}] not exist");
                    }

                    foreach (var brokerName in brokerNames.Order(StringComparer.Ordinal))
                    {
                        var (rt, ok, failed) = await TimeSendsAsync(producer, new Message(brokerName, null, Body(p.GetValue(size), "a")), p.GetValue(amount), ct).ConfigureAwait(false);
                        var line = p.GetValue(tlog)
                            ? $"{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm:ss}|{p.GetValue(room)}|{clusterName}|{brokerName}|{Math.Round(rt, MidpointRounding.AwayFromZero)}"
                            : $"{clusterName,-24}  {brokerName,-24}  {rt.ToString("0.00", CultureInfo.InvariantCulture),-8}  {ok,-16}  {failed,-16}";
                        await session.Output.WriteLineAsync(line).ConfigureAwait(false);
                    }
                }
            }
        });
        return command;
    }

    /// <summary>RocketMQ's SendResult.toString.</summary>
    internal static string Describe(SendResult r) =>
        $"SendResult [sendStatus={StatusName(r.Status)}, msgId={r.MsgId}, offsetMsgId={r.OffsetMsgId}, messageQueue=MessageQueue [topic={r.MessageQueue.Topic}, brokerName={r.MessageQueue.BrokerName}, queueId={r.MessageQueue.QueueId}], queueOffset={r.QueueOffset}]";

    /// <summary>A failed send is a row with result false, as in mqadmin; the reason goes nowhere, as there.</summary>
    private static async Task<bool> TrySendAsync(Producer producer, Message message, RoundRobin selector, long index, CancellationToken ct)
    {
        try
        {
            await producer.SendAsync(message, selector, index, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is MQClientException or MQBrokerException or RemotingTimeoutException or RemotingConnectionException)
        {
            return false;
        }
    }

    /// <summary><paramref name="amount"/> sends; the average time leaves out the first, as mqadmin does.</summary>
    private static async Task<(double Rt, int Ok, int Failed)> TimeSendsAsync(Producer producer, Message message, long amount, CancellationToken ct)
    {
        long elapsed = 0;
        int ok = 0;
        int failed = 0;
        for (long i = 0; i < amount; i++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await producer.SendAsync(message, ct).ConfigureAwait(false);
                ok++;
            }
            catch (Exception e) when (e is MQClientException or MQBrokerException or RemotingTimeoutException or RemotingConnectionException)
            {
                failed++;
            }

            if (i != 0)
            {
                elapsed += (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        return ((double)elapsed / (amount - 1), ok, failed);
    }

    private static string Row(string broker, string queue, string result, string rt) => $"{broker,-32}  {queue,-4}  {result,-20}    {rt}";

    private static byte[] Body(long size, string unit)
    {
        var text = new StringBuilder();
        while (text.Length < size)
        {
            text.Append(unit);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string StatusName(SendStatus status) => status switch
    {
        SendStatus.SendOk => "SEND_OK",
        SendStatus.FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
        SendStatus.FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
        _ => "SLAVE_NOT_AVAILABLE",
    };

    /// <summary>Queue <c>index mod count</c>, remembering the last pick for the row (mqadmin's selector).</summary>
    private sealed class RoundRobin : IMessageQueueSelector
    {
        public MessageQueue Last { get; private set; }

        public MessageQueue Select(IReadOnlyList<MessageQueue> queues, Message message, object? arg)
        {
            Last = queues[(int)((long)arg! % queues.Count)];
            return Last;
        }
    }
}
