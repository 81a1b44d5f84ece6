using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using AkkaMq.Client;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Remoting.Protocol.Json;

using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>A node of a three-node cluster stops: what runs on it moves or is served by what is left.</summary>
[Trait("Category", "Cluster")]
[Collection(MultiNodeCollection.Name)]
public sealed class NodeLeavesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SingletonHostLeaves_SingletonsMove_RoutesAndControllerStateSurvive()
    {
        await using var cluster = await StartThreeAsync("HostLeaves", output);
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);
        Assert.Same(a, cluster.SingletonHost());
        await using (var admin = new AdminClient(cluster.ClientOptions("before-admin", b)))
        {
            await admin.CreateOrUpdateTopicInClusterAsync(cluster.ClusterName, new TopicConfigOptions("BeforeTheMove") { ReadQueueNums = 2, WriteQueueNums = 2 });
        }

        await WaitForRouteAsync(cluster, "BeforeTheMove", [a, b, c], new() { ["broker-a"] = [(0, a), (1, b)], ["broker-b"] = [(0, c)] });
        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
        var before = await ControllerStateAsync(c);

        await cluster.StopAsync(a);

        var host = cluster.SingletonHost();
        Assert.NotSame(a, host);
        cluster.Note("singletons moved");
        // The registry answers from its new host; the surviving nameservers keep routing what was created before,
        // broker-a now through its follower, which the moved Controller elected master.
        await WaitForRouteAsync(cluster, "BeforeTheMove", [b, c], new() { ["broker-a"] = [(0, b)], ["broker-b"] = [(0, c)] });
        await using (var admin = new AdminClient(cluster.ClientOptions("after-admin", c)))
        {
            await ClusterFixture.WaitUntilAsync(
                async () => (await admin.CreateOrUpdateTopicInClusterAsync(cluster.ClusterName, new TopicConfigOptions("AfterTheMove") { ReadQueueNums = 2, WriteQueueNums = 2 }))
                    .Order().SequenceEqual(new[] { b.BrokerAddress, c.BrokerAddress }.Order()),
                "AfterTheMove created on both masters, broker-a's now on node-b",
                Deadline);
        }

        cluster.Note("AfterTheMove created");
        await WaitForRouteAsync(cluster, "AfterTheMove", [b, c], new() { ["broker-a"] = [(0, b)], ["broker-b"] = [(0, c)] });

        // The Controller recovered its groups and epochs on its new host (asked through another node's proxy);
        // the member of the node that left is offline there.
        var proxyNode = host == b ? c : b;
        ControllerState after = before;
        await ClusterFixture.WaitUntilAsync(
            async () =>
            {
                after = await ControllerStateAsync(proxyNode);
                return after.Groups.Any(g => g.Group == "broker-a" && g.Members.Any(m => m.BrokerId == 0 && !m.Online));
            },
            () => "the Controller shows broker-a's master member offline: " + string.Join("; ", after.Groups.Select(g => $"{g.Group} epoch {g.MasterEpoch} [{string.Join(", ", g.Members.Select(m => $"{m.BrokerId}:{(m.Online ? "online" : "offline")}"))}]")),
            Deadline);
        Assert.Equal(before.Groups.Select(g => g.Group), after.Groups.Select(g => g.Group));
        foreach (var group in after.Groups)
        {
            var old = before.Groups.Single(g => g.Group == group.Group);
            Assert.True(group.MasterEpoch >= old.MasterEpoch, $"{group.Group}: master epoch {group.MasterEpoch} went below {old.MasterEpoch}");
            Assert.Equal(old.Members.Select(m => m.BrokerId), group.Members.Select(m => m.BrokerId));
        }

        Assert.Equal(before.Groups.Single(g => g.Group == "broker-b").MasterEpoch, after.Groups.Single(g => g.Group == "broker-b").MasterEpoch);
    }

    [Fact]
    public async Task MasterStops_FollowerIsElectedAndServesItsQueues_NothingLost()
    {
        await using var cluster = await StartThreeAsync("MasterStops", output);
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);
        const string topic = "ThroughTheStop";
        await using var admin = new AdminClient(cluster.ClientOptions("stop-admin", b, c));
        await admin.CreateOrUpdateTopicInClusterAsync(cluster.ClusterName, new TopicConfigOptions(topic) { ReadQueueNums = 2, WriteQueueNums = 2 });
        await WaitForRouteAsync(cluster, topic, [a, b, c], new() { ["broker-a"] = [(0, a), (1, b)], ["broker-b"] = [(0, c)] });

        var received = new ConcurrentDictionary<string, int>();
        await using var consumer = new PushConsumer("through-the-stop", cluster.ClientOptions("stop-c", b, c)) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        consumer.Subscribe(topic);
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var message in messages)
            {
                received.AddOrUpdate(Encoding.UTF8.GetString(message.Body), 1, (_, n) => n + 1);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();

        var before = await ClusterClients.SendAsync(cluster, topic, "before", 40);
        Assert.Contains(before, s => s.Result.MessageQueue.BrokerName == "broker-a");
        await ClusterClients.WaitUntilCaughtUpAsync(admin, a, b, Deadline);
        await FailoverScenarios.WaitForInSyncAsync(cluster, "broker-a", [0, 1]);
        await cluster.StopAsync(a);

        // broker-a's follower is elected (it held every acknowledged message) and routed as its master; sends go to both groups.
        await WaitForRouteAsync(cluster, topic, [b, c], new() { ["broker-a"] = [(0, b)], ["broker-b"] = [(0, c)] });
        var after = await ClusterClients.SendAsync(cluster, topic, "after", 20);
        Assert.Contains(after, s => s.Result.MessageQueue.BrokerName == "broker-a");

        cluster.Note("sent after the stop");
        var expected = before.Concat(after).Select(s => s.Body).ToHashSet();
        await ClusterFixture.WaitUntilAsync(
            () => expected.IsSubsetOf(received.Keys),
            () => $"every message consumed ({received.Count} of {expected.Count}; missing {string.Join(", ", expected.Except(received.Keys).Take(10))})",
            Deadline);

        cluster.Note("all consumed");
        // A group started after the stop reads broker-a's queues from the new master, from the first offset.
        var late = new ConcurrentDictionary<string, int>();
        await using var lateConsumer = new PushConsumer("after-the-stop", cluster.ClientOptions("stop-late", b, c)) { ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset };
        lateConsumer.Subscribe(topic);
        lateConsumer.RegisterListener((messages, _) =>
        {
            foreach (var message in messages)
            {
                late.TryAdd(Encoding.UTF8.GetString(message.Body), 0);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await lateConsumer.StartAsync();
        await ClusterFixture.WaitUntilAsync(
            () => expected.IsSubsetOf(late.Keys),
            () => $"a group started after the stop consumes every message ({late.Count} of {expected.Count})",
            Deadline);
    }

    private static async Task<ClusterFixture> StartThreeAsync(string name, ITestOutputHelper output)
    {
        var cluster = new ClusterFixture(name) { Log = output.WriteLine };
        try
        {
            await ClusterScenarios.StartThreeAsync(cluster);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static async Task<ControllerState> ControllerStateAsync(ClusterNode node) =>
        await node.Roles.ControlPlane.Controller.Ask<ControllerState>(new GetControllerState(), Deadline);

    /// <summary>Waits until each of <paramref name="nameServers"/> routes <paramref name="topic"/> to exactly <paramref name="brokers"/> (group → broker id, node).</summary>
    private static async Task WaitForRouteAsync(
        ClusterFixture cluster, string topic, ClusterNode[] nameServers, Dictionary<string, (long Id, ClusterNode Node)[]> brokers)
    {
        var expected = string.Join("; ", brokers.OrderBy(e => e.Key).Select(e => e.Key + " " + string.Join(",", e.Value.Select(v => $"{v.Id}={v.Node.BrokerAddress}"))));
        foreach (var node in nameServers)
        {
            await using var admin = new AdminClient(cluster.ClientOptions("route", node));
            string actual = "none";
            await ClusterFixture.WaitUntilAsync(
                async () =>
                {
                    var route = await admin.GetTopicRouteAsync(topic);
                    actual = string.Join("; ", route.BrokerDatas.OrderBy(d => d.BrokerName).Select(d => d.BrokerName + " " + string.Join(",", d.BrokerAddrs.Select(e => $"{e.Key}={e.Value}"))));
                    return actual == expected && route.QueueDatas.Select(q => q.BrokerName).Order().SequenceEqual(brokers.Keys.Order());
                },
                () => $"{node.Name}'s nameserver routes {topic} to [{expected}] (last: [{actual}])",
                Deadline);
        }
    }
}
