using System.Globalization;
using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.LiveConfig;

/// <summary>
/// Broker config (GET_BROKER_CONFIG 26, UPDATE_BROKER_CONFIG 25) and store maintenance on demand
/// (CLEAN_EXPIRED_CONSUMEQUEUE 306, DELETE_EXPIRED_COMMITLOG 329). A live change lasts until the
/// node restarts: the node's file stays the one source of its settings and is never rewritten
/// (RocketMQ rewrites its broker.properties instead); the log says so at every change.
/// </summary>
internal sealed class BrokerConfigProcessor(BrokerContext context)
{
    /// <summary>Store maintenance walks every queue and checkpoints; it may take longer than an ordinary ask.</summary>
    private static readonly TimeSpan MaintenanceTimeout = TimeSpan.FromSeconds(30);

    private readonly BrokerSettings _startup = context.Settings;
    private readonly SemaphoreSlim _updates = new(1, 1);
    private long _versionCounter;
    private long _versionTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The properties of <see cref="BrokerConfigTable"/> with the values in force, and the config's data version.</summary>
    public RemotingCommand GetBrokerConfig(RemotingCommand request)
    {
        var entries = new List<KeyValuePair<string, string>>(BrokerConfigTable.Entries.Count);
        foreach (var entry in BrokerConfigTable.Entries)
        {
            entries.Add(new(entry.Property, entry.Show(context)));
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new GetBrokerConfigResponseHeader { Version = VersionJson() }, response);
        response.Body = PropertiesText.Encode(entries);
        return response;
    }

    /// <summary>
    /// Applies the live keys of the body, all or none: an unknown key, a key that changes only at
    /// start-up, or a bad value refuses the whole update and names the keys.
    /// </summary>
    public async ValueTask<RemotingCommand?> UpdateBrokerConfigAsync(RemotingConnection connection, RemotingCommand request, CancellationToken ct)
    {
        if (!PropertiesText.TryParse(request.Body.Span, out var entries, out var malformed))
        {
            return BrokerResponses.Refuse(request, Refusal.ConfigMalformed, malformed);
        }

        if (Classify(entries) is { } refused)
        {
            return BrokerResponses.Refuse(request, refused.Refusal, refused.Detail);
        }

        if (entries.Count == 0)
        {
            return request.CreateResponse(ResponseCode.Success);
        }

        await _updates.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = context.Settings;
            var next = current;
            var invalid = new List<string>();
            foreach (var (key, value) in entries)
            {
                if (BrokerConfigTable.Find(key)!.Change!(next, _startup, value.Trim(), out next) is { } problem)
                {
                    invalid.Add(key + " must be " + problem);
                }
            }

            if (invalid.Count > 0)
            {
                return BrokerResponses.Refuse(request, Refusal.ConfigValueInvalid, string.Join("; ", invalid));
            }

            if (await ApplyAsync(current, next, ct).ConfigureAwait(false) is { } failure)
            {
                return BrokerResponses.Refuse(request, Refusal.ConfigApplyFailed, failure);
            }

            context.Log.LogInformation(
                "Broker config changed by {Client}: {Changes}. The change lasts until the node restarts; set it in the node's file to keep it",
                connection.RemoteAddress, string.Join(", ", entries.Select(e => e.Key + "=" + e.Value.Trim())));
            return request.CreateResponse(ResponseCode.Success);
        }
        finally
        {
            _updates.Release();
        }
    }

    /// <summary>
    /// Removes the consume queues of topics this broker no longer has and trims every other queue's
    /// files below the commit log's first offset, in the store actor. Like RocketMQ, answers SUCCESS
    /// with no body.
    /// </summary>
    public async ValueTask<RemotingCommand?> CleanExpiredConsumeQueueAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!context.Routes.Current.Groups.ContainsKey(context.Group))
        {
            // The route table says which topics exist. One that does not list this broker group
            // (not received yet, or this broker was dropped from it) would have every user topic's
            // queues removed: refuse rather than guess.
            return BrokerResponses.Refuse(request, Refusal.RouteTableLacksBrokerGroup, context.Group);
        }

        var done = await context.StoreActor.Ask<ConsumeQueuesCleaned>(new CleanConsumeQueues(IsTopicKept), MaintenanceTimeout, ct).ConfigureAwait(false);
        context.Log.LogWarning("cleanExpiredConsumeQueue: {Removed} consume queue(s) of deleted topics removed", done.Removed);
        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>Runs retention now (segments older than the retention in force); SUCCESS with no body, as RocketMQ.</summary>
    public async ValueTask<RemotingCommand?> DeleteExpiredCommitLogAsync(RemotingCommand request, CancellationToken ct)
    {
        var done = await context.StoreActor.Ask<ExpiredFilesDeleted>(DeleteExpiredFiles.Instance, MaintenanceTimeout, ct).ConfigureAwait(false);
        context.Log.LogWarning("deleteExpiredCommitLog: {Segments} commit-log segment(s) deleted", done.Segments);
        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>The first kind of problem among the keys (unknown, then start-up only), naming every key of that kind.</summary>
    private static (Refusal Refusal, string Detail)? Classify(List<KeyValuePair<string, string>> entries)
    {
        var unknown = new List<string>();
        var fixedKeys = new List<string>();
        foreach (var (key, _) in entries)
        {
            switch (BrokerConfigTable.Find(key))
            {
                case null:
                    unknown.Add(key);
                    break;
                case { IsLive: false } entry:
                    fixedKeys.Add(entry.Source);
                    break;
            }
        }

        if (unknown.Count > 0)
        {
            return (Refusal.ConfigKeyUnknown, "[" + string.Join(", ", unknown) + "]");
        }

        if (fixedKeys.Count > 0)
        {
            return (Refusal.ConfigKeyNotLive, "[" + string.Join(", ", fixedKeys) + "] at run time (read from the node's file at start-up); keys that change at run time: " + LiveKeys());
        }

        return null;
    }

    private async ValueTask<string?> ApplyAsync(BrokerSettings current, BrokerSettings next, CancellationToken ct)
    {
        // Auto-create needs the TBW102 template; a broker started with auto-create off has none.
        if (next.AutoCreateTopic && !current.AutoCreateTopic)
        {
            int queues = next.DefaultQueuesPerTopic;
            var template = new TopicConfig(TopicNames.AutoCreateTemplate, queues, queues, Perm.ReadWrite | Perm.Inherit);
            var (status, _, problem) = await TopicResolver.EnsureAsync(context, template, ct).ConfigureAwait(false);
            if (status != TopicLookupStatus.Found)
            {
                return "the auto-create template topic " + TopicNames.AutoCreateTemplate + " could not be created: " + problem;
            }
        }

        var store = next.Store;
        if (store.FileReservedTime != current.Store.FileReservedTime || store.DiskWatermarkPercent != current.Store.DiskWatermarkPercent)
        {
            context.Store.ChangeLimits(store.FileReservedTime, store.DiskWatermarkPercent / 100.0);
        }

        context.ReplaceSettings(next);
        Interlocked.Increment(ref _versionCounter);
        Interlocked.Exchange(ref _versionTimestamp, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return null;
    }

    /// <summary>
    /// Topics whose consume queues stay: those this broker group has in the route table, and the
    /// ones the broker writes for itself (snapshots, schedule, transactions), which have no route.
    /// Read on the store actor's thread, from the route table current at that moment.
    /// </summary>
    private bool IsTopicKept(string topic) =>
        TopicResolver.Find(context, topic) is not null
        || topic == OffsetSnapshot.Topic
        || topic == TopicNames.AutoCreateTemplate
        || TopicNames.IsNotSendable(topic)
        || topic.StartsWith("AKKAMQ_SYS_", StringComparison.Ordinal)
        || topic.StartsWith("rmq_sys_", StringComparison.OrdinalIgnoreCase);

    private string VersionJson() => string.Create(CultureInfo.InvariantCulture,
        $"{{\"counter\":{Interlocked.Read(ref _versionCounter)},\"timestamp\":{Interlocked.Read(ref _versionTimestamp)}}}");

    private static string LiveKeys() => string.Join(", ", BrokerConfigTable.Entries.Where(e => e.IsLive).Select(e => e.Property));
}
