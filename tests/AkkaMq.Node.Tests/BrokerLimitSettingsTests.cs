using AkkaMq.Node.Configuration;

namespace AkkaMq.Node.Tests;

/// <summary><c>akkamq.broker.message-delay-levels</c>, <c>auto-create-subscription-group</c> and <c>store.max-message-size</c> as a user writes them.</summary>
public sealed class BrokerLimitSettingsTests
{
    [Fact]
    public void Defaults_AreRocketMqs()
    {
        using var temp = new TempDir();
        var settings = NodeConfigLoader.Load(temp.Write("node.conf", "akkamq.node-name = n\n")).Broker;

        Assert.True(settings.AutoCreateSubscriptionGroup);
        Assert.Equal(
            ["1s", "5s", "10s", "30s", "1m", "2m", "3m", "4m", "5m", "6m", "7m", "8m", "9m", "10m", "20m", "30m", "1h", "2h"],
            settings.MessageDelayLevels!.Select(Text));
    }

    [Fact]
    public void Overrides_AreBound()
    {
        using var temp = new TempDir();
        var settings = NodeConfigLoader.Load(temp.Write("node.conf", """
            akkamq.broker.message-delay-levels = [300ms, 2s]
            akkamq.broker.auto-create-subscription-group = false
            """)).Broker;

        Assert.False(settings.AutoCreateSubscriptionGroup);
        Assert.Equal([TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(2)], settings.MessageDelayLevels);
    }

    [Theory]
    [InlineData("akkamq.broker.message-delay-levels = []")]
    [InlineData("akkamq.broker.message-delay-levels = [1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s, 1s]")]
    [InlineData("akkamq.broker.message-delay-levels = [1s, soon]")]
    public async Task BadDelayLevels_StopStartUp_NamingTheKey(string line)
    {
        var error = await RefusedConfigErrorAsync(line);

        Assert.Contains("akkamq.broker.message-delay-levels", error);
        Assert.Contains("node.conf:2", error);
    }

    [Fact]
    public void MaxMessageSize_DefaultsToRocketMqs4MiB_BoundingTheBody_WithRoomForTheRecord()
    {
        using var temp = new TempDir();
        var store = NodeConfigLoader.Load(temp.Write("node.conf", "akkamq.node-name = n\n")).Broker.Store.ToStoreSettings();

        Assert.Equal(4 * 1024 * 1024, store.MaxMessageSize);
        Assert.Equal(4 * 1024 * 1024 + 64 * 1024, store.MaxRecordSize);
    }

    [Fact]
    public void MaxMessageSize_Override_IsBound()
    {
        using var temp = new TempDir();
        var store = NodeConfigLoader.Load(temp.Write("node.conf", "akkamq.broker.store.max-message-size = 1m\n")).Broker.Store.ToStoreSettings();

        Assert.Equal(1024 * 1024, store.MaxMessageSize);
        Assert.Equal(1024 * 1024 + 64 * 1024, store.MaxRecordSize);
    }

    [Theory]
    [InlineData("akkamq.broker.store.max-message-size = 0")]
    [InlineData("akkamq.broker.store.max-message-size = 2g")]
    [InlineData("akkamq.broker.store.max-message-size = large")]
    public async Task BadMaxMessageSize_StopsStartUp_NamingTheKey(string line)
    {
        Assert.Contains("akkamq.broker.store.max-message-size", await RefusedConfigErrorAsync(line));
    }

    /// <summary>Checks a node file whose second line is <paramref name="line"/>; asserts start-up is refused and returns the error text.</summary>
    private static async Task<string> RefusedConfigErrorAsync(string line)
    {
        using var temp = new TempDir();
        var file = temp.Write("node.conf", "# a node\n" + line + "\n");

        var result = await CliRun.InvokeAsync("config", "--config", file);

        Assert.Equal(Cli.BadConfigExitCode, result.ExitCode);
        return result.Error;
    }

    private static string Text(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{t.TotalHours:0}h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0}m" : $"{t.TotalSeconds:0}s";
}
