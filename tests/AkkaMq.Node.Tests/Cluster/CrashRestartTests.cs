using AkkaMq.Client;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>A node crashes (no leave; the others' split-brain resolver downs it) and starts again on its store.</summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class CrashRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FollowerCrashes_MasterKeepsTakingSends_RestartedFollowerCatchesUpOnItsStore()
    {
        await using var cluster = new ClusterFixture("FollowerCrash") { Log = output.WriteLine };
        await ClusterScenarios.StartThreeAsync(cluster);
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);
        const string topic = "AcrossTheCrash";
        await using var admin = new AdminClient(cluster.ClientOptions("crash-admin", a, c));
        await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 2, WriteQueueNums = 2 });
        await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, topic + " routed", Deadline);
        var early = await ClusterClients.SendAsync(cluster, topic, "early", 20);
        var caughtUp = await ClusterClients.WaitUntilCaughtUpAsync(admin, a, b, Deadline);

        var crashed = b.Address;
        await cluster.CrashAsync(b);

        // The others' split-brain resolver downs the crashed node; the route drops it; the master keeps taking sends.
        await ClusterFixture.WaitUntilAsync(
            () => Akka.Cluster.Cluster.Get(a.System!).State.Members.All(m => m.Address.ToString() != crashed),
            "the crashed node downed and removed",
            Deadline);
        await ClusterFixture.WaitUntilAsync(
            async () =>
            {
                var route = await admin.GetTopicRouteAsync(topic);
                return route.BrokerDatas.Single().BrokerAddrs.Keys.SequenceEqual([0L]);
            },
            "broker-a routed without its crashed follower",
            Deadline);
        var late = await ClusterClients.SendAsync(cluster, topic, "late", 20);
        Assert.All(early.Concat(late), s => Assert.Equal("broker-a", s.Result.MessageQueue.BrokerName));

        Assert.True(File.Exists(Path.Combine(b.CommitLogDir, "00000000000000000000")), "the crashed follower's store is gone");
        await cluster.RestartAsync(b);
        Assert.NotEqual(crashed, b.Address);

        var end = await ClusterClients.WaitUntilCaughtUpAsync(admin, a, b, Deadline);
        Assert.True(end > caughtUp, $"the master's log did not grow while the follower was down ({end} <= {caughtUp})");
        Assert.Equal(BrokerProbe.ReadCommitLog(a.CommitLogDir, end), BrokerProbe.ReadCommitLog(b.CommitLogDir, end));
        await ClusterFixture.WaitUntilAsync(
            async () =>
            {
                var route = await admin.GetTopicRouteAsync(topic);
                return route.BrokerDatas.Single().BrokerAddrs.OrderBy(e => e.Key).SequenceEqual([KeyValuePair.Create(0L, a.BrokerAddress), KeyValuePair.Create(1L, b.BrokerAddress)]);
            },
            "broker-a routed with the restarted follower as id 1",
            Deadline);
    }
}
