using Akka.Actor;
using AkkaMq.Cluster.Coordination;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Support;

/// <summary>
/// A one-node cluster whose control state lives in SQLite files of a directory of its own (deleted after the
/// test), with helpers to start controllers, join members (probes stand in for member actors) and ask.
/// </summary>
public abstract class ControllerTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected ControllerTestKit()
        : this(Path.Combine(Path.GetTempPath(), "akkamq-controller-" + Guid.NewGuid().ToString("N")[..12]))
    {
    }

    private ControllerTestKit(string directory)
        : base(ClusterNodes.Settings.WithFallback(ControlStatePersistence.Sqlite(directory)).WithFallback(ControlPlane.DefaultConfig))
    {
        ControlDirectory = directory;
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.State.Members.Any(m => m.Status == Akka.Cluster.MemberStatus.Up), Patience);
    }

    protected static TimeSpan Patience { get; } = TimeSpan.FromSeconds(10);

    protected string ControlDirectory { get; }

    protected string NodeAddress => Akka.Cluster.Cluster.Get(Sys).SelfAddress.ToString();

    protected IActorRef StartController(int snapshotInterval = 100, ControllerOptions? options = null) =>
        Sys.ActorOf(ControllerActor.Props(NullLogger.Instance, snapshotInterval, options));

    protected void StopController(IActorRef controller)
    {
        Watch(controller);
        Sys.Stop(controller);
        ExpectTerminated(controller, Patience);
        Unwatch(controller);
    }

    protected T Ask<T>(IActorRef controller, object message)
    {
        controller.Tell(message, TestActor);
        return ExpectMsg<T>(Patience);
    }

    /// <summary>The assignment without its in-sync set, to compare with one built from the positional fields (and the default route id).</summary>
    protected static BrokerGroupAssignment Plain(BrokerGroupAssignment assignment) => assignment with { SyncStateSet = null };

    protected JoinBrokerGroup Join(long id, string node, IActorRef member, string host = "10.0.0.1", int lastEpoch = 0, long maxOffset = 0) =>
        new("C1", "broker-a", id, node, NodeAddress, host + ":10911", host + ":10912", maxOffset, lastEpoch, member);

    /// <summary>Waits until the controller marks member <paramref name="id"/> of broker-a offline.</summary>
    protected void AwaitOffline(IActorRef controller, long id) => AwaitAssert(
        () => Assert.False(Ask<ControllerState>(controller, new GetControllerState("broker-a")).Groups[0].Members.Single(m => m.BrokerId == id).Online),
        Patience);

    protected override void AfterAll()
    {
        base.AfterAll();
        SqliteConnection.ClearAllPools();

        // The journal's last connections may still be closing (and SQLite removing its side files) just after
        // the system stopped: try again for a moment.
        for (var attempt = 1; Directory.Exists(ControlDirectory); attempt++)
        {
            try
            {
                Directory.Delete(ControlDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }
}
