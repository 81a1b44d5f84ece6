using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Checks run against a started three-node cluster (node-a master and node-b follower of broker-a,
/// node-c master of broker-b), whatever its control-state store.
/// </summary>
public static class ClusterScenarios
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Starts node-a, then node-b (broker-a id 1) and node-c (broker-b), and waits until every nameserver lists all three brokers.</summary>
    public static async Task StartThreeAsync(ClusterFixture cluster)
    {
        await cluster.StartNodeAsync("node-a", "broker-a", 0);
        await Task.WhenAll(cluster.StartNodeAsync("node-b", "broker-a", 1), cluster.StartNodeAsync("node-c", "broker-b", 0));
        await cluster.WaitUntilEveryNameServerListsEveryBrokerAsync(Deadline);
    }

    /// <summary>(node-c's nameserver) createTopic to every master; every nameserver routes it, broker-a with its follower as id 1.</summary>
    public static async Task TopicCreatedThroughOneNodeIsRoutedByEveryNameServerAsync(ClusterFixture cluster, string topic)
    {
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);
        // One cluster formed from the seed: every node sees the three nodes Up.
        var addresses = new[] { a.Address, b.Address, c.Address }.Order().ToList();
        foreach (var node in new[] { a, b, c })
        {
            await ClusterFixture.WaitUntilAsync(
                () => Akka.Cluster.Cluster.Get(node.System!).State.Members
                    .Where(m => m.Status == Akka.Cluster.MemberStatus.Up)
                    .Select(m => m.Address.ToString()).Order().SequenceEqual(addresses),
                $"{node.Name} sees node-a, node-b and node-c Up",
                Deadline);
        }

        await using (var admin = new AdminClient(cluster.ClientOptions("create", c)))
        {
            var masters = await admin.CreateOrUpdateTopicInClusterAsync(cluster.ClusterName, new TopicConfigOptions(topic) { ReadQueueNums = 4, WriteQueueNums = 4 });
            Assert.Equal(new[] { a.BrokerAddress, c.BrokerAddress }.Order(), masters.Order());
        }

        foreach (var node in new[] { a, b, c })
        {
            await using var admin = new AdminClient(cluster.ClientOptions("route", node));
            await ClusterFixture.WaitUntilAsync(
                async () =>
                {
                    var route = await admin.GetTopicRouteAsync(topic);
                    var brokers = route.BrokerDatas.ToDictionary(d => d.BrokerName);
                    return brokers.Count == 2
                        && brokers["broker-a"].BrokerAddrs.Count == 2
                        && brokers["broker-a"].BrokerAddrs[0] == a.BrokerAddress
                        && brokers["broker-a"].BrokerAddrs[1] == b.BrokerAddress
                        && brokers["broker-b"].BrokerAddrs.SequenceEqual([KeyValuePair.Create(0L, c.BrokerAddress)])
                        && route.QueueDatas.Count == 2 && route.QueueDatas.All(q => q.ReadQueueNums == 4 && q.WriteQueueNums == 4);
                },
                $"{node.Name}'s nameserver routes {topic} to broker-a {{0: {a.BrokerAddress}, 1: {b.BrokerAddress}}} and broker-b {{0: {c.BrokerAddress}}}",
                Deadline);
        }
    }

    /// <summary>Messages sent to broker-a (node-a) are on its follower (node-b) byte for byte, and pulled from the follower's address.</summary>
    public static async Task FollowerHoldsTheMastersLogAndServesItAsync(ClusterFixture cluster, string topic)
    {
        var (a, b) = (cluster["node-a"], cluster["node-b"]);
        await using var admin = new AdminClient(cluster.ClientOptions("replicated-admin"));
        await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 2, WriteQueueNums = 2 });
        await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, topic + " routed", Deadline);

        var sent = new Dictionary<string, string>();
        await using (var producer = new Producer("replicated-producer", cluster.ClientOptions("replicated-p")))
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
        var end = await ClusterClients.WaitUntilCaughtUpAsync(admin, a, b, Deadline);
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
