using System.CommandLine;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Admin;

/// <summary><c>updateSubGroup</c> and <c>deleteSubGroup</c>: declared subscription groups, with mqadmin's flags.</summary>
internal static class GroupCommands
{
    public static Command UpdateSubGroup()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var group = new Option<string>("-g", "--groupName") { Description = "Consumer group name.", Required = true };
        var consume = new Option<bool>("-s", "--consumeEnable") { Description = "Whether the group may consume.", DefaultValueFactory = _ => true };
        var fromMin = new Option<bool>("-m", "--consumeFromMinEnable") { Description = "Start a new group from the min offset.", DefaultValueFactory = _ => true };
        var broadcast = new Option<bool>("-d", "--consumeBroadcastEnable") { Description = "Whether broadcasting is allowed.", DefaultValueFactory = _ => true };
        var retryQueues = new Option<int>("-q", "--retryQueueNums") { Description = "Queues of the group's retry topic.", DefaultValueFactory = _ => 1 };
        var retryMax = new Option<int>("-r", "--retryMaxTimes") { Description = "Send-backs before a message goes to the dead-letter queue.", DefaultValueFactory = _ => 16 };
        var brokerId = new Option<long>("-i", "--brokerId") { Description = "Broker id consumed from.", DefaultValueFactory = _ => 0 };
        var slowly = new Option<long>("-w", "--whichBrokerWhenConsumeSlowly") { Description = "Broker id consumed from when consumption is slow.", DefaultValueFactory = _ => 1 };
        var notify = new Option<bool>("-a", "--notifyConsumerIdsChanged") { Description = "Tell consumers when the group's members change.", DefaultValueFactory = _ => true };
        var command = new Command("updateSubGroup", "Create a subscription group or change it, on one broker (-b) or every master of a cluster (-c).")
        {
            ns, broker, cluster, group, consume, fromMin, broadcast, retryQueues, retryMax, brokerId, slowly, notify,
        };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            var config = new SubscriptionGroupConfig(p.GetValue(group)!.Trim())
            {
                ConsumeEnable = p.GetValue(consume),
                ConsumeFromMinEnable = p.GetValue(fromMin),
                ConsumeBroadcastEnable = p.GetValue(broadcast),
                RetryQueueNums = p.GetValue(retryQueues),
                RetryMaxTimes = p.GetValue(retryMax),
                BrokerId = p.GetValue(brokerId),
                WhichBrokerWhenConsumeSlowly = p.GetValue(slowly),
                NotifyConsumerIdsChangedEnable = p.GetValue(notify),
            };
            foreach (var address in await TargetsAsync(p.GetValue(broker), p.GetValue(cluster), a => admin.CreateOrUpdateSubscriptionGroupAsync(a, config, ct),
                c => admin.CreateOrUpdateSubscriptionGroupInClusterAsync(c, config, ct)).ConfigureAwait(false))
            {
                await session.Output.WriteLineAsync($"create subscription group to {address} success.").ConfigureAwait(false);
            }

            await session.Output.WriteLineAsync(
                $"SubscriptionGroupConfig [groupName={config.GroupName}, consumeEnable={Text(config.ConsumeEnable)}, consumeFromMinEnable={Text(config.ConsumeFromMinEnable)}, " +
                $"consumeBroadcastEnable={Text(config.ConsumeBroadcastEnable)}, retryQueueNums={config.RetryQueueNums}, retryMaxTimes={config.RetryMaxTimes}, brokerId={config.BrokerId}, " +
                $"whichBrokerWhenConsumeSlowly={config.WhichBrokerWhenConsumeSlowly}, notifyConsumerIdsChangedEnable={Text(config.NotifyConsumerIdsChangedEnable)}]").ConfigureAwait(false);
        });
        return command;
    }

    public static Command DeleteSubGroup()
    {
        var ns = AdminOptions.NameServer();
        var broker = AdminOptions.BrokerAddress();
        var cluster = AdminOptions.Cluster();
        var group = new Option<string>("-g", "--groupName") { Description = "Consumer group name.", Required = true };
        var command = new Command("deleteSubGroup", "Delete a subscription group from one broker (-b) or every master of a cluster (-c).") { ns, broker, cluster, group };
        AdminSession.Handle(command, ns, async (session, admin, ct) =>
        {
            var p = session.Parse;
            string name = p.GetValue(group)!.Trim();
            var targets = await TargetsAsync(p.GetValue(broker), p.GetValue(cluster), a => admin.DeleteSubscriptionGroupAsync(a, name, ct),
                c => admin.DeleteSubscriptionGroupInClusterAsync(c, name, ct)).ConfigureAwait(false);
            if (targets.Count == 0)
            {
                throw new AdminCommandException($"cluster [{p.GetValue(cluster)}] has no master broker");
            }

            string where = p.GetValue(broker) is { } b ? $"broker [{b}]" : $"cluster [{p.GetValue(cluster)}]";
            await session.Output.WriteLineAsync($"delete subscription group [{name}] from {where} success.").ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<IReadOnlyList<string>> TargetsAsync(
        string? broker, string? cluster, Func<string, Task> onBroker, Func<string, Task<IReadOnlyList<string>>> onCluster)
    {
        if (broker is not null)
        {
            await onBroker(broker).ConfigureAwait(false);
            return [broker];
        }

        if (cluster is not null)
        {
            return await onCluster(cluster).ConfigureAwait(false);
        }

        throw new AdminCommandException("give a broker address (-b) or a cluster name (-c)");
    }

    private static string Text(bool value) => value ? "true" : "false";
}
