using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>
/// Two actor systems in one cluster; the link between them is cut with the remoting throttler's blackhole. The
/// controller elects as soon as the failure detector marks the master's node unreachable, without waiting for
/// the node to be removed (downing is off here, so it never is).
/// </summary>
public sealed class ControllerReachabilityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly Config Links = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp.applied-adapters = [trttl]
        akka.cluster.downing-provider-class = ""
        """);

    private readonly string _directory;

    public ControllerReachabilityTests()
        : this(Path.Combine(Path.GetTempPath(), "akkamq-reach-" + Guid.NewGuid().ToString("N")[..12]))
    {
    }

    private ControllerReachabilityTests(string directory)
        : base(Links.WithFallback(ClusterNodes.Settings).WithFallback(ControlStatePersistence.Sqlite(directory)))
    {
        _directory = directory;
    }

    [Fact]
    public async Task MasterNodeUnreachable_ElectsTheInSyncFollower_BeforeTheNodeIsRemoved()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        var other = ActorSystem.Create(Sys.Name, Links.WithFallback(ClusterNodes.Settings));
        try
        {
            Akka.Cluster.Cluster.Get(other).Join(cluster.SelfAddress);
            AwaitCondition(() => cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 2, Patience);
            var otherAddress = Akka.Cluster.Cluster.Get(other).SelfAddress;

            var controller = Sys.ActorOf(ControllerActor.Props(NullLogger.Instance));
            var follower = CreateTestProbe();
            controller.Tell(Join(0, "node-a", otherAddress.ToString(), CreateTestProbe().Ref), TestActor);
            Assert.True(ExpectMsg<BrokerGroupAssignment>(Patience).IsMaster);
            controller.Tell(Join(1, "node-b", cluster.SelfAddress.ToString(), follower.Ref), TestActor);
            ExpectMsg<BrokerGroupAssignment>(Patience);
            controller.Tell(new AlterSyncStateSet("broker-a", 0, 1, 1, [0, 1]), TestActor);
            ExpectMsg<SyncStateSetChanged>(Patience);
            follower.ExpectMsg<BrokerGroupAssignment>(Patience);

            var transport = ((RemoteActorRefProvider)((ExtendedActorSystem)Sys).Provider).Transport;
            var target = new Address("akka", otherAddress.System, otherAddress.Host, otherAddress.Port);
            Assert.True(await transport.ManagementCommand(new SetThrottle(target, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)).WaitAsync(Patience));

            var elected = follower.ExpectMsg<BrokerGroupAssignment>(Patience);
            Assert.Equal((true, 1L, 2), (elected.IsMaster, elected.MasterBrokerId, elected.MasterEpoch));
            controller.Tell(new GetControllerState("broker-a"), TestActor);
            var oldMaster = ExpectMsg<ControllerState>(Patience).Groups[0].Members[0];
            Assert.True(oldMaster.Online, "the old master's node is still a cluster member: it was unreachable, not removed");
            Assert.True(await transport.ManagementCommand(new SetThrottle(target, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance)).WaitAsync(Patience));
        }
        finally
        {
            Shutdown(other, TimeSpan.FromSeconds(10), verifySystemShutdown: false);
        }
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static JoinBrokerGroup Join(long id, string node, string nodeAddress, IActorRef member) =>
        new("C1", "broker-a", id, node, nodeAddress, $"10.0.0.{id + 1}:10911", $"10.0.0.{id + 1}:10912", 0, 0, member);
}
