using System.Text;
using System.Text.Json.Nodes;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>KV and order configs, producerConnection, topicClusterList, getConsumerConfig and allocateMQ.</summary>
[Trait("Category", "EndToEnd")]
public sealed class KvAndInfoCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task UpdateAndDeleteKvConfig_AreSeenByTheNameServer()
    {
        await using var admin = new AdminClient(_node.ClientOptions("kv-admin"));

        var put = await AdminAsync("updateKvConfig", "-s", "MY_NS", "-k", "color", "-v", "blue");

        Assert.Equal("create or update kv config to namespace success.", put.Output.Trim());
        Assert.Equal("blue", await admin.GetKvConfigAsync("MY_NS", "color"));

        var deleted = await AdminAsync("deleteKvConfig", "-s", "MY_NS", "-k", "color");

        Assert.Equal("delete kv config from namespace success.", deleted.Output.Trim());
        Assert.Null(await admin.GetKvConfigAsync("MY_NS", "color"));
    }

    [Fact]
    public async Task UpdateOrderConf_PutGetDelete_AndTheRouteCarriesIt()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "OrderedTopic", "-r", "4", "-w", "4");
        await using var admin = new AdminClient(_node.ClientOptions("order-admin"));

        var put = await AdminAsync("updateOrderConf", "-t", "OrderedTopic", "-m", "put", "-v", "broker-a:4");

        Assert.Equal("update orderConf success. topic=[OrderedTopic], orderConf=[broker-a:4]", put.Output.Trim());
        Assert.Equal("broker-a:4", (await admin.GetTopicRouteAsync("OrderedTopic")).OrderTopicConf);
        Assert.Equal("get orderConf success. topic=[OrderedTopic], orderConf=[broker-a:4]", (await AdminAsync("updateOrderConf", "-t", "OrderedTopic", "-m", "get")).Output.Trim());

        var deleted = await AdminAsync("updateOrderConf", "-t", "OrderedTopic", "-m", "delete");

        Assert.Equal("delete orderConf success. topic=[OrderedTopic]", deleted.Output.Trim());
        Assert.Null(await admin.GetOrderConfAsync("OrderedTopic"));
        var noValue = await CliRun.InvokeAsync("admin", "updateOrderConf", "-n", _node.NameServer, "-t", "OrderedTopic", "-m", "put");
        Assert.Equal(1, noValue.ExitCode);
        Assert.Contains("please set orderConf with option -v.", noValue.Error);
        var badMethod = await CliRun.InvokeAsync("admin", "updateOrderConf", "-n", _node.NameServer, "-t", "OrderedTopic", "-m", "replace");
        Assert.NotEqual(0, badMethod.ExitCode);
    }

    [Fact]
    public async Task ProducerConnection_ListsALiveProducerWithItsVersionName()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "ProducedTopic", "-r", "1", "-w", "1");
        await using var producer = new Producer("conn-pg", _node.ClientOptions("conn-producer"));
        await producer.StartAsync();
        await producer.SendAsync(new Message("ProducedTopic", null, Encoding.UTF8.GetBytes("x")));
        await using var admin = new AdminClient(_node.ClientOptions("conn-admin"));
        var connection = await WaitForProducerAsync(admin, "conn-pg", "ProducedTopic");

        var listed = await AdminAsync("producerConnection", "-g", "conn-pg", "-t", "ProducedTopic");

        var line = Assert.Single(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("0001  " + connection.ClientId, line, StringComparison.Ordinal);
        Assert.Contains(connection.ClientAddr, line, StringComparison.Ordinal);
        Assert.EndsWith(Remoting.Protocol.RemotingVersionNames.Describe(connection.Version), line, StringComparison.Ordinal);
        Assert.Equal("V4_9_8", Remoting.Protocol.RemotingVersionNames.Describe(409));

        var table = await admin.GetAllProducerInfoAsync(_node.BrokerAddress);
        var info = Assert.Single(table.Data["conn-pg"]);
        Assert.Equal((connection.ClientId, connection.ClientAddr, connection.Version), (info.ClientId, info.RemoteIp, info.Version));
        Assert.True(info.LastUpdateTimestamp > 0);
        var producers = await AdminAsync("producer", "-b", _node.BrokerAddress);
        Assert.Contains($"producer group (conn-pg) instance : clientId={connection.ClientId},remoteIP={connection.ClientAddr}, language={connection.Language}, version={connection.Version}, lastUpdateTimestamp=", producers.Output);
    }

    [Fact]
    public async Task TopicClusterListAndGetConsumerConfig_DescribeTheCluster()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "ClusterTopic");
        await AdminAsync("updateSubGroup", "-c", "DefaultCluster", "-g", "config-group", "-r", "5");

        Assert.Equal("DefaultCluster", (await AdminAsync("topicClusterList", "-t", "ClusterTopic")).Output.Trim());
        await using var admin = new AdminClient(_node.ClientOptions("config-admin"));
        Assert.Equal(["DefaultCluster"], await admin.GetTopicClusterListAsync("ClusterTopic"));
        var (cluster, brokerName, config) = Assert.Single(await admin.GetConsumerConfigAsync("config-group"));
        Assert.Equal(("DefaultCluster", "broker-a", 5), (cluster, brokerName, config.RetryMaxTimes));

        var shown = (await AdminAsync("getConsumerConfig", "-g", "config-group")).Output.Split('\n', StringSplitOptions.TrimEntries);

        Assert.Equal("=============================DefaultCluster:broker-a=============================", shown[0]);
        Assert.Contains($"{"groupName",-40}=  config-group", shown);
        Assert.Contains($"{"retryMaxTimes",-40}=  5", shown);
        Assert.Contains($"{"consumeEnable",-40}=  true", shown);
        Assert.Equal(string.Empty, (await AdminAsync("getConsumerConfig", "-g", "undeclared-group")).Output);
    }

    [Fact]
    public async Task AllocateMQ_SharesTheQueuesAmongTheClientsAveragely()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "SharedTopic", "-r", "5", "-w", "5");

        var json = JsonNode.Parse((await AdminAsync("allocateMQ", "-t", "SharedTopic", "-i", "10.0.0.1,10.0.0.2")).Output)!["result"]!;

        var first = json["10.0.0.1"]!.AsArray().Select(q => (int)q!["queueId"]!).ToArray();
        var second = json["10.0.0.2"]!.AsArray().Select(q => (int)q!["queueId"]!).ToArray();
        Assert.Equal([0, 1, 2], first);
        Assert.Equal([3, 4], second);
        Assert.Equal("broker-a", (string?)json["10.0.0.1"]![0]!["brokerName"]);
        Assert.Equal("SharedTopic", (string?)json["10.0.0.1"]![0]!["topic"]);
    }

    /// <summary>The producer's heartbeat reaches the broker once its route is known, shortly after the first send.</summary>
    private static async Task<Remoting.Protocol.Json.ConnectionData> WaitForProducerAsync(AdminClient admin, string group, string topic)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return Assert.Single((await admin.GetProducerConnectionListAsync(group, topic)).ConnectionSet);
            }
            catch (MQBrokerException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
