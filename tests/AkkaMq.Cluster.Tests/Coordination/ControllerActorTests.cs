using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>The controller on a one-node cluster: first master, epochs, refusals and recovery.</summary>
public sealed class ControllerActorTests : ControllerTestKit
{
    [Fact]
    public void ConfiguredMaster_GetsEpochOne_KeepsItOnRejoin_AndSlavesLearnTheMaster()
    {
        var controller = StartController();
        var master = CreateTestProbe();

        var first = Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", master.Ref));
        Assert.Equal(new BrokerGroupAssignment("broker-a", 0, true, 0, "10.0.0.1:10911", "10.0.0.1:10912", 1), Plain(first));
        Assert.Equal(1, Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", master.Ref)).MasterEpoch);

        var slave = Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2"));
        Assert.Equal(new BrokerGroupAssignment("broker-a", 1, false, 0, "10.0.0.1:10911", "10.0.0.1:10912", 1), Plain(slave));

        var state = Ask<ControllerState>(controller, new GetControllerState());
        var group = Assert.Single(state.Groups);
        Assert.Equal(("broker-a", 0L, 1), (group.Group, group.MasterBrokerId, group.MasterEpoch));
        Assert.Equal([0L, 1L], group.Members.Select(m => m.BrokerId));
        Assert.All(group.Members, m => Assert.True(m.Online));
        master.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void SlaveJoiningFirst_LearnsThereIsNoMasterYet_ThenIsToldWhenOneJoins()
    {
        var controller = StartController();
        var slave = CreateTestProbe();

        var alone = Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", slave.Ref, "10.0.0.2"));
        Assert.Null(alone.MasterBrokerAddress);
        Assert.Equal((-1L, 0, false), (alone.MasterBrokerId, alone.MasterEpoch, alone.IsMaster));

        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", CreateTestProbe().Ref));
        var told = slave.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal(new BrokerGroupAssignment("broker-a", 1, false, 0, "10.0.0.1:10911", "10.0.0.1:10912", 1), Plain(told));
    }

    [Fact]
    public void DuplicateBrokerIdOfALiveNode_IsRefused_ADifferentNodeClaimingIdZeroLater_BumpsTheEpoch()
    {
        var controller = StartController();
        var oldMaster = CreateTestProbe();
        var slave = CreateTestProbe();
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", oldMaster.Ref));
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", slave.Ref, "10.0.0.2"));

        var refused = Ask<ControlRefused>(controller, Join(0, "node-c", CreateTestProbe().Ref, "10.0.0.3", lastEpoch: 1));
        Assert.Contains("broker id 0 of group broker-a is held by node node-a", refused.Reason);

        // The old master's member actor stops: the id is free for another node. That is a new store of the only
        // in-sync member id: it is elected under a new epoch.
        Sys.Stop(oldMaster.Ref);
        AwaitAssert(() => Assert.False(Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0].Members[0].Online), Patience);
        var takeover = Ask<BrokerGroupAssignment>(controller, Join(0, "node-c", CreateTestProbe().Ref, "10.0.0.3", lastEpoch: 1));
        Assert.Equal(new BrokerGroupAssignment("broker-a", 0, true, 0, "10.0.0.3:10911", "10.0.0.3:10912", 2), Plain(takeover));
        Assert.Equal(new BrokerGroupAssignment("broker-a", 1, false, 0, "10.0.0.3:10911", "10.0.0.3:10912", 2), Plain(slave.ExpectMsg<BrokerGroupAssignment>(Patience)));
    }

    [Fact]
    public void AStoreWithoutTheCurrentEpoch_IsNotMadeMaster_SoFollowersNeverDiscardTheirLog()
    {
        var controller = StartController();
        var oldMaster = CreateTestProbe();
        var slave = CreateTestProbe();
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", oldMaster.Ref));
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", slave.Ref, "10.0.0.2", lastEpoch: 1));
        Sys.Stop(oldMaster.Ref);
        AwaitAssert(() => Assert.False(Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0].Members[0].Online), Patience);

        // The master's disk was replaced: it comes back empty (no epoch), on the same node or another.
        foreach (var node in new[] { "node-a", "node-c" })
        {
            var refused = Ask<ControlRefused>(controller, Join(0, node, CreateTestProbe().Ref, "10.0.0.3"));
            Assert.Contains("holds no record of master epoch 1 (its last epoch is 0)", refused.Reason);
        }

        var group = Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0];
        Assert.Equal((0L, 1, "10.0.0.1:10911"), (group.MasterBrokerId, group.MasterEpoch, group.Members[0].BrokerAddress));
        slave.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void ANewMaster_GetsAnEpochPastTheOneItsStoreHolds_WhenTheControlStateWasLost()
    {
        var controller = StartController();

        var assignment = Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", CreateTestProbe().Ref, lastEpoch: 4));

        Assert.Equal((true, 5), (assignment.IsMaster, assignment.MasterEpoch));
    }

    [Fact]
    public void ProgressUnderAStaleEpoch_IsRefusedWithTheReason_CurrentEpochIsAccepted()
    {
        var controller = StartController();
        var first = CreateTestProbe();
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", first.Ref));
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2"));
        Sys.Stop(first.Ref);
        AwaitAssert(() => Assert.False(Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0].Members[0].Online), Patience);
        Assert.Equal(2, Ask<BrokerGroupAssignment>(controller, Join(0, "node-c", CreateTestProbe().Ref, "10.0.0.3", lastEpoch: 1)).MasterEpoch);

        Assert.Equal("stale master epoch 1, current 2", Ask<ControlRefused>(controller, new ReportReplicaProgress("broker-a", 1, 1, 500, 400)).Reason);
        Assert.Equal(ControlAccepted.Instance, Ask<ControlAccepted>(controller, new ReportReplicaProgress("broker-a", 1, 2, 800, 700)));
        Assert.Contains("unknown broker group", Ask<ControlRefused>(controller, new ReportReplicaProgress("nope", 1, 2, 1, 1)).Reason);
        Assert.Contains("has not joined", Ask<ControlRefused>(controller, new ReportReplicaProgress("broker-a", 7, 2, 1, 1)).Reason);

        var member = Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0].Members.Single(m => m.BrokerId == 1);
        Assert.Equal((800L, 700L), (member.WrittenOffset, member.FlushedOffset));
    }

    [Fact]
    public void NewControllerInstance_RecoversMembersMasterAndEpochFromTheJournal()
    {
        var controller = StartController(snapshotInterval: 2);
        var first = CreateTestProbe();
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", first.Ref));
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2"));
        Sys.Stop(first.Ref);
        AwaitAssert(() => Assert.False(Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0].Members[0].Online), Patience);
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-c", CreateTestProbe().Ref, "10.0.0.3", lastEpoch: 1));
        Watch(controller);
        Sys.Stop(controller);
        ExpectTerminated(controller, Patience);

        var recovered = StartController(snapshotInterval: 2);
        var group = Ask<ControllerState>(recovered, new GetControllerState("broker-a")).Groups.Single();
        Assert.Equal((0L, 2), (group.MasterBrokerId, group.MasterEpoch));
        Assert.Equal(["node-c", "node-b"], group.Members.Select(m => m.NodeName));
        Assert.Equal("10.0.0.3:10912", group.Members[0].ReplicationAddress);

        // The same node joining again (its store started epoch 2) keeps the recovered epoch.
        Assert.Equal(2, Ask<BrokerGroupAssignment>(recovered, Join(0, "node-c", CreateTestProbe().Ref, "10.0.0.3", lastEpoch: 2)).MasterEpoch);
    }

    [Fact]
    public void JoinWithoutRequiredFields_IsRefused()
    {
        var controller = StartController();
        var bad = Join(0, "node-a", CreateTestProbe().Ref) with { Group = "" };
        Assert.Contains("must be given", Ask<ControlRefused>(controller, bad).Reason);
        Assert.Contains("broker id must be 0 or more", Ask<ControlRefused>(controller, Join(-1, "node-a", CreateTestProbe().Ref)).Reason);
    }
}
