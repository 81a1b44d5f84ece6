using AkkaMq.Hocon;

namespace AkkaMq.Broker.Tests;

public sealed class BrokerSettingsTests
{
    private const string Reference = """
        broker {
          group = broker-a
          listen = "0.0.0.0:10911"
          advertise = "127.0.0.1:10911"
          default-queues-per-topic = 4
          auto-create-topic = true
          store { dir = data/node-a, commitlog-segment-size = 1g, flush = group-commit, flush-interval = 500ms, file-reserved-time = 72h, disk-watermark-percent = 90, max-message-size = 4m }
          replication { mode = sync, min-in-sync-replicas = 2 }
        }
        """;

    [Fact]
    public void BrokerSettings_BindFromTheReferenceSection_AndMapToStoreSettings()
    {
        var settings = ConfigBinder.Bind<BrokerSettings>(Config.ParseString(Reference, "test"), "broker");

        Assert.Equal(("broker-a", "0.0.0.0:10911", "127.0.0.1:10911", 4, true), (settings.Group, settings.Listen, settings.Advertise, settings.DefaultQueuesPerTopic, settings.AutoCreateTopic));
        Assert.Equal((ReplicationMode.Sync, 2), (settings.Replication.Mode, settings.Replication.MinInSyncReplicas));
        var store = settings.Store.ToStoreSettings();
        Assert.Equal("data/node-a", store.Dir);
        Assert.Equal(1L << 30, store.CommitLogSegmentSize);
        Assert.Equal(AkkaMq.Store.FlushMode.GroupCommit, store.FlushMode);
        Assert.Equal(TimeSpan.FromMilliseconds(500), store.FlushInterval);
        Assert.Equal(TimeSpan.FromHours(72), store.FileReservedTime);
        Assert.Equal(0.9, store.DiskWatermarkRatio, 6);
        Assert.Equal(4 * 1024 * 1024, store.MaxMessageSize);
    }
}
