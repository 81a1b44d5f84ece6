using AkkaMq.Node.Configuration;

namespace AkkaMq.Node.Tests;

/// <summary><c>akkamq.remoting</c> and <c>akkamq.broker.send-queue</c> as a user writes them.</summary>
public sealed class OverloadLimitSettingsTests
{
    [Fact]
    public void Defaults_AreRocketMqsWhereItHasOne()
    {
        using var temp = new TempDir();
        var settings = NodeConfigLoader.Load(temp.Write("node.conf", "akkamq.node-name = n\n"));
        var remoting = settings.RemotingSettings;
        var queue = settings.Broker.SendQueue!;

        Assert.Equal(TimeSpan.FromSeconds(120), remoting.IdleTimeout);
        Assert.Equal(4096, remoting.MaxRequestsInFlight);
        Assert.Equal(64L * 1024 * 1024, remoting.MaxPendingOutboundBytes);
        Assert.Equal(1024, remoting.MaxConnectionsPerAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), remoting.WarningInterval);
        Assert.Equal(10_000, queue.Capacity);
        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.MaxWait);
        Assert.Equal(TimeSpan.FromSeconds(1), queue.PageCacheBusyTimeout);
    }

    [Fact]
    public void Overrides_AreBound()
    {
        using var temp = new TempDir();
        var settings = NodeConfigLoader.Load(temp.Write("node.conf", """
            akkamq.remoting { max-requests-in-flight = 16, max-pending-outbound = 32m, idle-timeout = 0, max-connections-per-address = 5, warning-interval = 1m }
            akkamq.broker.send-queue { capacity = 50, max-wait = 1s, page-cache-busy-timeout = 3s }
            """));

        Assert.Equal(16, settings.RemotingSettings.MaxRequestsInFlight);
        Assert.Equal(32L * 1024 * 1024, settings.RemotingSettings.MaxPendingOutboundBytes);
        Assert.Equal(TimeSpan.Zero, settings.RemotingSettings.IdleTimeout);
        Assert.Equal(5, settings.RemotingSettings.MaxConnectionsPerAddress);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.RemotingSettings.WarningInterval);
        Assert.Equal(new Broker.SendQueueSettings(50, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), settings.Broker.SendQueue);
    }

    [Theory]
    [InlineData("akkamq.remoting.max-requests-in-flight = 0", "akkamq.remoting.max-requests-in-flight")]
    [InlineData("akkamq.remoting.max-pending-outbound = 1m", "akkamq.remoting.max-pending-outbound")]
    [InlineData("akkamq.remoting.idle-timeout = -1s", "akkamq.remoting.idle-timeout")]
    [InlineData("akkamq.remoting.max-connections-per-address = lots", "akkamq.remoting.max-connections-per-address")]
    [InlineData("akkamq.remoting.max-conections-per-address = 5", "akkamq.remoting.max-conections-per-address")]
    [InlineData("akkamq.broker.send-queue.capacity = 0", "akkamq.broker.send-queue.capacity")]
    [InlineData("akkamq.broker.send-queue.max-wait = 0ms", "akkamq.broker.send-queue.max-wait")]
    [InlineData("akkamq.broker.send-queue.page-cache-busy-timeout = soon", "akkamq.broker.send-queue.page-cache-busy-timeout")]
    public async Task BadValues_StopStartUp_NamingFileAndKey(string line, string key)
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "# a node\n" + line + "\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        Assert.Contains(key, result.Error);
        Assert.Contains("node.conf:2", result.Error);
    }
}
