using System.Diagnostics;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Automatic failover of broker-a under continuous load: every test counts every acknowledged message
/// (see <see cref="FailoverLoad"/>) and checks none is lost, per-queue order holds, no committed offset
/// goes back, and no two masters acknowledged writes in one epoch.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = FailoverScenarios.Deadline;

    [Fact]
    public async Task MasterCrashesUnderLoad_FollowerIsElected_NothingAcknowledgedIsLost()
    {
        await using var cluster = new ClusterFixture("MasterCrash") { Log = output.WriteLine };
        const string topic = "ThroughTheCrash";
        await FailoverScenarios.StartAsync(cluster, topic);
        var (a, b) = (cluster["node-a"], cluster["node-b"]);
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "crash-readers");
        await load.WaitForMoreAcksAsync(200, "before the crash", Deadline);
        int epoch = (await cluster.SyncStateAsync("broker-a")).Set.MasterEpoch;

        var crashed = Stopwatch.StartNew();
        await cluster.CrashAsync(a);
        var elected = await FailoverScenarios.WaitForNewMasterAsync(cluster, 1, epoch);
        cluster.Note($"node-b elected master of epoch {elected.Set.MasterEpoch} {crashed.Elapsed.TotalSeconds:F2}s after the crash");
        await load.WaitForMoreAcksAsync(200, "on the new master", Deadline);
        cluster.Note($"200 more sends acknowledged {crashed.Elapsed.TotalSeconds:F2}s after the crash");

        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(b), Deadline);
        cluster.Note(report.ToString());
        Assert.True(b.Roles.Broker!.Membership.IsMaster);
    }

    [Fact]
    public async Task FollowerLags_LeavesTheInSyncSet_MasterKeepsAcknowledging_ThenReenters()
    {
        await using var cluster = new ClusterFixture("FollowerLags") { Log = output.WriteLine };
        const string topic = "PastTheSlowFollower";
        await FailoverScenarios.StartAsync(cluster, topic, "akkamq.broker.replication.max-lag-time = 2s");
        var b = cluster["node-b"];
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "lag-readers");
        await load.WaitForMoreAcksAsync(100, "with the follower in sync", Deadline);

        var follower = b.Roles.Broker!.Follower!;
        follower.Suspend();
        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0]);
        await load.WaitForMoreAcksAsync(200, "with the follower out of the in-sync set", Deadline);

        follower.Resume();
        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
        await load.WaitForMoreAcksAsync(100, "with the follower back in sync", Deadline);
        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(cluster["node-a"]), Deadline);
        cluster.Note(report.ToString());
    }

    [Fact]
    public async Task ElectMasterUnderLoad_SwitchesOver_NothingIsLost()
    {
        await using var cluster = new ClusterFixture("SwitchOver") { Log = output.WriteLine };
        const string topic = "ThroughTheSwitchOver";
        await FailoverScenarios.StartAsync(cluster, topic);
        var (a, b) = (cluster["node-a"], cluster["node-b"]);
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "switch-readers");
        await load.WaitForMoreAcksAsync(200, "before the switch-over", Deadline);

        // The operator's switch-over, as RocketMQ 5's mqadmin asks for it: to member 1 of broker-a.
        var nameServer = cluster["node-c"].NameServer;
        var elected = await CliRun.AdminAsync(nameServer, "electMaster", "-a", nameServer, "-c", cluster.ClusterName, "-bn", "broker-a", "-b", "1");
        Assert.Contains($"#BrokerMasterAddr\t{b.BrokerAddress}\n", elected.Output);
        await ClusterFixture.WaitUntilAsync(() => !a.Roles.Broker!.Membership.IsMaster && b.Roles.Broker!.Membership.IsMaster, "node-a follows, node-b is master", Deadline);
        await load.WaitForMoreAcksAsync(200, "on the new master", Deadline);
        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);

        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(b), Deadline);
        cluster.Note(report.ToString());
    }
}
