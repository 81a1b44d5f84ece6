using System.Text;
using Akka.Actor;
using AkkaMq.Broker;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>A follower that joins later with an empty store copies its master and serves the group as it is.</summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class LateFollowerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FollowerStartedEmpty_CatchesUp_AndServesTopicsGroupsAndOffsets()
    {
        await using var cluster = new ClusterFixture("LateFollower") { Log = output.WriteLine };
        var a = await cluster.StartNodeAsync("node-a", "broker-a", 0);
        var c = await cluster.StartNodeAsync("node-c", "broker-b", 0);
        const string topic = "BeforeTheFollower";
        const string group = "before-group";
        await using var admin = new AdminClient(cluster.ClientOptions("late-admin"));
        await admin.CreateOrUpdateTopicAsync(a.BrokerAddress, new TopicConfigOptions(topic) { ReadQueueNums = 2, WriteQueueNums = 2 });
        await admin.CreateOrUpdateSubscriptionGroupAsync(a.BrokerAddress, new SubscriptionGroupConfig(group) { RetryQueueNums = 1 });
        await ClusterFixture.WaitUntilAsync(async () => (await admin.GetTopicRouteAsync(topic)).QueueDatas.Count == 1, topic + " routed", Deadline);
        var sent = await ClusterClients.SendAsync(cluster, topic, "early", 30);
        Assert.All(sent, s => Assert.Equal("broker-a", s.Result.MessageQueue.BrokerName));

        // Offsets committed at the master, stored in its next offset snapshot (a record of its log).
        await using var probe = new BrokerProbe();
        Assert.Equal(0, await probe.UpdateConsumerOffsetAsync(a.BrokerAddress, group, topic, 0, 7));
        Assert.Equal(0, await probe.UpdateConsumerOffsetAsync(a.BrokerAddress, group, topic, 1, 5));
        var offsets = await a.System!.ActorSelection("/user/node/broker/offsets").ResolveOne(Deadline);
        await offsets.Ask<OffsetsPersisted>(PersistOffsets.Instance, Deadline);

        var b = await cluster.StartNodeAsync("node-b", "broker-a", 1);

        var end = await ClusterClients.WaitUntilCaughtUpAsync(admin, a, b, Deadline);
        Assert.Equal(BrokerProbe.ReadCommitLog(a.CommitLogDir, end), BrokerProbe.ReadCommitLog(b.CommitLogDir, end));

        cluster.Note("follower caught up");
        // The topic is routed with the follower as broker id 1, by every nameserver.
        foreach (var node in new[] { a, b, c })
        {
            await using var nodeAdmin = new AdminClient(cluster.ClientOptions("late-route", node));
            await ClusterFixture.WaitUntilAsync(
                async () =>
                {
                    var route = await nodeAdmin.GetTopicRouteAsync(topic);
                    return route.BrokerDatas.Count == 1
                        && route.BrokerDatas[0].BrokerAddrs.OrderBy(e => e.Key).SequenceEqual([KeyValuePair.Create(0L, a.BrokerAddress), KeyValuePair.Create(1L, b.BrokerAddress)]);
                },
                $"{node.Name}'s nameserver routes {topic} to broker-a with the follower as id 1",
                Deadline);
        }

        cluster.Note("routes checked");
        // Asked at the follower's own address: the group, the messages and the master's committed offsets.
        var groups = await admin.GetAllSubscriptionGroupConfigAsync(b.BrokerAddress);
        Assert.True(groups.ContainsKey(group), $"the follower does not know {group}: {string.Join(", ", groups.Keys)}");
        var pulled = new List<MessageExt>();
        for (var queueId = 0; queueId < 2; queueId++)
        {
            pulled.AddRange(await probe.PullAllAsync(b.BrokerAddress, "broker-a", group, topic, queueId));
        }

        Assert.Equal(sent.Select(s => s.Body).Order(), pulled.Select(m => Encoding.UTF8.GetString(m.Body)).Order());
        await ClusterFixture.WaitUntilAsync(
            async () => await probe.QueryConsumerOffsetAsync(b.BrokerAddress, group, topic, 0) == 7
                && await probe.QueryConsumerOffsetAsync(b.BrokerAddress, group, topic, 1) == 5,
            "the follower answers the offsets committed at the master (7 and 5)",
            Deadline);
    }
}
