using System.CommandLine;
using System.Globalization;
using System.Text;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary>
/// <c>consumerStatus</c>: the running info of a group's clients (GET_CONSUMER_RUNNING_INFO, 307,
/// relayed by the broker). With <c>-i</c> one client's info in mqadmin's layout; without, the
/// group's clients and whether they subscribe alike. mqadmin also writes each client's info to a
/// file named after the time and client id; this prints the list instead.
/// </summary>
internal static class ConsumerStatusCommand
{
    public static Command ConsumerStatus()
    {
        var ns = AdminOptions.NameServer();
        var group = AdminOptions.ConsumerGroup();
        var client = new Option<string>("-i", "--clientId") { Description = "The consumer's client id." };
        var broker = AdminOptions.BrokerAddress();
        var jstack = new Option<bool>("-s", "--jstack") { Description = "Ask for the consumer's thread stacks." };
        var command = new Command("consumerStatus", "Query consumer's internal data structure") { ns, group, client, broker, jstack };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            string groupName = session.Parse.GetValue(group)!.Trim();
            bool stacks = session.Parse.GetValue(jstack);
            if (session.Parse.GetValue(client) is { } clientId)
            {
                var info = await admin.GetConsumerRunningInfoAsync(groupName, clientId.Trim(), stacks, ct).ConfigureAwait(false);
                await session.Output.WriteAsync(Format(info)).ConfigureAwait(false);
                return;
            }

            var connections = await admin.GetConsumerConnectionListAsync(groupName, ct).ConfigureAwait(false);
            var table = new TextTable("Index", "ClientId", "Version");
            var infos = new SortedDictionary<string, ConsumerRunningInfoBody>(StringComparer.Ordinal);
            int index = 1;
            foreach (var connection in connections.ConnectionSet.OrderBy(c => c.ClientId, StringComparer.Ordinal))
            {
                infos[connection.ClientId] = await admin.GetConsumerRunningInfoAsync(groupName, connection.ClientId, stacks, ct).ConfigureAwait(false);
                table.Add(index++, connection.ClientId, VersionDesc(connection.Version));
            }

            table.WriteTo(session.Output);
            bool same = infos.Values.Select(SubscriptionKey).Distinct(StringComparer.Ordinal).Count() <= 1;
            await session.Output.WriteLineAsync().ConfigureAwait(false);
            await session.Output.WriteLineAsync(same
                ? "Same subscription in the same group of consumer"
                : "WARN: Different subscription in the same group of consumer!!!").ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Java ConsumerRunningInfo.formatString's sections.</summary>
    internal static string Format(ConsumerRunningInfoBody info)
    {
        var text = new StringBuilder();
        text.Append("#Consumer Properties#\n");
        foreach (var (key, value) in info.Properties.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{key,-40}: {value}\n");
        }

        text.Append("\n\n#Consumer Subscription#\n");
        int i = 0;
        foreach (var sub in info.SubscriptionSet)
        {
            text.Append(CultureInfo.InvariantCulture, $"{++i:000} Topic: {sub.Topic,-40} ClassFilter: {(sub.ClassFilterMode ? "true" : "false"),-8} SubExpression: {sub.SubString}\n");
        }

        var queues = info.MqTable.OrderBy(e => e.Key.Topic, StringComparer.Ordinal).ThenBy(e => e.Key.BrokerName, StringComparer.Ordinal).ThenBy(e => e.Key.QueueId).ToList();
        text.Append("\n\n#Consumer Offset#\n");
        text.Append(CultureInfo.InvariantCulture, $"{"#Topic",-64}  {"#Broker Name",-32}  {"#QID",-4}  {"#Consumer Offset",-20}\n");
        foreach (var (queue, pq) in queues)
        {
            text.Append(CultureInfo.InvariantCulture, $"{queue.Topic,-32}  {queue.BrokerName,-32}  {queue.QueueId,-4}  {pq.CommitOffset,-20}\n");
        }

        text.Append("\n\n#Consumer MQ Detail#\n");
        text.Append(CultureInfo.InvariantCulture, $"{"#Topic",-64}  {"#Broker Name",-32}  {"#QID",-4}  {"#ProcessQueueInfo",-20}\n");
        foreach (var (queue, pq) in queues)
        {
            text.Append(CultureInfo.InvariantCulture, $"{queue.Topic,-64}  {queue.BrokerName,-32}  {queue.QueueId,-4}  ProcessQueueInfo [commitOffset={pq.CommitOffset}, cachedMsgMinOffset={pq.CachedMsgMinOffset}, cachedMsgMaxOffset={pq.CachedMsgMaxOffset}, cachedMsgCount={pq.CachedMsgCount}, locked={(pq.Locked ? "true" : "false")}, droped={(pq.Dropped ? "true" : "false")}]\n");
        }

        text.Append("\n\n#Consumer RT&TPS#\n");
        text.Append(CultureInfo.InvariantCulture, $"{"#Topic",-64}  {"#Pull RT",14} {"#Pull TPS",14} {"#Consume RT",14} {"#ConsumeOK TPS",14} {"#ConsumeFailed TPS",18} {"#ConsumeFailedMsgsInHour",25}\n");
        foreach (var (topic, s) in info.StatusTable.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{topic,-32}  {s.PullRT,14:F2} {s.PullTPS,14:F2} {s.ConsumeRT,14:F2} {s.ConsumeOKTPS,14:F2} {s.ConsumeFailedTPS,18:F2} {s.ConsumeFailedMsgs,25}\n");
        }

        if (info.Jstack is not null)
        {
            text.Append("\n\n#Consumer jstack#\n").Append(info.Jstack);
        }

        return text.ToString();
    }

    private static string SubscriptionKey(ConsumerRunningInfoBody info) =>
        string.Join("\n", info.SubscriptionSet.Select(s => s.Topic + " " + s.SubString).Order(StringComparer.Ordinal));

    /// <summary>MQVersion's name for the release ordinals clients send (wire doc 1.6); others as numbers.</summary>
    private static string VersionDesc(int version) => version switch
    {
        409 => "V4_9_8",
        407 => "V4_9_7",
        401 => "V4_9_4",
        399 => "V4_9_3",
        393 => "V4_9_0",
        373 => "V4_8_0",
        353 => "V4_7_0",
        333 => "V4_6_0",
        313 => "V4_5_0",
        293 => "V4_4_0",
        273 => "V4_3_0",
        213 => "V4_0_0",
        121 => "V3_4_9",
        _ => version.ToString(CultureInfo.InvariantCulture),
    };
}
