using System.Text.Json.Nodes;

namespace AkkaMq.Node.Tests;

public sealed class ConfigCommandTests
{
    [Fact]
    public async Task Config_MergesNodeFileOverReference()
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "akkamq { node-name = node-x, broker.store.flush = async }\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.True(result.ExitCode == 0, result.Error);
        var akkamq = JsonNode.Parse(result.Output)!["akkamq"]!;
        Assert.Equal("node-x", (string?)akkamq["node-name"]);
        Assert.Equal("async", (string?)akkamq["broker"]!["store"]!["flush"]);
        // Not in the node's file: comes from reference.conf.
        Assert.Equal("DefaultCluster", (string?)akkamq["cluster-name"]);
        Assert.Equal(4, (int?)akkamq["broker"]!["default-queues-per-topic"]);
    }

    [Fact]
    public async Task Config_AcceptsShippedStandaloneFile()
    {
        var result = await CliRun.InvokeAsync("config", "--config", Path.Combine(RepoPaths.Root, "hocon", "standalone.conf"));

        Assert.True(result.ExitCode == 0, result.Error);
        var akkamq = JsonNode.Parse(result.Output)!["akkamq"]!;
        Assert.Equal(1, (int?)akkamq["broker"]!["replication"]!["min-in-sync-replicas"]);
    }

    [Fact]
    public async Task Config_RejectsUnknownKey_NamingFileLineAndKey()
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "akkamq {\n  broker {\n    lisen = \"127.0.0.1:1\"\n  }\n}\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains("akkamq.broker.lisen", result.Error);
        Assert.Contains("node.conf:3:", result.Error);
    }

    [Theory]
    [InlineData("akkamq.broker.default-queues-per-topic = many", "akkamq.broker.default-queues-per-topic")]
    [InlineData("akkamq.broker.store.disk-watermark-percent = 150", "akkamq.broker.store.disk-watermark-percent")]
    [InlineData("akkamq.broker.store.flush = sometimes", "akkamq.broker.store.flush")]
    [InlineData("akkamq.broker.listen = \"not an endpoint\"", "akkamq.broker.listen")]
    [InlineData("akkamq.broker.advertise = \"[::1]:10911\"", "akkamq.broker.advertise")]
    [InlineData("akkamq.broker.store.commitlog-segment-size = 1k", "akkamq.broker.store.commitlog-segment-size")]
    [InlineData("akkamq.broker.store.checkpoint-interval = 0s", "akkamq.broker.store.checkpoint-interval")]
    [InlineData("akkamq.broker.store.flush-interval = 0s", "akkamq.broker.store.flush-interval")]
    [InlineData("akkamq.roles = [broker, broker]", "akkamq.roles")]
    [InlineData("akkamq.roles = [broker, router]", "akkamq.roles")]
    [InlineData("akkamq.node-name = \"has space\"", "akkamq.node-name")]
    public async Task Config_RejectsBadValue_NamingTheKey(string line, string key)
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "# a node\n" + line + "\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains(key, result.Error);
        Assert.Contains("node.conf:2", result.Error);
    }

    [Fact]
    public async Task Config_RejectsSyntaxError_WithPosition()
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "akkamq {\n  node-name = \n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Matches(@"node\.conf:\d+:\d+", result.Error);
    }

    [Fact]
    public async Task Config_ReportsMissingFile()
    {
        var result = await CliRun.InvokeAsync("config", "--config", "/nonexistent/node.conf");

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains("/nonexistent/node.conf", result.Error);
    }
}
