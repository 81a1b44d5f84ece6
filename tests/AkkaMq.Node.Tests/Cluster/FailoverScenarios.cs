using AkkaMq.Client;
using AkkaMq.Cluster.Coordination;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// The cluster the failover tests start: node-c first (the oldest node, so the Controller runs on a node
/// that survives broker-a's faults; it is master of broker-b), then node-a (broker-a member 0, its first
/// master) and node-b (broker-a member 1). Replication is synchronous with one required copy, as by default.
/// </summary>
public static class FailoverScenarios
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    /// <summary>Starts the three nodes, a topic on broker-a only, and waits until node-b is in broker-a's in-sync set.</summary>
    public static async Task StartAsync(
        ClusterFixture cluster, string topic, string extraConfig = "", Func<Broker.BrokerRoleOptions, Broker.BrokerRoleOptions>? configureMaster = null)
    {
        await cluster.StartNodeAsync("node-c", "broker-b", 0, extraConfig);
        await cluster.StartNodeAsync("node-a", "broker-a", 0, extraConfig, configureMaster);
        await cluster.StartNodeAsync("node-b", "broker-a", 1, extraConfig);
        await cluster.WaitUntilEveryNameServerListsEveryBrokerAsync(Deadline);
        var a = cluster["node-a"];
        await using (var admin = new AdminClient(cluster.ClientOptions("topic-admin")))
        {
            await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 4, WriteQueueNums = 4 });
            await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, topic + " routed", Deadline);
        }

        await WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
    }

    /// <summary>Waits until the Controller's in-sync set of <paramref name="group"/> is exactly <paramref name="members"/>.</summary>
    public static Task<SyncStateSetState> WaitForInSyncAsync(ClusterFixture cluster, string group, long[] members) =>
        cluster.WaitForSyncStateAsync(group, s => s.Set.Members.Order().SequenceEqual(members), $"{group}'s in-sync set is [{string.Join(",", members)}]", Deadline);

    /// <summary>Waits until the Controller names member <paramref name="memberId"/> master of broker-a under an epoch above <paramref name="oldEpoch"/>.</summary>
    public static Task<SyncStateSetState> WaitForNewMasterAsync(ClusterFixture cluster, long memberId, int oldEpoch) =>
        cluster.WaitForSyncStateAsync(
            "broker-a", s => s.MasterMemberId == memberId && s.Set.MasterEpoch > oldEpoch, $"member {memberId} elected master of broker-a after epoch {oldEpoch}", Deadline);

    /// <summary>The master epochs of <paramref name="node"/>'s store, for the one-master-per-epoch check.</summary>
    public static Func<IReadOnlyList<EpochRange>> EpochsOf(ClusterNode node) =>
        () => [.. node.Roles.Broker!.Store.Epochs.Entries.Select(e => new EpochRange(e.Epoch, e.StartOffset))];
}
