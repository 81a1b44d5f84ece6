using System.Text.RegularExpressions;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// <c>akkamq admin getBrokerConfig | updateBrokerConfig | getNamesrvConfig | updateNamesrvConfig |
/// cleanExpiredCQ | deleteExpiredCommitLog</c> against a standalone node, with mqadmin's flags and output.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ConfigCliTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task GetBrokerConfig_ByBrokerOrCluster_PrintsMqadminsBlocks()
    {
        var byBroker = await AdminAsync("getBrokerConfig", "-b", _node.BrokerAddress);
        var byCluster = await AdminAsync("getBrokerConfig", "-c", "DefaultCluster");

        Assert.StartsWith($"============{_node.BrokerAddress}============", byBroker.Output);
        Assert.Matches(new Regex("^brokerName {40}=  broker-a$", RegexOptions.Multiline), byBroker.Output);
        Assert.Matches(new Regex("^autoCreateTopicEnable {29}=  true$", RegexOptions.Multiline), byBroker.Output);
        Assert.StartsWith($"============Master: {_node.BrokerAddress}============", byCluster.Output);
        Assert.Contains("brokerClusterName", byCluster.Output);
    }

    [Fact]
    public async Task UpdateBrokerConfig_ChangesALiveKey_AndGetBrokerConfigShowsIt()
    {
        var updated = await AdminAsync("updateBrokerConfig", "-b", _node.BrokerAddress, "-k", "autoCreateSubscriptionGroup", "-v", "false");
        var byCluster = await AdminAsync("updateBrokerConfig", "-c", "DefaultCluster", "-k", "fileReservedTime", "-v", "48");
        var shown = await AdminAsync("getBrokerConfig", "-b", _node.BrokerAddress);

        Assert.Equal($"update broker config success, {_node.BrokerAddress}\n", updated.Output.ReplaceLineEndings("\n"));
        Assert.Contains($"update broker config success, {_node.BrokerAddress}", byCluster.Output);
        Assert.Matches(new Regex("^autoCreateSubscriptionGroup +=  false$", RegexOptions.Multiline), shown.Output);
        Assert.Matches(new Regex("^fileReservedTime +=  48$", RegexOptions.Multiline), shown.Output);
    }

    [Fact]
    public async Task UpdateBrokerConfig_OfAStartUpKey_FailsNamingIt()
    {
        var byBroker = await CliRun.InvokeAsync("admin", "updateBrokerConfig", "-n", _node.NameServer, "-b", _node.BrokerAddress, "-k", "maxMessageSize", "-v", "1024");
        var byCluster = await CliRun.InvokeAsync("admin", "updateBrokerConfig", "-n", _node.NameServer, "-c", "DefaultCluster", "-k", "brokerName", "-v", "other");

        Assert.Equal(1, byBroker.ExitCode);
        Assert.Contains("maxMessageSize (akkamq.broker.store.max-message-size)", byBroker.Error);
        Assert.Contains("CODE: 16", byBroker.Error);
        Assert.Equal(1, byCluster.ExitCode);
        Assert.Contains("brokerName (akkamq.broker.group)", byCluster.Error);
        Assert.DoesNotContain("success", byCluster.Output);
    }

    [Fact]
    public async Task GetNamesrvConfig_PrintsEachNameServer_AndUpdateIsRefusedNamingTheKey()
    {
        var shown = await AdminAsync("getNamesrvConfig");
        var update = await CliRun.InvokeAsync("admin", "updateNamesrvConfig", "-n", _node.NameServer, "-k", "orderMessageEnable", "-v", "false");

        Assert.StartsWith($"============{_node.NameServer}============", shown.Output);
        Assert.Matches(new Regex($"^listenPort {{40}}=  {_node.NameServer.Split(':')[1]}$", RegexOptions.Multiline), shown.Output);
        Assert.Equal(1, update.ExitCode);
        Assert.Contains("orderMessageEnable", update.Error);
    }

    [Fact]
    public async Task CleanExpiredCQAndDeleteExpiredCommitLog_PrintSuccess_OrFalseWithoutABroker()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "CliCqGone", "-r", "1", "-w", "1");
        await AdminAsync("sendMessage", "-t", "CliCqGone", "-p", "m");
        await AdminAsync("deleteTopic", "-c", "DefaultCluster", "-t", "CliCqGone");
        Assert.True(Directory.Exists(Path.Combine(_node.StoreDir, "consumequeue", "CliCqGone")));

        var cleaned = await AdminAsync("cleanExpiredCQ", "-b", _node.BrokerAddress);
        var byCluster = await AdminAsync("cleanExpiredCQ", "-c", "DefaultCluster");
        var noCluster = await AdminAsync("cleanExpiredCQ", "-c", "NoSuchCluster");
        var deleted = await AdminAsync("deleteExpiredCommitLog", "-b", _node.BrokerAddress);
        var everywhere = await AdminAsync("deleteExpiredCommitLog");

        Assert.Equal("success", cleaned.Output.Trim());
        Assert.False(Directory.Exists(Path.Combine(_node.StoreDir, "consumequeue", "CliCqGone")));
        Assert.Equal("success", byCluster.Output.Trim());
        Assert.Equal("false", noCluster.Output.Trim());
        Assert.Equal("success", deleted.Output.Trim());
        Assert.Equal("success", everywhere.Output.Trim());
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
