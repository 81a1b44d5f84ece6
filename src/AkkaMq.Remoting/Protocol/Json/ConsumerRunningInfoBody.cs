using System.Text.Json;

namespace AkkaMq.Remoting.Protocol.Json;

/// <summary>One queue of a consumer as reported in <see cref="ConsumerRunningInfoBody"/> (Java ProcessQueueInfo).</summary>
public sealed class ProcessQueueInfo
{
    public long CommitOffset { get; set; }

    public long CachedMsgMinOffset { get; set; }

    public long CachedMsgMaxOffset { get; set; }

    public int CachedMsgCount { get; set; }

    public int CachedMsgSizeInMiB { get; set; }

    public long TransactionMsgMinOffset { get; set; }

    public long TransactionMsgMaxOffset { get; set; }

    public int TransactionMsgCount { get; set; }

    public bool Locked { get; set; }

    public long TryUnlockTimes { get; set; }

    public long LastLockTimestamp { get; set; }

    /// <summary>Java's spelling on the wire: <c>droped</c>.</summary>
    public bool Dropped { get; set; }

    public long LastPullTimestamp { get; set; }

    public long LastConsumeTimestamp { get; set; }

    internal void Write(FastJsonWriter json) =>
        json.StartObject()
            .Property("cachedMsgCount", CachedMsgCount)
            .Property("cachedMsgMaxOffset", CachedMsgMaxOffset)
            .Property("cachedMsgMinOffset", CachedMsgMinOffset)
            .Property("cachedMsgSizeInMiB", CachedMsgSizeInMiB)
            .Property("commitOffset", CommitOffset)
            .Property("droped", Dropped)
            .Property("lastConsumeTimestamp", LastConsumeTimestamp)
            .Property("lastLockTimestamp", LastLockTimestamp)
            .Property("lastPullTimestamp", LastPullTimestamp)
            .Property("locked", Locked)
            .Property("transactionMsgCount", TransactionMsgCount)
            .Property("transactionMsgMaxOffset", TransactionMsgMaxOffset)
            .Property("transactionMsgMinOffset", TransactionMsgMinOffset)
            .Property("tryUnlockTimes", TryUnlockTimes)
            .EndObject();

    internal static ProcessQueueInfo Read(JsonElement e) =>
        new()
        {
            CommitOffset = FastJson.GetInt64(e, "commitOffset"),
            CachedMsgMinOffset = FastJson.GetInt64(e, "cachedMsgMinOffset"),
            CachedMsgMaxOffset = FastJson.GetInt64(e, "cachedMsgMaxOffset"),
            CachedMsgCount = FastJson.GetInt32(e, "cachedMsgCount"),
            CachedMsgSizeInMiB = FastJson.GetInt32(e, "cachedMsgSizeInMiB"),
            TransactionMsgMinOffset = FastJson.GetInt64(e, "transactionMsgMinOffset"),
            TransactionMsgMaxOffset = FastJson.GetInt64(e, "transactionMsgMaxOffset"),
            TransactionMsgCount = FastJson.GetInt32(e, "transactionMsgCount"),
            Locked = FastJson.GetBoolean(e, "locked"),
            TryUnlockTimes = FastJson.GetInt64(e, "tryUnlockTimes"),
            LastLockTimestamp = FastJson.GetInt64(e, "lastLockTimestamp"),
            Dropped = FastJson.GetBoolean(e, "droped"),
            LastPullTimestamp = FastJson.GetInt64(e, "lastPullTimestamp"),
            LastConsumeTimestamp = FastJson.GetInt64(e, "lastConsumeTimestamp"),
        };
}

/// <summary>Per-topic consume statistics in <see cref="ConsumerRunningInfoBody"/> (Java ConsumeStatus).</summary>
public sealed class ConsumeStatusInfo
{
    public double PullRT { get; set; }

    public double PullTPS { get; set; }

    public double ConsumeRT { get; set; }

    public double ConsumeOKTPS { get; set; }

    public double ConsumeFailedTPS { get; set; }

    public long ConsumeFailedMsgs { get; set; }

    internal void Write(FastJsonWriter json) =>
        json.StartObject()
            .Property("consumeFailedMsgs", ConsumeFailedMsgs)
            .PropertyName("consumeFailedTPS").Number(ConsumeFailedTPS)
            .PropertyName("consumeOKTPS").Number(ConsumeOKTPS)
            .PropertyName("consumeRT").Number(ConsumeRT)
            .PropertyName("pullRT").Number(PullRT)
            .PropertyName("pullTPS").Number(PullTPS)
            .EndObject();

    internal static ConsumeStatusInfo Read(JsonElement e) =>
        new()
        {
            PullRT = GetDouble(e, "pullRT"),
            PullTPS = GetDouble(e, "pullTPS"),
            ConsumeRT = GetDouble(e, "consumeRT"),
            ConsumeOKTPS = GetDouble(e, "consumeOKTPS"),
            ConsumeFailedTPS = GetDouble(e, "consumeFailedTPS"),
            ConsumeFailedMsgs = FastJson.GetInt64(e, "consumeFailedMsgs"),
        };

    private static double GetDouble(JsonElement e, string name) =>
        FastJson.TryGet(e, name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
}

/// <summary>
/// Body of the answer to GET_CONSUMER_RUNNING_INFO (307), produced by the client and relayed by the
/// broker verbatim (wire doc 5.11). <c>mqTable</c> uses fastjson's object-as-key form.
/// </summary>
public sealed class ConsumerRunningInfoBody
{
    public const string PropNameServerAddr = "PROP_NAMESERVER_ADDR";
    public const string PropThreadPoolCoreSize = "PROP_THREADPOOL_CORE_SIZE";
    public const string PropConsumeOrderly = "PROP_CONSUMEORDERLY";
    public const string PropConsumeType = "PROP_CONSUME_TYPE";
    public const string PropClientVersion = "PROP_CLIENT_VERSION";
    public const string PropConsumerStartTimestamp = "PROP_CONSUMER_START_TIMESTAMP";

    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);

    public List<SubscriptionData> SubscriptionSet { get; set; } = [];

    public Dictionary<MessageQueue, ProcessQueueInfo> MqTable { get; set; } = [];

    /// <summary>Topic → statistics.</summary>
    public Dictionary<string, ConsumeStatusInfo> StatusTable { get; set; } = new(StringComparer.Ordinal);

    public string? Jstack { get; set; }

    public byte[] Encode()
    {
        var json = new FastJsonWriter();
        json.StartObject().Property("jstack", Jstack).PropertyName("mqTable").StartObject();
        foreach (var queue in ObjectKeyMaps.SortedKeys(MqTable))
        {
            queue.Write(json);
            MqTable[queue].Write(json);
        }

        json.EndObject().PropertyName("properties").StartObject();
        foreach (var key in Sorted(Properties.Keys))
        {
            json.PropertyName(key).String(Properties[key]);
        }

        json.EndObject().PropertyName("statusTable").StartObject();
        foreach (var topic in Sorted(StatusTable.Keys))
        {
            json.PropertyName(topic);
            StatusTable[topic].Write(json);
        }

        json.EndObject().PropertyName("subscriptionSet").StartArray();
        foreach (var subscription in SubscriptionSet)
        {
            subscription.Write(json);
        }

        return json.EndArray().EndObject().ToArray();
    }

    public static ConsumerRunningInfoBody Decode(ReadOnlySpan<byte> body)
    {
        using var document = FastJson.Parse(body);
        var root = document.RootElement;
        var info = new ConsumerRunningInfoBody { Jstack = FastJson.GetString(root, "jstack") };
        foreach (var entry in FastJson.GetObject(root, "properties"))
        {
            info.Properties[entry.Name] = FastJson.AsString(entry.Value) ?? string.Empty;
        }

        foreach (var item in FastJson.GetArray(root, "subscriptionSet"))
        {
            info.SubscriptionSet.Add(SubscriptionData.Read(item));
        }

        foreach (var entry in FastJson.GetObject(root, "mqTable"))
        {
            info.MqTable[ObjectKeyMaps.ReadQueueKey(entry.Name)] = ProcessQueueInfo.Read(entry.Value);
        }

        foreach (var entry in FastJson.GetObject(root, "statusTable"))
        {
            info.StatusTable[entry.Name] = ConsumeStatusInfo.Read(entry.Value);
        }

        return info;
    }

    private static List<string> Sorted(IEnumerable<string> keys)
    {
        var list = new List<string>(keys);
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
