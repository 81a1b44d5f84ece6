using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Cluster.Tests.Routing;

/// <summary>The replica asks the registry at start and again every interval, so a table it was never sent still arrives.</summary>
public sealed class RouteReplicaActorTests : Akka.TestKit.Xunit2.TestKit
{
    public RouteReplicaActorTests()
        : base(ClusterNodes.Settings.WithFallback(ControlStatePersistence.Serialization).WithFallback(ControlPlane.DefaultConfig))
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
    }

    [Fact]
    public void MissedPublish_IsHealedByThePeriodicAsk()
    {
        var registry = CreateTestProbe();
        var feed = new RouteTableFeed(RouteTable.Empty);
        var v1 = RouteTable.Empty.WithKv("ns", "k", "1");
        var v2 = v1.WithKv("ns", "k", "2");

        var replica = Sys.ActorOf(RouteReplicaActor.Props(feed, registry.Ref, NullLogger.Instance, TimeSpan.FromMilliseconds(300)));

        registry.ExpectMsg<GetRouteTable>(TimeSpan.FromSeconds(5));
        registry.Reply(v1);
        AwaitCondition(() => feed.Current.Version == v1.Version, TimeSpan.FromSeconds(5));
        registry.ExpectMsg<GetRouteTable>(TimeSpan.FromSeconds(5));
        registry.Reply(v2);
        AwaitCondition(() => feed.Current.FindKv("ns", "k") == "2", TimeSpan.FromSeconds(5));

        // An older table answered late never replaces the newer one.
        registry.ExpectMsg<GetRouteTable>(TimeSpan.FromSeconds(5));
        registry.Reply(v1);
        registry.ExpectMsg<GetRouteTable>(TimeSpan.FromSeconds(5));
        Assert.Equal("2", feed.Current.FindKv("ns", "k"));
        Sys.Stop(replica);
    }
}
