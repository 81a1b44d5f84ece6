using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary><c>akkamq admin</c> against a standalone node, with mqadmin's flags.</summary>
[Trait("Category", "EndToEnd")]
public sealed partial class AdminCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task UpdateTopic_ThenTopicListRouteAndStatus_ShowIt()
    {
        var created = await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "AdminTopic", "-r", "2", "-w", "2");
        Assert.Contains($"create topic to {_node.BrokerAddress} success.", created.Output);

        var list = await AdminAsync("topicList");
        Assert.Contains("AdminTopic", list.Output.Split('\n', StringSplitOptions.TrimEntries));

        var route = JsonNode.Parse((await AdminAsync("topicRoute", "-t", "AdminTopic")).Output)!;
        var queueData = route["queueDatas"]![0]!;
        Assert.Equal(2, (int)queueData["writeQueueNums"]!);
        Assert.Equal(_node.BrokerAddress, (string?)route["brokerDatas"]![0]!["brokerAddrs"]!["0"]);

        var status = await AdminAsync("topicStatus", "-t", "AdminTopic");
        Assert.Equal(2, status.Output.Split('\n').Count(l => l.StartsWith("broker-a", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SendMessage_ThenQueryMsgById_PrintsTheMessage()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "QueryTopic", "-r", "1", "-w", "1");

        var sent = await AdminAsync("sendMessage", "-t", "QueryTopic", "-p", "hello admin", "-k", "k1", "-c", "TagQ");
        var offsetId = OffsetIdPattern().Match(sent.Output).Value;
        Assert.Contains("SendOk", sent.Output);
        Assert.Equal(32, offsetId.Length);

        var shown = await AdminAsync("queryMsgById", "-i", offsetId);
        Assert.Contains("hello admin", shown.Output);
        Assert.Contains("[TagQ]", shown.Output);
        Assert.Contains("QueryTopic", shown.Output);

        var consumed = await AdminAsync("consumeMessage", "-t", "QueryTopic");
        Assert.Contains("BODY: hello admin", consumed.Output);
        Assert.Contains("Consume ok, 1 messages", consumed.Output);
    }

    [Fact]
    public async Task ClusterListAndBrokerStatus_DescribeTheNode()
    {
        var clusters = await AdminAsync("clusterList");
        Assert.Contains("DefaultCluster", clusters.Output);
        Assert.Contains(_node.BrokerAddress, clusters.Output);
        Assert.Contains("Role", clusters.Output);
        Assert.Contains("_MASTER", clusters.Output);

        var status = await AdminAsync("brokerStatus", "-b", _node.BrokerAddress);
        Assert.Contains("brokerVersionDesc", status.Output);
        Assert.Contains("putTps", status.Output);
    }

    [Fact]
    public async Task DeleteTopic_RemovesItFromTopicList()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "DoomedTopic");

        var deleted = await AdminAsync("deleteTopic", "-c", "DefaultCluster", "-t", "DoomedTopic");

        Assert.Contains("delete topic [DoomedTopic] from cluster [DefaultCluster] success.", deleted.Output);
        Assert.DoesNotContain("DoomedTopic", (await AdminAsync("topicList")).Output);
    }

    [Fact]
    public async Task ConsumerConnectionAndProgress_ShowALiveGroupAndItsLag()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "LagTopic", "-r", "1", "-w", "1");
        for (var i = 0; i < 3; i++)
        {
            await AdminAsync("sendMessage", "-t", "LagTopic", "-p", $"m{i}");
        }

        var consumed = 0;
        await using (var consumer = new AkkaMq.Client.PushConsumer("lag-group", _node.ClientOptions("lag")))
        {
            consumer.ConsumeFromWhere = AkkaMq.Remoting.Protocol.Json.ConsumeFromWhere.ConsumeFromFirstOffset;
            consumer.Subscribe("LagTopic");
            consumer.RegisterListener((messages, _) =>
            {
                Interlocked.Add(ref consumed, messages.Count);
                return Task.FromResult(AkkaMq.Client.ConsumeStatus.ConsumeSuccess);
            });
            await consumer.StartAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref consumed) < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var connection = await AdminAsync("consumerConnection", "-g", "lag-group");
            Assert.Contains("lag-", connection.Output);

            // The version column names the release as mqadmin does (MQVersion.getVersionDesc), not its ordinal.
            string version = AkkaMq.Remoting.Protocol.RemotingVersionNames.Describe(AkkaMq.Remoting.Protocol.RemotingVersion.Current);
            Assert.StartsWith("V", version, StringComparison.Ordinal);
            var row = connection.Output.Split('\n').First(l => l.Contains("lag-", StringComparison.Ordinal));
            Assert.EndsWith(" " + version, row.TrimEnd(), StringComparison.Ordinal);
            Assert.Contains("LagTopic", connection.Output);
            Assert.Contains("ConsumeType: CONSUME_PASSIVELY", connection.Output);
            Assert.Contains("MessageModel: CLUSTERING", connection.Output);
        }

        var progress = await AdminAsync("consumerProgress", "-g", "lag-group");
        Assert.Contains("LagTopic", progress.Output);
        Assert.Contains("Diff Total: 0", progress.Output);
    }

    [Fact]
    public async Task UnknownTopic_IsOneClearLineAndExitCode1()
    {
        var result = await CliRun.InvokeAsync("admin", "topicRoute", "-n", _node.NameServer, "-t", "NoSuchTopic");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("NoSuchTopic", result.Error);
    }

    [Fact]
    public async Task UnreachableNameServer_IsOneClearLineAndExitCode1()
    {
        var result = await CliRun.InvokeAsync("admin", "topicList", "-n", "127.0.0.1:1");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("127.0.0.1:1", result.Error);
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);

    [GeneratedRegex("[0-9A-F]{32}(?=\\s*$)", RegexOptions.Multiline)]
    private static partial Regex OffsetIdPattern();
}
