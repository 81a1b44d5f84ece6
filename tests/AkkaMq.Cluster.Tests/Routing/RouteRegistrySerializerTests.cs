using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Akka.Serialization;
using AkkaMq.Cluster.Routing;
using AkkaMq.Cluster.Tests.Support;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class RouteRegistrySerializerTests : RegistryTestKit
{
    private static readonly TopicConfig Tbw = new("TBW102", 8, 4, Perm.ReadWrite | Perm.Inherit, TopicFilterType.MultiTag, 1, Order: true);

    private static readonly RouteTable Table = RouteTable.Empty
        .WithGroup(new BrokerGroup("DefaultCluster", "broker-a", ImmutableSortedDictionary<long, string>.Empty.Add(0, "127.0.0.1:10911").Add(1, "127.0.0.2:10911")))
        .WithTopic("broker-a", Tbw)
        .WithKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:4");

    public static TheoryData<IRouteRegistryEvent, string, string> Events => new()
    {
        {
            new TopicUpserted("broker-a", Tbw), "TU1",
            """{"group":"broker-a","topicName":"TBW102","readQueueNums":8,"writeQueueNums":4,"perm":7,"filterType":"MULTI_TAG","topicSysFlag":1,"order":true}"""
        },
        { new TopicDeleted("Orders"), "TD1", """{"topic":"Orders"}""" },
        {
            new BrokerMemberRegistered("DefaultCluster", "broker-a", 1, "127.0.0.2:10911"), "BM2",
            """{"cluster":"DefaultCluster","group":"broker-a","brokerId":1,"address":"127.0.0.2:10911","nodeAddress":null}"""
        },
        {
            new BrokerMemberRegistered("DefaultCluster", "broker-a", 1, "127.0.0.2:10911", "akka.tcp://C@127.0.0.2:2552"), "BM2",
            """{"cluster":"DefaultCluster","group":"broker-a","brokerId":1,"address":"127.0.0.2:10911","nodeAddress":"akka.tcp://C@127.0.0.2:2552"}"""
        },
        { new KvPut("ns", "k", "v"), "KP1", """{"namespace":"ns","key":"k","value":"v"}""" },
        { new KvDeleted("ns", "k"), "KD1", """{"namespace":"ns","key":"k"}""" },
        { new BrokerWritePermChanged("broker-a", false), "BW1", """{"group":"broker-a","writable":false}""" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_IsBoundToTheSerializer_WithAFixedManifestAndLayout(IRouteRegistryEvent e, string manifest, string json)
    {
        var serializer = Assert.IsType<RouteRegistrySerializer>(Sys.Serialization.FindSerializerFor(e));

        var bytes = serializer.ToBinary(e);

        Assert.Equal(4711, serializer.Identifier);
        Assert.Equal(manifest, Serialization.ManifestFor(serializer, e));
        Assert.Equal(json, Encoding.UTF8.GetString(bytes));
        Assert.Equal(e, serializer.FromBinary(bytes, manifest));
    }

    [Fact]
    public void MemberEventWrittenBeforeNodeAddresses_StillDecodes_WithoutOne()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new TopicDeleted("x"));
        var old = Encoding.UTF8.GetBytes("""{"cluster":"DefaultCluster","group":"broker-a","brokerId":1,"address":"127.0.0.2:10911"}""");

        Assert.Equal(new BrokerMemberRegistered("DefaultCluster", "broker-a", 1, "127.0.0.2:10911"), serializer.FromBinary(old, "BM1"));
    }

    [Fact]
    public void SnapshotAndImport_RoundTripTheWholeTable()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new RouteRegistrySnapshot(Table));

        var snapshot = (RouteRegistrySnapshot)serializer.FromBinary(serializer.ToBinary(new RouteRegistrySnapshot(Table)), "RS1");
        var imported = (RouteTableImported)serializer.FromBinary(serializer.ToBinary(new RouteTableImported(Table)), "RI1");

        Assert.Equal("RS1", serializer.Manifest(new RouteRegistrySnapshot(Table)));
        Assert.Equal("RI1", serializer.Manifest(new RouteTableImported(Table)));
        AssertSameTable(Table, snapshot.Table);
        AssertSameTable(Table, imported.Table);
    }

    [Fact]
    public void UnknownManifest_IsRefused()
    {
        var serializer = new RouteRegistrySerializer((Akka.Actor.ExtendedActorSystem)Sys);

        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "XX9"));

        Assert.Contains("unknown manifest 'XX9'", e.Message);
    }

    [Theory]
    [InlineData("KP1", "{\"namespace\":\"ns\",\"key\":\"k\"}")]
    [InlineData("BM1", "{\"cluster\":\"c\",\"group\":\"g\",\"brokerId\":\"x\",\"address\":\"a\"}")]
    [InlineData("TD1", "{\"topic\":null}")]
    [InlineData("TU1", "[1,2")]
    [InlineData("RS1", "{}")]
    public void DamagedRecord_IsRefused_NamingTheManifest(string manifest, string json)
    {
        var serializer = new RouteRegistrySerializer((Akka.Actor.ExtendedActorSystem)Sys);

        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest));

        Assert.Contains($"damaged '{manifest}' record", e.Message);
    }

    [Fact]
    public void OtherTypes_AreNotWritten()
    {
        var serializer = new RouteRegistrySerializer((Akka.Actor.ExtendedActorSystem)Sys);

        Assert.Throws<ArgumentException>(() => serializer.ToBinary("a string"));
        Assert.Throws<ArgumentException>(() => serializer.Manifest(GetRouteTable.Instance));
    }

    /// <summary>The codec writes groups, topics and KV in sorted order, so equal tables encode to equal text.</summary>
    private static void AssertSameTable(RouteTable expected, RouteTable actual) =>
        Assert.Equal(Encoding.UTF8.GetString(RouteTableCodec.Encode(expected)), Encoding.UTF8.GetString(RouteTableCodec.Encode(actual)));
}
