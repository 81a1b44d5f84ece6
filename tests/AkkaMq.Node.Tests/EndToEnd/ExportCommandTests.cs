using System.Text.Json.Nodes;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>exportMetadata through the admin client and <c>akkamq admin</c>.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ExportCommandTests : IAsyncLifetime
{
    private readonly TempDir _out = new();
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _out.Dispose();
    }

    [Fact]
    public async Task ExportMetadata_WritesUserTopicsAndGroups_WithoutSystemTopicsOrRetryTopics()
    {
        await AdminAsync("updateTopic", "-c", "DefaultCluster", "-t", "ExportedTopic", "-r", "3", "-w", "2");
        await AdminAsync("updateSubGroup", "-c", "DefaultCluster", "-g", "exported-group", "-r", "4");
        await AdminAsync("updateSubGroup", "-c", "DefaultCluster", "-g", "TOOLS_CONSUMER");
        await using var admin = new AdminClient(_node.ClientOptions("export-admin"));
        Assert.Contains("TBW102", await admin.GetSystemTopicListFromBrokerAsync(_node.BrokerAddress));
        Assert.Contains("broker-a", await admin.GetSystemTopicListFromBrokerAsync(_node.BrokerAddress));

        var exported = await AdminAsync("exportMetadata", "-c", "DefaultCluster", "-f", _out.Path);

        var file = Path.Combine(_out.Path, "metadata.json");
        Assert.Equal($"export {file} success", exported.Output.Trim());
        var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        var topics = json["topicConfigTable"]!.AsObject();
        Assert.Equal(["ExportedTopic"], topics.Select(t => t.Key));
        Assert.Equal((3, 2, 6), ((int)topics["ExportedTopic"]!["readQueueNums"]!, (int)topics["ExportedTopic"]!["writeQueueNums"]!, (int)topics["ExportedTopic"]!["perm"]!));
        var groups = json["subscriptionGroupTable"]!.AsObject();
        Assert.Equal(4, (int)groups["exported-group"]!["retryMaxTimes"]!);
        Assert.False(groups.ContainsKey("TOOLS_CONSUMER"));
        Assert.True((long)json["exportTime"]! > 0);

        var special = await AdminAsync("exportMetadata", "-b", _node.BrokerAddress, "-t", "-s", "-f", _out.Path);
        Assert.Contains("topic.json success", special.Output);
        var withRetry = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_out.Path, "topic.json")))!["topicConfigTable"]!.AsObject();
        Assert.Contains("ExportedTopic", withRetry.Select(t => t.Key));
        Assert.DoesNotContain("TBW102", withRetry.Select(t => t.Key));

        var noTarget = await CliRun.InvokeAsync("admin", "exportMetadata", "-n", _node.NameServer, "-f", _out.Path);
        Assert.Equal(1, noTarget.ExitCode);
        Assert.Contains("give a cluster name (-c) or a broker address (-b)", noTarget.Error);
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
