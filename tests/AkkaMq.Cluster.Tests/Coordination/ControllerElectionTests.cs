using Akka.Actor;
using Akka.TestKit;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>In-sync sets, their fencing, and elections on store failure, member loss and operator request.</summary>
public sealed class ControllerElectionTests : ControllerTestKit
{
    [Fact]
    public void MasterWidensTheInSyncSet_EveryMemberIsTold_AndTheSetSurvivesARestart()
    {
        var controller = StartController();
        var (m0, m1, m2) = JoinThree(controller);

        var changed = Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, 1, [2, 0, 1]));

        Assert.Equal((1, 2, "0,1,2"), (changed.Set.MasterEpoch, changed.Set.SyncStateSetEpoch, Ids(changed.Set.Members)));
        foreach (var (probe, id) in new[] { (m0, 0L), (m1, 1L), (m2, 2L) })
        {
            var told = probe.ExpectMsg<BrokerGroupAssignment>(Patience);
            Assert.Equal((id, 2, "0,1,2"), (told.BrokerId, told.SyncStateSet!.SyncStateSetEpoch, Ids(told.SyncStateSet.Members)));
        }

        StopController(controller);
        var state = Ask<SyncStateSetState>(StartController(), new GetSyncStateSet("broker-a"));
        Assert.Equal((0L, "10.0.0.1:10911", 2, "0,1,2"), (state.MasterMemberId, state.MasterBrokerAddress, state.Set.SyncStateSetEpoch, Ids(state.Set.Members)));
        Assert.Null(state.NoMasterReason);
    }

    [Fact]
    public void AlterSyncStateSet_IsFencedByBothEpochs_AndNeedsTheMasterAndJoinedMembers()
    {
        var controller = StartController();
        JoinThree(controller);

        string Refused(AlterSyncStateSet m) => Ask<ControlRefused>(controller, m).Reason;

        Assert.StartsWith("CONTROLLER_FENCED_MASTER_EPOCH: member 0 under master epoch 0", Refused(new("broker-a", 0, 0, 1, [0, 1])));
        Assert.StartsWith("CONTROLLER_FENCED_MASTER_EPOCH: member 1 under master epoch 1 is not the master", Refused(new("broker-a", 1, 1, 1, [0, 1])));
        Assert.StartsWith("CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: in-sync set epoch 0 of broker-a is not the current 1", Refused(new("broker-a", 0, 1, 0, [0, 1])));
        Assert.Contains("leaves out its master 0", Refused(new("broker-a", 0, 1, 1, [1, 2])));
        Assert.Contains("member 7 in the new in-sync set of broker-a has never joined", Refused(new("broker-a", 0, 1, 1, [0, 7])));
        Assert.Contains("member -3 in the new in-sync set of broker-a has never joined", Refused(new("broker-a", 0, 1, 1, [0, -3])));
        Assert.Contains("unknown broker group", Refused(new("nope", 0, 1, 1, [0])));

        // None of those changed anything: the set epoch the master knows still works.
        Assert.Equal(2, Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, 1, [0, 1])).Set.SyncStateSetEpoch);
        Assert.StartsWith("CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH", Refused(new("broker-a", 0, 1, 1, [0, 1, 2])));
    }

    [Fact]
    public void MasterStoreFailure_ElectsTheMostAdvancedInSyncFollower_AndEveryMemberLearnsItsRouteId()
    {
        var controller = StartController();
        var (m0, m1, m2) = JoinThree(controller);
        Widen(controller, [m0, m1, m2], [0, 1, 2]);
        Assert.Equal(ControlAccepted.Instance, Ask<ControlAccepted>(controller, new ReportReplicaProgress("broker-a", 1, 1, 500, 500)));
        Assert.Equal(ControlAccepted.Instance, Ask<ControlAccepted>(controller, new ReportReplicaProgress("broker-a", 2, 1, 800, 800)));

        Assert.Equal(ControlAccepted.Instance, Ask<ControlAccepted>(controller, new ReportStoreFailure("broker-a", 0, 1, "read-only file system")));

        var master = m2.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal((true, 2L, 2, 0L, "10.0.0.3:10911"), (master.IsMaster, master.MasterBrokerId, master.MasterEpoch, master.RouteBrokerId, master.MasterBrokerAddress));
        Assert.Equal((2, 3, "2"), (master.SyncStateSet!.MasterEpoch, master.SyncStateSet.SyncStateSetEpoch, Ids(master.SyncStateSet.Members)));
        var follower = m1.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal((false, 2L, 2, 1L), (follower.IsMaster, follower.MasterBrokerId, follower.MasterEpoch, follower.RouteBrokerId));
        var oldMaster = m0.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal((false, 2L, 2, 2L), (oldMaster.IsMaster, oldMaster.MasterBrokerId, oldMaster.MasterEpoch, oldMaster.RouteBrokerId));

        var state = Ask<SyncStateSetState>(controller, new GetSyncStateSet("broker-a"));
        Assert.Equal((2L, 2, "2"), (state.MasterMemberId, state.Set.MasterEpoch, Ids(state.Set.Members)));
        Assert.Contains("stale master epoch 1", Ask<ControlRefused>(controller, new ReportStoreFailure("broker-a", 2, 1, "late")).Reason);
    }

    [Fact]
    public void NoInSyncCandidate_KeepsTheMaster_AndSaysWhy_UncleanElectionElectsAnyOnlineMember()
    {
        foreach (var unclean in new[] { false, true })
        {
            var controller = StartController(options: new ControllerOptions(AllowUncleanElection: unclean));
            var group = "broker-" + (unclean ? "u" : "c");
            var m0 = CreateTestProbe();
            var m1 = CreateTestProbe();
            Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", m0.Ref) with { Group = group });
            Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", m1.Ref, "10.0.0.2") with { Group = group });

            Assert.Equal(ControlAccepted.Instance, Ask<ControlAccepted>(controller, new ReportStoreFailure(group, 0, 1, "disk gone")));

            var state = Ask<SyncStateSetState>(controller, new GetSyncStateSet(group));
            if (!unclean)
            {
                m1.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
                Assert.Equal((-1L, 1, "0"), (state.MasterMemberId, state.Set.MasterEpoch, Ids(state.Set.Members)));
                Assert.Equal(
                    $"the store of master 0 of {group} failed; no in-sync member of {group} is online; in-sync set [0]; unclean election is off",
                    state.NoMasterReason);
                Assert.Equal(0, Ask<ControllerState>(controller, new GetControllerState(group)).Groups[0].MasterBrokerId);
            }
            else
            {
                Assert.Equal((true, 2), (m1.ExpectMsg<BrokerGroupAssignment>(Patience).IsMaster, state.Set.MasterEpoch));
                Assert.Equal((1L, (string?)null), (state.MasterMemberId, state.NoMasterReason));
            }

            StopController(controller);
        }
    }

    [Fact]
    public void ElectMaster_SwitchesOverToAnInSyncFollower_TheOldMasterFollows_AndBadRequestsAreRefused()
    {
        var controller = StartController();
        var (m0, m1, m2) = JoinThree(controller);
        Widen(controller, [m0, m1, m2], [0, 1]);
        Assert.Contains("member 2 is not in the in-sync set [0, 1] of broker-a; unclean election is off", Ask<ControlRefused>(controller, new ElectMaster("broker-a", 2)).Reason);
        Assert.Contains("member 0 is already master of broker-a", Ask<ControlRefused>(controller, new ElectMaster("broker-a", 0)).Reason);
        Assert.Contains("member 9 has not joined broker-a", Ask<ControlRefused>(controller, new ElectMaster("broker-a", 9)).Reason);
        Assert.Contains("unknown broker group", Ask<ControlRefused>(controller, new ElectMaster("nope")).Reason);

        var elected = Ask<MasterElected>(controller, new ElectMaster("broker-a", 1));

        Assert.Equal(("broker-a", 1L, 2, "10.0.0.2:10911", "1"), (elected.Group, elected.MasterMemberId, elected.MasterEpoch, elected.MasterBrokerAddress, Ids(elected.Set.Members)));
        var oldMaster = m0.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal((false, 1L, 2, 1L, "10.0.0.2:10912"), (oldMaster.IsMaster, oldMaster.MasterBrokerId, oldMaster.MasterEpoch, oldMaster.RouteBrokerId, oldMaster.MasterReplicationAddress));
        Assert.True(m1.ExpectMsg<BrokerGroupAssignment>(Patience).IsMaster);
        Assert.Equal(1L, m2.ExpectMsg<BrokerGroupAssignment>(Patience).MasterBrokerId);

        // No other in-sync member: a switch-over without a target has nowhere to go.
        Assert.Contains("no in-sync member of broker-a other than 1 is online", Ask<ControlRefused>(controller, new ElectMaster("broker-a")).Reason);
    }

    [Fact]
    public void MemberZeroJoiningWhileAnotherMemberIsMaster_BecomesAFollower_TheMasterStays()
    {
        var controller = StartController();
        var (m0, m1, m2) = JoinThree(controller);
        Widen(controller, [m0, m1, m2], [0, 1]);
        Ask<MasterElected>(controller, new ElectMaster("broker-a", 1));
        m1.ExpectMsg<BrokerGroupAssignment>(Patience);
        Sys.Stop(m0.Ref);
        AwaitOffline(controller, 0);

        // Member 0 comes back with an empty store: it is no master's store, so it may follow and copy the log.
        var back = Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", CreateTestProbe().Ref));

        Assert.Equal((false, 1L, 2, 1L, "10.0.0.2:10911"), (back.IsMaster, back.MasterBrokerId, back.MasterEpoch, back.RouteBrokerId, back.MasterBrokerAddress));
        var group = Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0];
        Assert.Equal((1L, 2), (group.MasterBrokerId, group.MasterEpoch));
        m1.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void InSyncFollowerBackWithAnEmptyStore_LeavesTheSet_SoItCannotBeElected()
    {
        var controller = StartController();
        var (m0, m1, m2) = JoinThree(controller);
        Widen(controller, [m0, m1, m2], [0, 1]);
        Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", m0.Ref, lastEpoch: 1, maxOffset: 4096));

        // The same member actor asking again changes nothing; a new one with an empty store is out of sync.
        Assert.Equal("0,1", Ids(Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", m1.Ref, "10.0.0.2")).SyncStateSet!.Members));
        Sys.Stop(m1.Ref);
        AwaitOffline(controller, 1);
        var back = Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", CreateTestProbe().Ref, "10.0.0.2"));

        Assert.Equal((3, "0"), (back.SyncStateSet!.SyncStateSetEpoch, Ids(back.SyncStateSet.Members)));
        Assert.Equal("0", Ids(m0.ExpectMsg<BrokerGroupAssignment>(Patience).SyncStateSet!.Members));
        Assert.Contains("no in-sync member of broker-a other than 0", Ask<ControlRefused>(controller, new ElectMaster("broker-a")).Reason);
    }

    private static string Ids(IEnumerable<long> ids) => string.Join(",", ids);

    [Fact]
    public void ANodeStartedAgainWhereAnUnreachableOneWasRemoved_CanBeElected()
    {
        var controller = StartController();
        var m0 = CreateTestProbe();
        Assert.True(Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", m0.Ref, lastEpoch: 0)).IsMaster);
        var nodeB = new Address("akka.tcp", Sys.Name, "127.0.0.1", 2552);
        var m1 = CreateTestProbe();
        Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", m1.Ref, "10.0.0.2") with { NodeAddress = nodeB.ToString() });
        Widen(controller, [m0, m1], [0, 1]);

        // node-b stops: the failure detector marks it unreachable before it is removed (a graceful stop can do
        // that too). Its next incarnation comes back on the same address and catches up.
        var gone = ClusterMember(nodeB, Akka.Cluster.MemberStatus.Down);
        controller.Tell(new Akka.Cluster.ClusterEvent.UnreachableMember(gone), TestActor);
        controller.Tell(new Akka.Cluster.ClusterEvent.MemberRemoved(ClusterMember(nodeB, Akka.Cluster.MemberStatus.Removed), Akka.Cluster.MemberStatus.Down), TestActor);
        AwaitOffline(controller, 1);
        var again = CreateTestProbe();
        var set = Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", again.Ref, "10.0.0.2", lastEpoch: 1, maxOffset: 4096) with { NodeAddress = nodeB.ToString() }).SyncStateSet!;
        if (Ids(set.Members) != "0,1")
        {
            // Back in the in-sync set once the master sees it caught up.
            Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, set.SyncStateSetEpoch, [0, 1]));
            again.ExpectMsg<BrokerGroupAssignment>(Patience);
        }

        Assert.Equal(ControlAccepted.Instance, Ask<ControlAccepted>(controller, new ReportStoreFailure("broker-a", 0, 1, "read-only file system")));

        var elected = again.ExpectMsg<BrokerGroupAssignment>(Patience);
        Assert.Equal((true, 1L, 2), (elected.IsMaster, elected.MasterBrokerId, elected.MasterEpoch));
    }

    /// <summary>A cluster member as the cluster's events carry it (Akka.Cluster builds them internally only).</summary>
    private static Akka.Cluster.Member ClusterMember(Address address, Akka.Cluster.MemberStatus status)
    {
        var create = typeof(Akka.Cluster.Member).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static,
            [typeof(Akka.Cluster.UniqueAddress), typeof(int), typeof(Akka.Cluster.MemberStatus), typeof(System.Collections.Immutable.ImmutableHashSet<string>), typeof(Akka.Util.AppVersion)])
            ?? throw new InvalidOperationException("Akka.Cluster.Member.Create(UniqueAddress, int, MemberStatus, roles, AppVersion) is gone");
        return (Akka.Cluster.Member)create.Invoke(null, [new Akka.Cluster.UniqueAddress(address, 1), 1, status,
            System.Collections.Immutable.ImmutableHashSet.Create("broker"), Akka.Util.AppVersion.Zero])!;
    }

    private (TestProbe M0, TestProbe M1, TestProbe M2) JoinThree(IActorRef controller)
    {
        var probes = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Assert.True(Ask<BrokerGroupAssignment>(controller, Join(0, "node-a", probes.Item1.Ref, lastEpoch: 0)).IsMaster);
        Assert.False(Ask<BrokerGroupAssignment>(controller, Join(1, "node-b", probes.Item2.Ref, "10.0.0.2")).IsMaster);
        Assert.False(Ask<BrokerGroupAssignment>(controller, Join(2, "node-c", probes.Item3.Ref, "10.0.0.3")).IsMaster);
        return probes;
    }

    /// <summary>The master (member 0, epoch 1) sets the in-sync set to <paramref name="members"/>; the members' copies of the news are taken.</summary>
    private void Widen(IActorRef controller, TestProbe[] probes, long[] members)
    {
        Ask<SyncStateSetChanged>(controller, new AlterSyncStateSet("broker-a", 0, 1, 1, members));
        foreach (var probe in probes)
        {
            probe.ExpectMsg<BrokerGroupAssignment>(Patience);
        }
    }
}
