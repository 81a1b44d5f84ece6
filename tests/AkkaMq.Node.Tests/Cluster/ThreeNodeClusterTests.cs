using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>The shipped layout (hocon/cluster): node-a master and node-b follower of broker-a, node-c master of broker-b.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public ClusterFixture Cluster { get; } = new("ThreeNodes");

    public async Task InitializeAsync()
    {
        await Cluster.StartNodeAsync("node-a", "broker-a", 0);
        await Task.WhenAll(
            Cluster.StartNodeAsync("node-b", "broker-a", 1),
            Cluster.StartNodeAsync("node-c", "broker-b", 0));
        await Cluster.WaitUntilEveryNameServerListsEveryBrokerAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Three nodes as <c>akkamq run</c> starts them, shared by tests that stop no node: routes reach every
/// nameserver, and broker-a's follower holds its master's log byte for byte and serves it.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ThreeNodeClusterTests(ThreeNodeCluster shared) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly ClusterFixture _cluster = shared.Cluster;

    [Fact]
    public async Task TopicCreatedThroughOneNode_IsRoutedByEveryNameServer_WithTheFollowerAsBrokerId1()
    {
        var (a, b, c) = (_cluster["node-a"], _cluster["node-b"], _cluster["node-c"]);
        await using (var admin = new AdminClient(_cluster.ClientOptions("create", c)))
        {
            var masters = await admin.CreateOrUpdateTopicInClusterAsync(_cluster.ClusterName, new TopicConfigOptions("EveryNode") { ReadQueueNums = 4, WriteQueueNums = 4 });
            Assert.Equal(new[] { a.BrokerAddress, c.BrokerAddress }.Order(), masters.Order());
        }

        foreach (var node in new[] { a, b, c })
        {
            await using var admin = new AdminClient(_cluster.ClientOptions("route", node));
            await ClusterFixture.WaitUntilAsync(
                async () =>
                {
                    var route = await admin.GetTopicRouteAsync("EveryNode");
                    var brokers = route.BrokerDatas.ToDictionary(d => d.BrokerName);
                    return brokers.Count == 2
                        && brokers["broker-a"].BrokerAddrs.Count == 2
                        && brokers["broker-a"].BrokerAddrs[0] == a.BrokerAddress
                        && brokers["broker-a"].BrokerAddrs[1] == b.BrokerAddress
                        && brokers["broker-b"].BrokerAddrs.SequenceEqual([KeyValuePair.Create(0L, c.BrokerAddress)])
                        && route.QueueDatas.Count == 2 && route.QueueDatas.All(q => q.ReadQueueNums == 4 && q.WriteQueueNums == 4);
                },
                $"{node.Name}'s nameserver routes EveryNode to broker-a {{0: {a.BrokerAddress}, 1: {b.BrokerAddress}}} and broker-b {{0: {c.BrokerAddress}}}",
                Deadline);
        }
    }

    [Fact]
    public async Task MessagesSentToTheMaster_AreOnTheFollowerByteForByte_AndPulledFromIt()
    {
        var (a, b) = (_cluster["node-a"], _cluster["node-b"]);
        const string topic = "Replicated";
        await using var admin = new AdminClient(_cluster.ClientOptions("replicated-admin"));
        await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 2, WriteQueueNums = 2 });
        await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, "Replicated routed", Deadline);

        var sent = new Dictionary<string, string>();
        await using (var producer = new Producer("replicated-producer", _cluster.ClientOptions("replicated-p")))
        {
            await producer.StartAsync();
            for (var i = 0; i < 40; i++)
            {
                var body = $"replicated-{i}-" + new string((char)('a' + (i % 26)), i * 7);
                var result = await producer.SendAsync(new Message(topic, "t", Encoding.UTF8.GetBytes(body)) { Keys = "k" + i });
                Assert.Equal(SendStatus.SendOk, result.Status);
                Assert.Equal("broker-a", result.MessageQueue.BrokerName);
                sent[body] = "k" + i;
            }
        }

        // The follower reaches the master's end; the log up to there is the same bytes.
        long end = 0;
        await ClusterFixture.WaitUntilAsync(
            async () =>
            {
                end = await BrokerProbe.CommitLogEndAsync(admin, a.BrokerAddress);
                return end > 0 && await BrokerProbe.CommitLogEndAsync(admin, b.BrokerAddress) == end;
            },
            "the follower's commit-log end equals the master's",
            Deadline);
        Assert.Equal(BrokerProbe.ReadCommitLog(a.CommitLogDir, end), BrokerProbe.ReadCommitLog(b.CommitLogDir, end));

        // Pulled from the follower's address: every message sent, with its body, keys and id.
        await using var probe = new BrokerProbe();
        var pulled = new List<MessageExt>();
        for (var queueId = 0; queueId < 2; queueId++)
        {
            pulled.AddRange(await probe.PullAllAsync(b.BrokerAddress, "broker-a", "replicated-reader", topic, queueId));
        }

        Assert.Equal(sent.Keys.Order(), pulled.Select(m => Encoding.UTF8.GetString(m.Body)).Order());
        foreach (var message in pulled)
        {
            Assert.Equal(sent[Encoding.UTF8.GetString(message.Body)], message.Keys);
            Assert.Equal("t", message.Tags);
        }
    }
}
