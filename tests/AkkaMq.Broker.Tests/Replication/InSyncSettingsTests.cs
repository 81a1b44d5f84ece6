using AkkaMq.Hocon;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>The in-sync replication keys of <c>akkamq.broker.replication</c>.</summary>
public sealed class InSyncSettingsTests
{
    [Fact]
    public void ShippedDefaults_AcknowledgeWithOneCopy_AndWaitFiveSeconds()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "hocon", "reference.conf")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("hocon/reference.conf not found above the test directory");
        }

        Config config = Config.ParseString(File.ReadAllText(Path.Combine(dir, "hocon", "reference.conf")), "reference.conf");

        var settings = ConfigBinder.Bind<ReplicationSettings>(config, "akkamq.broker.replication");

        Assert.Equal((ReplicationMode.Sync, 1), (settings.Mode, settings.MinInSyncReplicas));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)), (settings.MaxLagTimeOrDefault, settings.AckTimeoutOrDefault));
    }

    [Fact]
    public void MaxLagTimeAndAckTimeout_AreOptional_AndTakeTheirValues()
    {
        var absent = ConfigBinder.Bind<ReplicationSettings>(Config.ParseString("r { mode = sync, min-in-sync-replicas = 2 }", "test"), "r");
        var set = ConfigBinder.Bind<ReplicationSettings>(Config.ParseString("r { mode = sync, min-in-sync-replicas = 2, max-lag-time = 10s, ack-timeout = 750ms }", "test"), "r");

        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)), (absent.MaxLagTimeOrDefault, absent.AckTimeoutOrDefault));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(750)), (set.MaxLagTimeOrDefault, set.AckTimeoutOrDefault));
    }

    [Fact]
    public void ANonPositiveAckTimeout_IsRefusedWithTheKeyNamed()
    {
        var settings = ConfigBinder.Bind<ReplicationSettings>(Config.ParseString("r { mode = sync, min-in-sync-replicas = 1, ack-timeout = 0s }", "test"), "r");

        var error = Assert.Throws<ArgumentException>(() => new Broker.Replication.InSyncReplicas(
            new Broker.Replication.InSyncOptions(settings.Mode, settings.MinInSyncReplicas, settings.MaxLagTimeOrDefault, settings.AckTimeoutOrDefault, false), () => 0));
        Assert.Contains("ack-timeout", error.Message);
    }
}
