using AkkaMq.Node.Configuration;

namespace AkkaMq.Node.Tests;

/// <summary><c>akkamq.broker.broker-id</c>: 0 (the group's master) unless a follower id is given.</summary>
public sealed class BrokerIdSettingsTests
{
    [Fact]
    public void Default_IsTheMastersId()
    {
        using var temp = new TempDir();
        Assert.Equal(0, NodeConfigLoader.Load(temp.Write("node.conf", "akkamq.node-name = n\n")).Broker.BrokerId);
    }

    [Fact]
    public void FollowerId_IsBound()
    {
        using var temp = new TempDir();
        Assert.Equal(2, NodeConfigLoader.Load(temp.Write("node.conf", "akkamq.broker.broker-id = 2\n")).Broker.BrokerId);
    }

    [Theory]
    [InlineData("akkamq.broker.broker-id = -1")]
    [InlineData("akkamq.broker.broker-id = first")]
    public async Task BadBrokerId_StopsStartUp_NamingTheKey(string line)
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "# a node\n" + line + "\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains("akkamq.broker.broker-id", result.Error);
    }
}
