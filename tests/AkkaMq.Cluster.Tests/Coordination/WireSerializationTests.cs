using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Akka.Serialization;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Coordination;

/// <summary>
/// Every message that crosses nodes survives the wire as a node's configuration serializes it: route
/// tables (and results carrying one) through the registry's explicit codec, the rest through Hyperion;
/// the controller's stored events through its own codec with fixed manifests.
/// </summary>
public sealed class WireSerializationTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly RouteTable Table = RouteTable.Empty
        .WithGroup(new BrokerGroup(
            "C1", "broker-a", ImmutableSortedDictionary<long, string>.Empty.Add(0, "10.0.0.1:10911").Add(1, "10.0.0.2:10911"),
            ImmutableSortedDictionary<long, string>.Empty.Add(0, "akka.tcp://C1@10.0.0.1:2552")))
        .WithTopic("broker-a", new TopicConfig("Orders", 8, 8, Perm.ReadWrite, TopicFilterType.SingleTag, 0, Order: true))
        .WithKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:8");

    public WireSerializationTests()
        : base(ClusterNodes.Settings.WithFallback(ControlStatePersistence.Serialization).WithFallback(ControlPlane.DefaultConfig))
    {
    }

    [Fact]
    public void RouteTableAndChangeResults_UseTheExplicitCodec()
    {
        Assert.Equal(Encode(Table), Encode((RouteTable)RoundTrip(Table, typeof(RouteRegistrySerializer), "RT1")));
        var accepted = (RouteChangeResult)RoundTrip(RouteChangeResult.Accepted(Table), typeof(RouteRegistrySerializer), "RC1");
        Assert.Equal(Encode(Table), Encode(accepted.Table!));
        Assert.Equal(RouteChangeResult.Rejected("topic X does not exist"), RoundTrip(RouteChangeResult.Rejected("topic X does not exist"), typeof(RouteRegistrySerializer), "RC1"));
    }

    public static TheoryData<object> HyperionMessages => new()
    {
        GetRouteTable.Instance,
        new UpsertTopic("broker-a", new TopicConfig("Orders", 4, 4, Perm.ReadWrite)),
        new DeleteTopic("Orders"),
        new RegisterBrokerMember("C1", "broker-a", 1, "10.0.0.2:10911", "akka.tcp://C1@10.0.0.2:2552"),
        new RegisterBrokerMember("C1", "broker-a", 0, "10.0.0.1:10911"),
        new PutKv("ns", "k", "v"),
        new DeleteKv("ns", "k"),
        new ChangeBrokerWritePerm("broker-a", false),
        new BrokerGroupAssignment("broker-a", 1, false, 0, "10.0.0.1:10911", "10.0.0.1:10912", 3),
        new BrokerGroupAssignment("broker-a", 1, false, -1, null, null, 0),
        new ReportReplicaProgress("broker-a", 1, 3, 1000, 900),
        ControlAccepted.Instance,
        new ControlRefused("stale master epoch 1, current 2"),
        new BrokerGroupAssignment("broker-a", 0, false, 2, "10.0.0.3:10911", "10.0.0.3:10912", 4)
        {
            RouteBrokerId = 2, SyncStateSet = new SyncStateSet(4, 7, [2, 1]),
        },
        new AlterSyncStateSet("broker-a", 0, 3, 5, [0, 1]),
        new SyncStateSetChanged("broker-a", new SyncStateSet(3, 6, [0, 1])),
        new ReportStoreFailure("broker-a", 0, 3, "read-only file system"),
        new ElectMaster("broker-a", 1),
        new ElectMaster("broker-a"),
        new MasterElected("broker-a", 1, 4, "10.0.0.2:10911", new SyncStateSet(4, 7, [1])),
        new GetSyncStateSet("broker-a"),
        new SyncStateSetState("broker-a", -1, null, new SyncStateSet(3, 6, [0]), [
            new BrokerMemberState(0, "node-a", "akka.tcp://C1@10.0.0.1:2552", "10.0.0.1:10911", "10.0.0.1:10912", false, 10, 9)], "master 0 of broker-a is offline"),
        new GetControllerState("broker-a"),
        new GetControllerState(),
        new ControllerState([new BrokerGroupState("broker-a", 0, 2, [
            new BrokerMemberState(0, "node-a", "akka.tcp://C1@10.0.0.1:2552", "10.0.0.1:10911", "10.0.0.1:10912", true, 10, 9),
            new BrokerMemberState(1, "node-b", "akka.tcp://C1@10.0.0.2:2552", "10.0.0.2:10911", "10.0.0.2:10912", false, 0, 0)])]),
    };

    [Theory]
    [MemberData(nameof(HyperionMessages))]
    public void ControlMessage_RoundTripsThroughHyperion(object message)
    {
        var back = RoundTrip(message, typeof(Akka.Serialization.HyperionSerializer), null);

        Assert.Equal(JsonSerializer.Serialize(message, message.GetType()), JsonSerializer.Serialize(back, back.GetType()));
    }

    [Fact]
    public void JoinBrokerGroup_KeepsItsMemberActorReference()
    {
        var member = CreateTestProbe().Ref;
        var join = new JoinBrokerGroup("C1", "broker-a", 0, "node-a", "akka.tcp://C1@10.0.0.1:2552", "10.0.0.1:10911", "10.0.0.1:10912", 4096, 2, member);

        var back = (JoinBrokerGroup)RoundTrip(join, typeof(Akka.Serialization.HyperionSerializer), null);

        Assert.Equal(join, back);
        Assert.Equal(member.Path, back.Member.Path);
    }

    public static TheoryData<object, string, string> ControllerRecords => new()
    {
        {
            new BrokerMemberJoined("C1", "broker-a", 1, "node-b", "akka.tcp://C1@10.0.0.2:2552", "10.0.0.2:10911", "10.0.0.2:10912"), "CJ1",
            """{"cluster":"C1","group":"broker-a","brokerId":1,"nodeName":"node-b","nodeAddress":"akka.tcp://C1@10.0.0.2:2552","brokerAddress":"10.0.0.2:10911","replicationAddress":"10.0.0.2:10912"}"""
        },
        {
            new BrokerGroupMasterChanged("broker-a", 0, 3, "node-a") { MasterStoreEpoch = 2 }, "CM2",
            """{"group":"broker-a","masterBrokerId":0,"masterEpoch":3,"masterNodeName":"node-a","masterStoreEpoch":2}"""
        },
        {
            new BrokerSyncStateSetChanged("broker-a", 3, 5, [0, 2]), "CSS1",
            """{"group":"broker-a","masterEpoch":3,"syncStateSetEpoch":5,"members":[0,2]}"""
        },
    };

    [Theory]
    [MemberData(nameof(ControllerRecords))]
    public void ControllerEvent_HasItsOwnSerializer_FixedManifestAndLayout(object e, string manifest, string json)
    {
        var serializer = Assert.IsType<ControllerSerializer>(Sys.Serialization.FindSerializerFor(e));
        var bytes = serializer.ToBinary(e);

        Assert.Equal(4712, serializer.Identifier);
        Assert.Equal(manifest, Serialization.ManifestFor(serializer, e));
        Assert.Equal(json, Encoding.UTF8.GetString(bytes));
        Assert.Equal(JsonSerializer.Serialize(e, e.GetType()), JsonSerializer.Serialize(serializer.FromBinary(bytes, manifest), e.GetType()));
    }

    [Fact]
    public void EarlierLayouts_AreRead_SnapshotWithTheMasterAloneInSync()
    {
        var master = (BrokerGroupMasterChanged)((ControllerSerializer)Sys.Serialization.FindSerializerForType(typeof(BrokerGroupMasterChanged))).FromBinary(
            Encoding.UTF8.GetBytes("""{"group":"broker-a","masterBrokerId":0,"masterEpoch":3,"masterNodeName":"node-a"}"""), "CM1");
        Assert.Equal(("broker-a", 0L, 3, "node-a", -1), (master.Group, master.MasterBrokerId, master.MasterEpoch, master.MasterNodeName, master.MasterStoreEpoch));

        var serializer = (ControllerSerializer)Sys.Serialization.FindSerializerForType(typeof(ControllerSnapshot));
        var bytes = Encoding.UTF8.GetBytes("""{"groups":[{"cluster":"C1","group":"broker-a","masterBrokerId":0,"masterEpoch":2,"masterNodeName":"node-a","members":[]}]}""");

        var group = Assert.Single(((ControllerSnapshot)serializer.FromBinary(bytes, "CS1")).Groups);

        Assert.Equal(("broker-a", 0L, 2, "node-a"), (group.Group, group.MasterBrokerId, group.MasterEpoch, group.MasterNodeName));
        Assert.Null(group.SyncStateSet);
        Assert.Contains("unknown manifest", Assert.ThrowsAny<Exception>(() => serializer.FromBinary(bytes, "CS9")).Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ControllerSnapshot_RoundTrips()
    {
        var snapshot = new ControllerSnapshot([
            new ControllerGroupRecord("C1", "broker-a", 0, 2, "node-a", [new ControllerMemberRecord(0, "node-a", "akka.tcp://C1@10.0.0.1:2552", "10.0.0.1:10911", "10.0.0.1:10912")])
            {
                SyncStateSet = [0, 1], SyncStateSetEpoch = 4, MasterStoreEpoch = 1,
            },
            new ControllerGroupRecord("C1", "broker-b", -1, 0, null, []) { SyncStateSet = [] }]);

        var back = RoundTrip(snapshot, typeof(ControllerSerializer), "CS2");

        Assert.Equal(JsonSerializer.Serialize(snapshot), JsonSerializer.Serialize((ControllerSnapshot)back));
    }

    private object RoundTrip(object message, Type serializerType, string? manifest)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType(serializerType, serializer);
        var bytes = serializer.ToBinary(message);
        if (serializer is SerializerWithStringManifest withManifest)
        {
            Assert.Equal(manifest, withManifest.Manifest(message));
            return withManifest.FromBinary(bytes, manifest!);
        }

        return serializer.FromBinary(bytes, message.GetType());
    }

    private static string Encode(RouteTable table) => Encoding.UTF8.GetString(RouteTableCodec.Encode(table));
}
