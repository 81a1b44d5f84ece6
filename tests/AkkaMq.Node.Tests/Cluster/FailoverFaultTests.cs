using System.Diagnostics;
using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;
using AkkaMq.Client;
using AkkaMq.Store;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Failover of broker-a through harder faults, under continuous load: the master's disk failing, the master
/// cut off by a network partition, the master's node hosting the Controller, and the old master coming back on
/// an empty disk. Every test checks what <see cref="FailoverLoad.VerifyAsync"/> checks.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class FailoverFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = FailoverScenarios.Deadline;

    [Fact]
    public async Task MastersDiskFailsUnderLoad_FollowerIsElectedWithoutWaitingForTheFailureDetector()
    {
        await using var cluster = new ClusterFixture("DiskFails") { Log = output.WriteLine };
        const string topic = "PastTheBrokenDisk";
        var disk = new FaultableDevice();
        await FailoverScenarios.StartAsync(cluster, topic, configureMaster: o => o with { Device = disk });
        var (a, b) = (cluster["node-a"], cluster["node-b"]);
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "disk-readers");
        await load.WaitForMoreAcksAsync(200, "before the disk fails", Deadline);
        int epoch = (await cluster.SyncStateAsync("broker-a")).Set.MasterEpoch;

        var failed = Stopwatch.StartNew();
        disk.FailWithIoError();
        var elected = await FailoverScenarios.WaitForNewMasterAsync(cluster, 1, epoch);
        cluster.Note($"node-b elected master of epoch {elected.Set.MasterEpoch} {failed.Elapsed.TotalSeconds:F2}s after the disk failed");
        await load.WaitForMoreAcksAsync(200, "on the new master", Deadline);
        cluster.Note($"200 more sends acknowledged {failed.Elapsed.TotalSeconds:F2}s after the disk failed");

        // The failure detector had nothing to do with it: node-a is still an Up member.
        Assert.Contains(Akka.Cluster.Cluster.Get(b.System!).State.Members, m => m.Address.ToString() == a.Address && m.Status == Akka.Cluster.MemberStatus.Up);
        Assert.NotNull(a.Roles.Broker!.StoreFailure);
        Assert.False(a.Roles.Broker!.Membership.IsMaster);
        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(b), Deadline);
        cluster.Note(report.ToString());
    }

    [Fact]
    public async Task MasterPartitionedAway_AcknowledgesNothingTheNewMasterLacks_ThenTruncatesAndFollows()
    {
        await using var cluster = new ClusterFixture("Partition") { Log = output.WriteLine };
        const string topic = "AcrossThePartition";
        await FailoverScenarios.StartAsync(cluster, topic, "akka.remote.dot-netty.tcp.applied-adapters = [trttl]");
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "partition-readers");
        await load.WaitForMoreAcksAsync(200, "before the partition", Deadline);
        int epoch = (await cluster.SyncStateAsync("broker-a")).Set.MasterEpoch;

        // node-a keeps its client port but loses the cluster (Akka links to node-b and node-c) and its follower's stream.
        b.Roles.Broker!.Follower!.Suspend();
        var transport = ((RemoteActorRefProvider)((ExtendedActorSystem)a.System!).Provider).Transport;
        foreach (var other in new[] { b, c })
        {
            var address = Akka.Actor.Address.Parse(other.Address);
            var target = new Akka.Actor.Address("akka", address.System, address.Host, address.Port);
            Assert.True(await transport.ManagementCommand(new SetThrottle(target, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)).WaitAsync(Deadline));
        }

        cluster.Note("node-a partitioned");
        var elected = await FailoverScenarios.WaitForNewMasterAsync(cluster, 1, epoch);
        cluster.Note($"node-b elected master of epoch {elected.Set.MasterEpoch}");
        await load.WaitForMoreAcksAsync(200, "on the new master", Deadline);

        // The minority side downs itself; node-a is then started again on its store (the partition healed).
        var stranded = a.System!;
        await ClusterFixture.WaitUntilAsync(() => stranded.WhenTerminated.IsCompleted, "node-a, alone on its side, downed itself", Deadline);
        await cluster.StopAsync(a);
        await cluster.RestartAsync(a);
        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
        await load.WaitForMoreAcksAsync(100, "with node-a following again", Deadline);

        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(b), Deadline);
        cluster.Note(report.ToString());
        await using var admin = new AdminClient(cluster.ClientOptions("partition-admin"));
        long end = await ClusterClients.WaitUntilCaughtUpAsync(admin, b, a, Deadline);
        Assert.Equal(BrokerProbe.ReadCommitLog(b.CommitLogDir, end), BrokerProbe.ReadCommitLog(a.CommitLogDir, end));
    }

    [Fact]
    public async Task MasterNodeHostingTheControllerCrashes_TheNextControllerElectsTheFollower()
    {
        await using var cluster = new ClusterFixture("ControllerHostCrash") { Log = output.WriteLine };
        const string topic = "PastTheControllerCrash";
        // node-a starts first: the oldest node, so it hosts the Controller as well as broker-a's master.
        await cluster.StartNodeAsync("node-a", "broker-a", 0);
        await cluster.StartNodeAsync("node-b", "broker-a", 1);
        await cluster.StartNodeAsync("node-c", "broker-b", 0);
        var (a, b) = (cluster["node-a"], cluster["node-b"]);
        Assert.Equal(a, cluster.SingletonHost());
        await using (var admin = new AdminClient(cluster.ClientOptions("topic-admin")))
        {
            await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 4, WriteQueueNums = 4 });
            await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, topic + " routed", Deadline);
        }

        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "controller-crash-readers");
        await load.WaitForMoreAcksAsync(200, "before the crash", Deadline);
        int epoch = (await cluster.SyncStateAsync("broker-a")).Set.MasterEpoch;

        var crashed = Stopwatch.StartNew();
        await cluster.CrashAsync(a);
        var elected = await FailoverScenarios.WaitForNewMasterAsync(cluster, 1, epoch);
        cluster.Note($"node-b elected master of epoch {elected.Set.MasterEpoch} by the moved Controller {crashed.Elapsed.TotalSeconds:F2}s after the crash");
        await load.WaitForMoreAcksAsync(200, "on the new master", Deadline);
        cluster.Note($"200 more sends acknowledged {crashed.Elapsed.TotalSeconds:F2}s after the crash");

        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(b), Deadline);
        cluster.Note(report.ToString());
    }

    [Fact]
    public async Task OldMasterBackOnAnEmptyDisk_CopiesTheLogAndRejoinsTheInSyncSet()
    {
        await using var cluster = new ClusterFixture("EmptyDisk") { Log = output.WriteLine };
        const string topic = "KeptThroughTheDiskLoss";
        await FailoverScenarios.StartAsync(cluster, topic);
        var (a, b) = (cluster["node-a"], cluster["node-b"]);
        await using var load = await FailoverLoad.StartAsync(cluster, topic, "empty-disk-readers");
        await load.WaitForMoreAcksAsync(200, "before the disk is lost", Deadline);
        int epoch = (await cluster.SyncStateAsync("broker-a")).Set.MasterEpoch;

        // kill -9 and the disk gone: the node comes back with an empty store under its configured id 0.
        await cluster.CrashAsync(a);
        Directory.Delete(a.StoreDir, recursive: true);
        await FailoverScenarios.WaitForNewMasterAsync(cluster, 1, epoch);
        await load.WaitForMoreAcksAsync(200, "on the new master", Deadline);
        await cluster.RestartAsync(a);

        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
        Assert.False(a.Roles.Broker!.Membership.IsMaster);
        Assert.True(b.Roles.Broker!.Membership.IsMaster);
        await load.WaitForMoreAcksAsync(100, "with the old master back in sync", Deadline);
        var report = await load.VerifyAsync(FailoverScenarios.EpochsOf(b), Deadline);
        cluster.Note(report.ToString());

        // The copy is the new master's log byte for byte, and it knows the topic: no "topic not exist".
        await using var admin = new AdminClient(cluster.ClientOptions("empty-disk-admin"));
        long end = await ClusterClients.WaitUntilCaughtUpAsync(admin, b, a, Deadline);
        long start = a.Roles.Broker!.Store.MinPhysicalOffset;
        Assert.Equal(BrokerProbe.ReadCommitLog(b.CommitLogDir, end)[(int)start..], BrokerProbe.ReadCommitLog(a.CommitLogDir, end)[(int)start..]);
        await using var probe = new BrokerProbe();
        Assert.NotEmpty(await probe.PullAllAsync(a.BrokerAddress, "broker-a", "from-the-copy", topic, 0));
    }
}
