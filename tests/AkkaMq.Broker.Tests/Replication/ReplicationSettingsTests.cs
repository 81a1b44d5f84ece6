using AkkaMq.Hocon;

namespace AkkaMq.Broker.Tests.Replication;

public sealed class ReplicationSettingsTests
{
    [Fact]
    public void ReplicationKeys_BindFromTheShippedReferenceFile()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "hocon", "reference.conf")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("hocon/reference.conf not found above the test directory");
        }
        Config config = Config.ParseString(File.ReadAllText(Path.Combine(dir, "hocon", "reference.conf")), "reference.conf");

        var settings = ConfigBinder.Bind<ReplicationSettings>(config, "akkamq.broker.replication");

        Assert.Equal(("0.0.0.0:10912", "127.0.0.1:10912"), (settings.Listen, settings.Advertise));
        Assert.Equal((1024 * 1024, TimeSpan.FromMilliseconds(500)), (settings.MaxBatchBytes, settings.FetchWaitOrDefault));
    }

    [Fact]
    public void ReplicationKeys_AreOptional_AndTakeTheirValues()
    {
        var absent = ConfigBinder.Bind<ReplicationSettings>(Config.ParseString("r { mode = async, min-in-sync-replicas = 1 }", "test"), "r");
        var set = ConfigBinder.Bind<ReplicationSettings>(Config.ParseString(
            "r { mode = async, min-in-sync-replicas = 1, listen = \"10.0.0.5:20912\", advertise = \"10.0.0.5:20912\", max-batch-size = 256k, fetch-wait = 2s }", "test"), "r");

        Assert.Equal(("0.0.0.0:10912", 1024 * 1024, TimeSpan.FromMilliseconds(500)), (absent.Listen, absent.MaxBatchBytes, absent.FetchWaitOrDefault));
        Assert.Equal(("10.0.0.5:20912", 256 * 1024, TimeSpan.FromSeconds(2)), (set.Listen, set.MaxBatchBytes, set.FetchWaitOrDefault));
    }
}
