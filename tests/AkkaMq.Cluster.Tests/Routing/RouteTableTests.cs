using System.Collections.Immutable;
using AkkaMq.Cluster.Routing;

namespace AkkaMq.Cluster.Tests.Routing;

public sealed class RouteTableTests
{
    private static readonly TopicConfig Orders = new("Orders", 4, 4, Perm.ReadWrite);

    [Fact]
    public void WithTopic_AddsPerGroupConfig_AndBumpsVersion()
    {
        var table = RouteTable.Empty.WithTopic("broker-a", Orders).WithTopic("broker-b", Orders with { WriteQueueNums = 2 });

        Assert.Equal(2, table.Version);
        Assert.Equal(4, table.FindTopic("Orders", "broker-a")!.WriteQueueNums);
        Assert.Equal(2, table.FindTopic("Orders", "broker-b")!.WriteQueueNums);
        Assert.Null(table.FindTopic("Orders", "broker-c"));
    }

    [Fact]
    public void Changes_LeaveEarlierSnapshotsUntouched()
    {
        var before = RouteTable.Empty.WithTopic("broker-a", Orders);

        var after = before.WithoutTopic("Orders").WithKv("ns", "k", "v");

        Assert.NotNull(before.FindTopic("Orders", "broker-a"));
        Assert.Null(before.FindKv("ns", "k"));
        Assert.Null(after.FindTopic("Orders", "broker-a"));
        Assert.Equal("v", after.FindKv("ns", "k"));
    }

    [Fact]
    public void WithoutKv_DropsEmptyNamespace_AndIgnoresMissingKey()
    {
        var table = RouteTable.Empty.WithKv("ns", "k", "v");

        var removed = table.WithoutKv("ns", "k");

        Assert.False(removed.Kv.ContainsKey("ns"));
        Assert.Same(removed, removed.WithoutKv("ns", "absent"));
    }

    [Fact]
    public void Codec_RoundTripsEveryPart()
    {
        var table = RouteTable.Empty
            .WithGroup(new BrokerGroup("DefaultCluster", "broker-a", ImmutableSortedDictionary<long, string>.Empty.Add(0, "127.0.0.1:10911").Add(1, "127.0.0.2:10911")))
            .WithTopic("broker-a", Orders)
            .WithTopic("broker-a", new TopicConfig("TBW102", 8, 8, Perm.ReadWrite | Perm.Inherit, TopicFilterType.MultiTag, 1, Order: true))
            .WithKv("ORDER_TOPIC_CONFIG", "Orders", "broker-a:4");

        var decoded = RouteTableCodec.Decode(RouteTableCodec.Encode(table), "test");

        Assert.Equal(table.Version, decoded.Version);
        Assert.Equal(table.Groups["broker-a"].ClusterName, decoded.Groups["broker-a"].ClusterName);
        Assert.Equal(table.Groups["broker-a"].Addresses, decoded.Groups["broker-a"].Addresses);
        Assert.Equal(table.FindTopic("TBW102", "broker-a"), decoded.FindTopic("TBW102", "broker-a"));
        Assert.Equal(Orders, decoded.FindTopic("Orders", "broker-a"));
        Assert.Equal("broker-a:4", decoded.FindKv("ORDER_TOPIC_CONFIG", "Orders"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"version\":1,\"groups\":[{\"cluster\":\"c\"}],\"topics\":[],\"kv\":{}}")]
    [InlineData("not json")]
    public void Codec_RejectsDamagedDocument_NamingTheOrigin(string json)
    {
        var e = Assert.Throws<FormatException>(() => RouteTableCodec.Decode(System.Text.Encoding.UTF8.GetBytes(json), "route-table.json"));

        Assert.StartsWith("route-table.json:", e.Message);
    }

    [Theory]
    [InlineData("Orders", true)]
    [InlineData("%RETRY%group-1", true)]
    [InlineData("a|b_c-d", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("dot.ted", false)]
    public void TopicNames_FollowRocketMqCharacterRules(string topic, bool valid)
    {
        Assert.Equal(valid, TopicNames.Validate(topic) is null);
    }

    [Fact]
    public void TopicNames_RejectsMoreThan127Characters()
    {
        Assert.Null(TopicNames.Validate(new string('a', 127)));
        Assert.NotNull(TopicNames.Validate(new string('a', 128)));
    }
}
