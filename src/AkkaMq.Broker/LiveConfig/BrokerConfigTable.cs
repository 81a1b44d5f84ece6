using System.Globalization;
using System.Text;
using AkkaMq.Store;

namespace AkkaMq.Broker.LiveConfig;

/// <summary>Checks a new value of a live key against the settings in force; returns null and the changed settings, or why the value is refused.</summary>
internal delegate string? LiveConfigChange(BrokerSettings current, BrokerSettings startup, string value, out BrokerSettings next);

/// <summary>
/// One broker property as RocketMQ names it (BrokerConfig, MessageStoreConfig, NettyServerConfig)
/// and the HOCON key it is read from. <see cref="Change"/> is null for a key that changes only
/// when the node's file is edited and the node restarted.
/// </summary>
internal sealed record BrokerConfigEntry(string Property, string HoconKey, Func<BrokerContext, string> Show, LiveConfigChange? Change = null)
{
    public bool IsLive => Change is not null;

    /// <summary>Where the value comes from, for a refusal's remark.</summary>
    public string Source => HoconKey.Length == 0 ? Property + " (fixed)" : Property + " (" + HoconKey + ")";
}

/// <summary>
/// The mapping shown by GET_BROKER_CONFIG (26) and changed by UPDATE_BROKER_CONFIG (25): every
/// RocketMQ broker property that has a counterpart here. A key that RocketMQ has and this broker
/// does not (deleteWhen, namesrvAddr, thread pool sizes, …) is not listed and an update of it is
/// refused as unknown. Live keys take effect at once and last until the node restarts. An
/// empty <see cref="BrokerConfigEntry.HoconKey"/> marks a fact of this broker, not a setting.
/// <code>
/// RocketMQ property            HOCON key (under akkamq.)                        live
/// brokerClusterName            cluster-name                                     no
/// brokerName                   broker.group                                     no
/// brokerId                     broker.broker-id (current: 0 while master)       no
/// brokerIP1                    broker.advertise (host)                          no
/// listenPort                   broker.listen (port)                             no
/// defaultTopicQueueNums        broker.default-queues-per-topic                  no
/// autoCreateTopicEnable        broker.auto-create-topic                         yes
/// autoCreateSubscriptionGroup  broker.auto-create-subscription-group            yes
/// enablePropertyFilter         broker.enable-property-filter                    yes
/// messageDelayLevel            broker.message-delay-levels                      no
/// brokerRole                   broker.replication.mode (SYNC_/ASYNC_MASTER)     no
/// transactionCheckInterval     broker.transaction.check-interval (ms)           no
/// transactionTimeOut           broker.transaction.check-immunity (ms)           no
/// transactionCheckMax          broker.transaction.max-checks                    no
/// storePathRootDir             broker.store.dir                                 no
/// storePathCommitLog           broker.store.dir + /commitlog                    no
/// mappedFileSizeCommitLog      broker.store.commitlog-segment-size (bytes)      no
/// flushDiskType                broker.store.flush (SYNC_FLUSH = group-commit)   no
/// flushIntervalCommitLog       broker.store.flush-interval (ms)                 no
/// flushIntervalConsumeQueue    broker.store.checkpoint-interval (ms)            no
/// fileReservedTime             broker.store.file-reserved-time (hours)          yes, down to min(2 h, half the file's)
/// diskMaxUsedSpaceRatio        broker.store.disk-watermark-percent              yes, 1-99
/// maxMessageSize               broker.store.max-message-size (bytes)            no
/// </code>
/// </summary>
internal static class BrokerConfigTable
{
    public static IReadOnlyList<BrokerConfigEntry> Entries { get; } =
    [
        new("brokerClusterName", "akkamq.cluster-name", static c => c.ClusterName),
        new("brokerName", "akkamq.broker.group", static c => c.Settings.Group),
        new("brokerId", "akkamq.broker.broker-id", static c => Text(c.Membership.BrokerId)),
        new("brokerIP1", "akkamq.broker.advertise", static c => Host(c.BrokerAddress)),
        new("listenPort", "akkamq.broker.listen", static c => Text(c.ListenPort)),
        new("defaultTopicQueueNums", "akkamq.broker.default-queues-per-topic", static c => Text(c.Settings.DefaultQueuesPerTopic)),
        new("autoCreateTopicEnable", "akkamq.broker.auto-create-topic", static c => Text(c.Settings.AutoCreateTopic), ChangeAutoCreateTopic),
        new("autoCreateSubscriptionGroup", "akkamq.broker.auto-create-subscription-group", static c => Text(c.Settings.AutoCreateSubscriptionGroup), ChangeAutoCreateSubscriptionGroup),
        new("enablePropertyFilter", "akkamq.broker.enable-property-filter", static c => Text(c.Settings.EnablePropertyFilter), ChangeEnablePropertyFilter),
        new("messageDelayLevel", "akkamq.broker.message-delay-levels", static c => DelayLevelsText(DelayLevels.Resolve(c.Settings.MessageDelayLevels))),
        new("brokerRole", "akkamq.broker.replication.mode", static c => Membership.BrokerMembership.RoleName(c.Membership.State, c.Settings.Replication.Mode)),
        new("transactionCheckInterval", "akkamq.broker.transaction.check-interval", static c => Millis(Transaction(c).CheckInterval)),
        new("transactionTimeOut", "akkamq.broker.transaction.check-immunity", static c => Millis(Transaction(c).CheckImmunity)),
        new("transactionCheckMax", "akkamq.broker.transaction.max-checks", static c => Text(Transaction(c).MaxChecks)),
        new("storePathRootDir", "akkamq.broker.store.dir", static c => Path.GetFullPath(c.Settings.Store.Dir)),
        new("storePathCommitLog", "akkamq.broker.store.dir", static c => Path.Combine(Path.GetFullPath(c.Settings.Store.Dir), "commitlog")),
        new("mappedFileSizeCommitLog", "akkamq.broker.store.commitlog-segment-size", static c => Text(c.Settings.Store.CommitlogSegmentSize.Bytes)),
        new("flushDiskType", "akkamq.broker.store.flush", static c => c.Settings.Store.Flush == FlushMode.GroupCommit ? "SYNC_FLUSH" : "ASYNC_FLUSH"),
        new("flushIntervalCommitLog", "akkamq.broker.store.flush-interval", static c => Millis(c.Settings.Store.FlushInterval)),
        new("flushIntervalConsumeQueue", "akkamq.broker.store.checkpoint-interval", static c => Millis(c.Settings.Store.CheckpointInterval ?? Store.StoreSettings.DefaultCheckpointInterval)),
        new("fileReservedTime", "akkamq.broker.store.file-reserved-time", static c => Hours(c.Settings.Store.FileReservedTime), ChangeFileReservedTime),
        new("diskMaxUsedSpaceRatio", "akkamq.broker.store.disk-watermark-percent", static c => Text(c.Settings.Store.DiskWatermarkPercent), ChangeDiskMaxUsedSpaceRatio),
        new("maxMessageSize", "akkamq.broker.store.max-message-size", static c => Text(c.Settings.Store.MaxMessageSize.Bytes)),
    ];

    public static BrokerConfigEntry? Find(string property)
    {
        foreach (var entry in Entries)
        {
            if (entry.Property == property)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// The shortest retention that may be set live: the offset and subscription-group snapshots
    /// are stored again every <see cref="OffsetSnapshot.RefreshIntervalFor"/> of the retention
    /// the broker started with, and retention must never reach the segment holding the newest one:
    /// half the start-up retention or 2 hours, whichever is less.
    /// </summary>
    public static TimeSpan MinLiveFileReservedTime(BrokerSettings startup) => OffsetSnapshot.RefreshIntervalFor(startup.Store.FileReservedTime) * 2;

    private static string? ChangeAutoCreateTopic(BrokerSettings current, BrokerSettings startup, string value, out BrokerSettings next) =>
        TryBoolean(value, current, out next, static (s, v) => s with { AutoCreateTopic = v });

    private static string? ChangeAutoCreateSubscriptionGroup(BrokerSettings current, BrokerSettings startup, string value, out BrokerSettings next) =>
        TryBoolean(value, current, out next, static (s, v) => s with { AutoCreateSubscriptionGroup = v });

    private static string? ChangeEnablePropertyFilter(BrokerSettings current, BrokerSettings startup, string value, out BrokerSettings next) =>
        TryBoolean(value, current, out next, static (s, v) => s with { EnablePropertyFilter = v });

    private static string? ChangeFileReservedTime(BrokerSettings current, BrokerSettings startup, string value, out BrokerSettings next)
    {
        next = current;
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double hours) || hours <= 0 || hours > 100_000)
        {
            return "a positive number of hours, got [" + value + "]";
        }

        var reserved = TimeSpan.FromHours(hours);
        var min = MinLiveFileReservedTime(startup);
        if (reserved < min)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"at least {Hours(min)} hours at run time (the broker's offset snapshots are stored again every {Hours(min / 2)} hours), got [{value}]; set a shorter akkamq.broker.store.file-reserved-time in the node's file");
        }

        next = current with { Store = current.Store with { FileReservedTime = reserved } };
        return null;
    }

    private static string? ChangeDiskMaxUsedSpaceRatio(BrokerSettings current, BrokerSettings startup, string value, out BrokerSettings next)
    {
        next = current;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int percent) || percent is < 1 or > 99)
        {
            return "a whole percentage from 1 to 99, got [" + value + "]";
        }

        next = current with { Store = current.Store with { DiskWatermarkPercent = percent } };
        return null;
    }

    private static string? TryBoolean(string value, BrokerSettings current, out BrokerSettings next, Func<BrokerSettings, bool, BrokerSettings> with)
    {
        next = current;
        if (!bool.TryParse(value, out bool flag))
        {
            return "true or false, got [" + value + "]";
        }

        next = with(current, flag);
        return null;
    }

    private static Transactions.TransactionSettings Transaction(BrokerContext c) => c.Settings.Transaction ?? Transactions.TransactionSettings.Default;

    private static string Host(string address)
    {
        int colon = address.LastIndexOf(':');
        return colon < 0 ? address : address[..colon];
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(bool value) => value ? "true" : "false";

    private static string Millis(TimeSpan value) => Text((long)value.TotalMilliseconds);

    private static string Hours(TimeSpan value) => value.TotalHours.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>RocketMQ's messageDelayLevel form: <c>1s 5s 10s 30s 1m … 2h</c>.</summary>
    private static string DelayLevelsText(IReadOnlyList<TimeSpan> delays)
    {
        var text = new StringBuilder();
        foreach (var delay in delays)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(delay switch
            {
                { TotalDays: >= 1 } when delay.Ticks % TimeSpan.TicksPerDay == 0 => Text((long)delay.TotalDays) + "d",
                { TotalHours: >= 1 } when delay.Ticks % TimeSpan.TicksPerHour == 0 => Text((long)delay.TotalHours) + "h",
                { TotalMinutes: >= 1 } when delay.Ticks % TimeSpan.TicksPerMinute == 0 => Text((long)delay.TotalMinutes) + "m",
                _ when delay.Ticks % TimeSpan.TicksPerSecond == 0 => Text((long)delay.TotalSeconds) + "s",
                _ => Millis(delay) + "ms",
            });
        }

        return text.ToString();
    }
}
