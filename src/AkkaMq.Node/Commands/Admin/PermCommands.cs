using System.CommandLine;
using AkkaMq.Client;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>wipeWritePerm</c>, <c>addWritePerm</c> and <c>updateTopicPerm</c>.</summary>
internal static class PermCommands
{
    public static Command WipeWritePerm() => WritePerm(
        "wipeWritePerm",
        "Wipe write perm of broker in all name server you defined in the -n param.",
        "wipe",
        static (admin, nameServer, brokerName, ct) => admin.WipeWritePermOfBrokerAsync(nameServer, brokerName, ct));

    public static Command AddWritePerm() => WritePerm(
        "addWritePerm",
        "Add write perm of broker in all name server you defined in the -n param.",
        "add",
        static (admin, nameServer, brokerName, ct) => admin.AddWritePermOfBrokerAsync(nameServer, brokerName, ct));

    public static Command UpdateTopicPerm()
    {
        var ns = AdminOptions.NameServer();
        var topic = AdminOptions.Topic();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var perm = new Option<int>("-p", "--perm") { Description = "set topic's permission(2|4|6), intro[2:W; 4:R; 6:RW]", Required = true };
        var command = new Command("updateTopicPerm", "Update topic perm on one master (-b) or every master of a cluster (-c).")
        {
            ns, topic, broker, cluster, perm,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            var name = p.GetValue(topic)!;
            var newPerm = p.GetValue(perm);
            var address = p.GetValue(broker);
            var changes = await admin.UpdateTopicPermAsync(name, newPerm, address, p.GetValue(cluster), ct).ConfigureAwait(false);
            foreach (var change in changes)
            {
                if (address is not null && change.OldPerm == change.NewPerm)
                {
                    await session.Output.WriteLineAsync("new perm equals to the old one!").ConfigureAwait(false);
                    return;
                }

                await session.Output.WriteLineAsync($"update topic perm from {change.OldPerm} to {change.NewPerm} in {change.BrokerAddress} success.").ConfigureAwait(false);
            }

            if (address is not null)
            {
                var route = await admin.GetTopicRouteAsync(name, ct).ConfigureAwait(false);
                var queues = route.QueueDatas[0];
                await session.Output.WriteLineAsync(
                    $"TopicConfig [topicName={name}, readQueueNums={queues.ReadQueueNums}, writeQueueNums={queues.WriteQueueNums}, perm={PermText(newPerm)}, topicFilterType=SINGLE_TAG, topicSysFlag={queues.TopicSysFlag}, order={(route.OrderTopicConf is not null ? "true" : "false")}].")
                    .ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>RocketMQ's PermName.perm2String: R, W and X or a dash each.</summary>
    internal static string PermText(int perm) =>
        ((perm & 4) != 0 ? "R" : "-") + ((perm & 2) != 0 ? "W" : "-") + ((perm & 1) != 0 ? "X" : "-");

    /// <summary>
    /// One request per name server of -n, as mqadmin does: each answer on its own line, a failure reported
    /// and the next name server still tried; the command fails when any name server did.
    /// </summary>
    private static Command WritePerm(string name, string description, string verb, Func<AdminClient, string, string, CancellationToken, Task<int>> change)
    {
        var ns = AdminOptions.NameServer();
        var brokerName = new Option<string>("-b", "--brokerName") { Description = "broker name", Required = true };
        var command = new Command(name, description) { ns, brokerName };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var broker = session.Parse.GetValue(brokerName)!.Trim();
            var failed = new List<string>();
            foreach (var nameServer in admin.NameServerAddresses)
            {
                try
                {
                    var count = await change(admin, nameServer, broker, ct).ConfigureAwait(false);
                    await session.Output.WriteLineAsync($"{verb} write perm of broker[{broker}] in name server[{nameServer}] OK, {count}").ConfigureAwait(false);
                }
                catch (Exception e) when (e is MQClientException or MQBrokerException or RemotingTimeoutException or RemotingConnectionException)
                {
                    await session.Output.WriteLineAsync($"{verb} write perm of broker[{broker}] in name server[{nameServer}] Failed").ConfigureAwait(false);
                    failed.Add(nameServer + ": " + e.Message);
                }
            }

            if (failed.Count > 0)
            {
                throw new AdminCommandException(string.Join("; ", failed));
            }
        });
        return command;
    }
}
