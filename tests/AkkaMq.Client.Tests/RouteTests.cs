using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client.Tests;

public sealed class RouteTests
{
    private static TopicRouteData Route()
    {
        var route = new TopicRouteData();
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-b", ReadQueueNums = 2, WriteQueueNums = 3, Perm = 6 });
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-a", ReadQueueNums = 2, WriteQueueNums = 2, Perm = 6 });
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-ro", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 4 });
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-wo", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 2 });
        route.QueueDatas.Add(new QueueData { BrokerName = "broker-slave", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 6 });
        foreach (var name in new[] { "broker-a", "broker-b", "broker-ro", "broker-wo" })
        {
            route.BrokerDatas.Add(new BrokerData { BrokerName = name, BrokerAddrs = { [0] = name + ":10911" } });
        }

        route.BrokerDatas.Add(new BrokerData { BrokerName = "broker-slave", BrokerAddrs = { [1] = "slave:10911" } });
        return route;
    }

    [Fact]
    public void PublishQueues_AreWritableMastersOnly_SortedByBroker()
    {
        var queues = TopicRoutes.PublishQueues("T", Route());
        Assert.Equal(
            ["broker-a/0", "broker-a/1", "broker-b/0", "broker-b/1", "broker-b/2", "broker-wo/0"],
            queues.Select(q => q.BrokerName + "/" + q.QueueId));
        Assert.All(queues, q => Assert.Equal("T", q.Topic));
    }

    [Fact]
    public void SubscribeQueues_AreReadableOnes_Sorted()
    {
        var queues = TopicRoutes.SubscribeQueues("T", Route());
        Assert.Equal(
            ["broker-a/0", "broker-a/1", "broker-b/0", "broker-b/1", "broker-ro/0", "broker-slave/0"],
            queues.Select(q => q.BrokerName + "/" + q.QueueId));
    }

    [Fact]
    public void PublishQueues_ComeFromOrderTopicConf_WhenPresent()
    {
        var route = Route();
        route.OrderTopicConf = "broker-x:2;broker-y:1";
        var queues = TopicRoutes.PublishQueues("T", route);
        Assert.Equal(["broker-x/0", "broker-x/1", "broker-y/0"], queues.Select(q => q.BrokerName + "/" + q.QueueId));
    }

    [Fact]
    public void SelectOneMessageQueue_RoundRobins()
    {
        var info = new TopicPublishInfo(TopicRoutes.PublishQueues("T", Route()), startIndex: -1 + 1000);
        var picked = Enumerable.Range(0, 12).Select(_ => info.SelectOneMessageQueue()).ToList();
        Assert.Equal(6, picked.Take(6).Distinct().Count());
        Assert.Equal(picked.Take(6), picked.Skip(6));
    }

    [Fact]
    public void SelectOneMessageQueue_SkipsLastFailedBroker()
    {
        var queues = new List<MessageQueue>
        {
            new("T", "a", 0), new("T", "a", 1), new("T", "a", 2), new("T", "b", 0),
        };
        var info = new TopicPublishInfo(queues, startIndex: 0);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal("b", info.SelectOneMessageQueue("a").BrokerName);
            Assert.Equal("a", info.SelectOneMessageQueue("b").BrokerName);
        }
    }

    [Fact]
    public void SelectOneMessageQueue_FallsBackToRoundRobin_WhenOnlyFailedBrokerHasQueues()
    {
        var info = new TopicPublishInfo([new("T", "a", 0), new("T", "a", 1)], startIndex: 0);
        Assert.Equal("a", info.SelectOneMessageQueue("a").BrokerName);
    }

    [Fact]
    public void CompareQueues_OrdersByTopicBrokerQueue()
    {
        var list = new List<MessageQueue> { new("T2", "a", 0), new("T1", "b", 0), new("T1", "a", 10), new("T1", "a", 2) };
        list.Sort(TopicRoutes.CompareQueues);
        Assert.Equal(["T1/a/2", "T1/a/10", "T1/b/0", "T2/a/0"], list.Select(q => q.Topic + "/" + q.BrokerName + "/" + q.QueueId));
    }

    [Theory]
    [InlineData("TagA", 2598919)]
    [InlineData("TagB", 2598920)]
    [InlineData("hello", 99162322)]
    [InlineData("polygenelubricants", int.MinValue)]
    [InlineData("", 0)]
    [InlineData("é", 233)]
    [InlineData("中文标签", 622041809)]
    public void JavaHash_MatchesStringHashCode(string text, int expected)
    {
        Assert.Equal(expected, JavaHash.StringHashCode(text));
    }

    [Fact]
    public void Subscription_ParsesTagsWithCodes()
    {
        var sub = BrokerCalls.BuildSubscription("T", " TagA || TagB ||TagA");
        Assert.Equal(["TagA", "TagB"], sub.TagsSet);
        Assert.Equal([2598919, 2598920], sub.CodeSet);
        Assert.Equal("TAG", sub.ExpressionType);
        var all = BrokerCalls.BuildSubscription("T", "*");
        Assert.Empty(all.TagsSet);
        Assert.Equal("*", all.SubString);
    }
}
