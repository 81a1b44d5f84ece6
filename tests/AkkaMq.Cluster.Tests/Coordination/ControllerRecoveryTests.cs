using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>Elections across controller restarts, and journals written before in-sync sets were recorded.</summary>
public sealed class ControllerRecoveryTests : ControllerTestKit
{
    private const string Elsewhere = "akka.tcp://C1@10.9.9.9:2552";

    [Fact]
    public void ElectionSurvivesARestart_ThenTheMastersMemberActorStopping_ElectsTheInSyncFollower()
    {
        var controller = StartController(snapshotInterval: 2);
        var (m0, m1, m2) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", m0.Ref));
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", m1.Ref, "10.0.0.2"));
        Ask<BrokerGroupAssignment>(controller, Join(2, "node-c", m2.Ref, "10.0.0.3"));
        Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, 1, [0, 1, 2]));
        Ask<MasterElected>(controller, new ElectMaster("broker-a", 1));
        Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 1, 2, 3, [1, 2]));
        StopController(controller);

        var recovered = StartController(snapshotInterval: 2);
        var state = Ask<SyncStateSetState>(recovered, new GetSyncStateSet("broker-a"));
        Assert.Equal((1L, 2, 4, "1,2"), (state.MasterMemberId, state.Set.MasterEpoch, state.Set.SyncStateSetEpoch, string.Join(",", state.Set.Members)));

        // Members join again (every few seconds they do); then the master's member actor stops.
        var master = CreateTestProbe();
        var follower = CreateTestProbe();
        Assert.True(Ask<BrokerGroupAssignment>(recovered, Join(1, "node-b", master.Ref, "10.0.0.2", lastEpoch: 2)).IsMaster);
        Assert.Equal(1L, Ask<BrokerGroupAssignment>(recovered, Join(2, "node-c", follower.Ref, "10.0.0.3", lastEpoch: 2)).MasterBrokerId);
        Sys.Stop(master.Ref);

        var elected = follower.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal((true, 2L, 3, 0L), (elected.IsMaster, elected.MasterBrokerId, elected.MasterEpoch, elected.RouteBrokerId));
        Assert.Equal("2", string.Join(",", elected.SyncStateSet!.Members));
    }

    [Fact]
    public void MasterElectedButNeverTold_TakesUpItsPostAfterAControllerRestart_AnEmptyStoreUnderItsIdDoesNot()
    {
        var controller = StartController();
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", CreateTestProbe().Ref, lastEpoch: 0));
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2", lastEpoch: 1));
        Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, 1, [0, 1]));
        Assert.Equal(2, Ask<MasterElected>(controller, new ElectMaster("broker-a", 1)).MasterEpoch);
        StopController(controller);

        // Member 1's broker restarts before its store started epoch 2 (the news was lost with the old controller's node).
        var recovered = StartController();
        var emptyStore = Ask<ControlRefused>(recovered, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2", lastEpoch: 0));
        Assert.Contains("holds no record of master epoch 2 (its last epoch is 0)", emptyStore.Reason);

        var master = Ask<BrokerGroupAssignment>(recovered, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2", lastEpoch: 1));

        Assert.Equal((true, 1L, 2, 0L), (master.IsMaster, master.MasterBrokerId, master.MasterEpoch, master.RouteBrokerId));
    }

    [Fact]
    public void NewControllerInstance_ElectsWhenAnInSyncMemberJoins_IfTheRecordedMastersNodeIsGone()
    {
        var controller = StartController();
        var follower = CreateTestProbe();
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", CreateTestProbe().Ref) with { NodeAddress = Elsewhere });
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", follower.Ref, "10.0.0.2"));
        Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, 1, [0, 1]));
        StopController(controller);

        // The controller moved while its master's node went away: nothing is elected before a candidate joins.
        var recovered = StartController();
        var before = Ask<SyncStateSetState>(recovered, new GetSyncStateSet("broker-a"));
        Assert.Equal(-1L, before.MasterMemberId);
        Assert.Equal("master 0 of broker-a is offline; no in-sync member of broker-a is online; in-sync set [0, 1]; unclean election is off", before.NoMasterReason);

        var joined = Ask<BrokerGroupAssignment>(recovered, Join(1, "node-b", follower.Ref, "10.0.0.2", lastEpoch: 1));

        Assert.Equal((true, 1L, 2, 0L), (joined.IsMaster, joined.MasterBrokerId, joined.MasterEpoch, joined.RouteBrokerId));
        var after = Ask<SyncStateSetState>(recovered, new GetSyncStateSet("broker-a"));
        Assert.Equal((1L, (string?)null, "1"), (after.MasterMemberId, after.NoMasterReason, string.Join(",", after.Set.Members)));
    }

    [Fact]
    public async Task JournalOfTheEarlierLayout_Recovers_WithTheMasterAloneInSync()
    {
        await LegacyControllerJournal.WriteAsync(ControlDirectory, [
            ("CJ1", """{"cluster":"C1","group":"broker-a","brokerId":0,"nodeName":"node-a","nodeAddress":"NODE","brokerAddress":"10.0.0.1:10911","replicationAddress":"10.0.0.1:10912"}""".Replace("NODE", NodeAddress)),
            ("CJ1", """{"cluster":"C1","group":"broker-a","brokerId":1,"nodeName":"node-b","nodeAddress":"NODE","brokerAddress":"10.0.0.2:10911","replicationAddress":"10.0.0.2:10912"}""".Replace("NODE", NodeAddress)),
            ("CM1", """{"group":"broker-a","masterBrokerId":0,"masterEpoch":3,"masterNodeName":"node-a"}"""),
        ]);

        var controller = StartController();

        var state = Ask<SyncStateSetState>(controller, new GetSyncStateSet("broker-a"));
        Assert.Equal((0L, 3, 0, "0"), (state.MasterMemberId, state.Set.MasterEpoch, state.Set.SyncStateSetEpoch, string.Join(",", state.Set.Members)));
        Assert.Equal([0L, 1L], state.Members.Select(m => m.BrokerId));
        Assert.Equal(1, Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 3, 0, [0, 1])).Set.SyncStateSetEpoch);
    }

    [Fact]
    public async Task SnapshotOfTheEarlierLayout_Recovers_WithTheMasterAloneInSync_AndLaterEventsApply()
    {
        var member = """{"brokerId":0,"nodeName":"node-a","nodeAddress":"NODE","brokerAddress":"10.0.0.1:10911","replicationAddress":"10.0.0.1:10912"}""";
        await LegacyControllerJournal.WriteAsync(
            ControlDirectory,
            [("CJ1", """{"cluster":"C1","group":"broker-a","brokerId":0,"nodeName":"node-a","nodeAddress":"NODE","brokerAddress":"10.0.0.1:10911","replicationAddress":"10.0.0.1:10912"}""".Replace("NODE", NodeAddress))],
            ("CS1", ("""{"groups":[{"cluster":"C1","group":"broker-a","masterBrokerId":0,"masterEpoch":2,"masterNodeName":"node-a","members":[""" + member + "]}]}").Replace("NODE", NodeAddress)));
        await LegacyControllerJournal.WriteAsync(ControlDirectory, [
            ("CJ1", """{"cluster":"C1","group":"broker-a","brokerId":1,"nodeName":"node-b","nodeAddress":"NODE","brokerAddress":"10.0.0.2:10911","replicationAddress":"10.0.0.2:10912"}""".Replace("NODE", NodeAddress)),
        ]);

        var controller = StartController();

        var state = Ask<SyncStateSetState>(controller, new GetSyncStateSet("broker-a"));
        Assert.Equal((0L, 2, 0, "0"), (state.MasterMemberId, state.Set.MasterEpoch, state.Set.SyncStateSetEpoch, string.Join(",", state.Set.Members)));
        Assert.Equal(["node-a", "node-b"], state.Members.Select(m => m.NodeName));
    }
}
