using Akka.Actor;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// Owns the consumer offset table (<c>topic@group</c> → queue → offset). Commits change memory;
/// every <see cref="PersistInterval"/> when something changed, and on <see cref="PersistOffsets"/>,
/// a snapshot is appended through the store actor to <see cref="OffsetSnapshot.Topic"/>, so offsets
/// are durable (and replicated) with the log. An unchanged table is stored again once its last
/// snapshot is a refresh interval old (see <see cref="OffsetSnapshot.RefreshIntervalFor"/>),
/// so retention never deletes the segment that holds the newest snapshot.
/// </summary>
public sealed class OffsetsActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, Dictionary<int, long>> _table;
    private readonly IActorRef _storeActor;
    private readonly IPv4Endpoint _storeHost;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly long _refreshMillis;
    private bool _dirty;

    /// <summary>When the newest snapshot was stored; the one loaded at start is of unknown age.</summary>
    private long _storedAt = long.MinValue;

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public OffsetsActor(Dictionary<string, Dictionary<int, long>> initial, IActorRef storeActor, IPv4Endpoint storeHost, TimeSpan fileReservedTime, TimeProvider time, ILogger log)
    {
        _table = initial;
        _refreshMillis = (long)OffsetSnapshot.RefreshIntervalFor(fileReservedTime).TotalMilliseconds;
        _storeActor = storeActor;
        _storeHost = storeHost;
        _time = time;
        _log = log;
        Receive<CommitOffset>(Commit);
        Receive<QueryOffset>(m => Sender.Tell(new StoredOffset(Find(m.Group, m.Topic, m.QueueId)), Self));
        Receive<GetGroupOffsets>(m => Sender.Tell(GroupOffsets(m.Group), Self));
        Receive<GetTopicGroups>(m => Sender.Tell(TopicGroups(m.Topic), Self));
        ReceiveAsync<PersistOffsets>(_ => PersistAsync(Sender));
        ReceiveAsync<PersistTick>(_ => PersistAsync(null));
    }

    /// <param name="fileReservedTime">The store's retention: an unchanged table is stored again well within it.</param>
    public static Props Props(
        Dictionary<string, Dictionary<int, long>> initial, IActorRef storeActor, IPv4Endpoint storeHost, TimeSpan fileReservedTime, TimeProvider time, ILogger log) =>
        Akka.Actor.Props.Create(() => new OffsetsActor(
            new Dictionary<string, Dictionary<int, long>>(initial, StringComparer.Ordinal), storeActor, storeHost, fileReservedTime, time, log));

    protected override void PreStart() => Timers.StartPeriodicTimer("persist", PersistTick.Instance, PersistInterval);

    private void Commit(CommitOffset m)
    {
        string key = OffsetSnapshot.Key(m.Topic, m.Group);
        if (!_table.TryGetValue(key, out var queues))
        {
            _table[key] = queues = [];
        }

        if (!queues.TryGetValue(m.QueueId, out long current) || current != m.Offset)
        {
            queues[m.QueueId] = m.Offset;
            _dirty = true;
        }
    }

    private long Find(string group, string topic, int queueId) =>
        _table.TryGetValue(OffsetSnapshot.Key(topic, group), out var queues) && queues.TryGetValue(queueId, out long offset) ? offset : -1;

    private GroupOffsetTable GroupOffsets(string group)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<int, long>>(StringComparer.Ordinal);
        string suffix = "@" + group;
        foreach (var (key, queues) in _table)
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
            {
                result[key[..^suffix.Length]] = new Dictionary<int, long>(queues);
            }
        }

        return new GroupOffsetTable(result);
    }

    private TopicGroupList TopicGroups(string topic)
    {
        var groups = new List<string>();
        string prefix = topic + "@";
        foreach (var key in _table.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                groups.Add(key[prefix.Length..]);
            }
        }

        return new TopicGroupList(groups);
    }

    private async Task PersistAsync(IActorRef? replyTo)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        bool aging = _table.Count > 0 && (_storedAt == long.MinValue || now - _storedAt >= _refreshMillis);
        if (_dirty || aging)
        {
            _dirty = false;
            _storedAt = now;
            var record = new MessageToStore(
                OffsetSnapshot.Topic, 0, 0, OffsetSnapshot.Encode(_table), string.Empty,
                now, _storeHost, _storeHost);
            var completion = new TaskAppendCompletion();
            _storeActor.Tell(new AppendMessages(new[] { record }, completion));
            var results = await completion.Task;
            if (!results[0].IsOk)
            {
                _dirty = true;
                _log.LogWarning("Consumer offsets snapshot not stored: {Status}", results[0].Status);
            }
        }

        replyTo?.Tell(OffsetsPersisted.Instance, Self);
    }
}

public sealed record CommitOffset(string Group, string Topic, int QueueId, long Offset);

/// <summary>Replies <see cref="StoredOffset"/>; −1 when the group has no offset for the queue.</summary>
public sealed record QueryOffset(string Group, string Topic, int QueueId);

public sealed record StoredOffset(long Offset);

/// <summary>Replies <see cref="GroupOffsetTable"/>: topic → queue → offset.</summary>
public sealed record GetGroupOffsets(string Group);

public sealed record GroupOffsetTable(IReadOnlyDictionary<string, IReadOnlyDictionary<int, long>> Topics);

/// <summary>Replies <see cref="TopicGroupList"/>: groups holding offsets for the topic.</summary>
public sealed record GetTopicGroups(string Topic);

public sealed record TopicGroupList(IReadOnlyList<string> Groups);

/// <summary>Store a snapshot now if anything changed; replies <see cref="OffsetsPersisted"/>.</summary>
public sealed record PersistOffsets
{
    public static PersistOffsets Instance { get; } = new();
}

public sealed record OffsetsPersisted
{
    public static OffsetsPersisted Instance { get; } = new();
}

internal sealed record PersistTick
{
    public static PersistTick Instance { get; } = new();
}
