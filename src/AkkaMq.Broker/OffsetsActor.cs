using Akka.Actor;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// Owns the consumer offset table (<c>topic@group</c> → queue → offset). Commits change memory and
/// reach the log (through the store actor, in <see cref="OffsetSnapshot.Topic"/>, so durable and
/// replicated with it) within <see cref="DeltaInterval"/> as a small delta record of the entries
/// that changed; at most one delta is written per interval and one is in flight at a time. Every
/// <see cref="PersistInterval"/> when something changed, and on <see cref="PersistOffsets"/>, a
/// snapshot of the whole table is stored, which bounds how many deltas loading applies. An
/// unchanged table is stored again once its last snapshot is a refresh interval old (see
/// <see cref="OffsetSnapshot.RefreshIntervalFor"/>), so retention never deletes the segment that
/// holds the newest snapshot.
/// </summary>
public sealed partial class OffsetsActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(5);

    /// <summary>The shortest time between two delta records (the longest a commit waits to reach the log).</summary>
    public static readonly TimeSpan DeltaInterval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, Dictionary<int, long>> _table;
    private readonly IActorRef _storeActor;
    private readonly IPv4Endpoint _storeHost;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly OffsetResets _resets;
    private readonly long _refreshMillis;
    private readonly Membership.BrokerMembership? _membership;
    private bool _dirty;

    /// <summary>When the newest snapshot was stored; the one loaded at start is of unknown age.</summary>
    private long _storedAt = long.MinValue;

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public OffsetsActor(
        Dictionary<string, Dictionary<int, long>> initial, IActorRef storeActor, IPv4Endpoint storeHost, TimeSpan fileReservedTime, OffsetResets resets, TimeProvider time, ILogger log,
        Membership.BrokerMembership? membership = null, TimeSpan? deltaInterval = null, Func<long>? readableOffset = null)
    {
        _membership = membership;
        _readableOffset = readableOffset ?? (static () => long.MaxValue);
        _deltaInterval = deltaInterval ?? DeltaInterval;
        _table = initial;
        VisibleIsTable();
        _resets = resets;
        _refreshMillis = (long)OffsetSnapshot.RefreshIntervalFor(fileReservedTime).TotalMilliseconds;
        _storeActor = storeActor;
        _storeHost = storeHost;
        _time = time;
        _log = log;
        Receive<CommitOffset>(m => Commit(m));
        Receive<CommitOffsetDurably>(CommitDurably);
        Receive<WriteDelta>(_ => OnWriteDelta());
        Receive<DeltaStored>(OnDeltaStored);
        Receive<QueryOffset>(m => Sender.Tell(new StoredOffset(Find(m.Group, m.Topic, m.QueueId)), Self));
        Receive<GetGroupOffsets>(m => Sender.Tell(GroupOffsets(m.Group), Self));
        Receive<GetTopicGroups>(m => Sender.Tell(TopicGroups(m.Topic), Self));
        Receive<ResetGroupOffsets>(Reset);
        Receive<ClearOffsetResets>(m => _resets.Clear(m.Topic, m.Group));
        Receive<CloneGroupOffsets>(Clone);
        Receive<ReplaceOffsetTable>(Replace);
        ReceiveAsync<PersistOffsets>(_ => PersistAsync(Sender));
        ReceiveAsync<PersistTick>(_ => PersistAsync(null));
    }

    /// <param name="fileReservedTime">The store's retention: an unchanged table is stored again well within it.</param>
    /// <param name="membership">While it says follower, no record is stored: commits stay in memory and the table follows the master's replicated records.</param>
    /// <param name="deltaInterval">The shortest time between two delta records (<see cref="DeltaInterval"/> when null).</param>
    /// <param name="readableOffset">The store's readable offset: queries answer offsets whose records lie below it (null: everything written).</param>
    public static Props Props(
        Dictionary<string, Dictionary<int, long>> initial, IActorRef storeActor, IPv4Endpoint storeHost, TimeSpan fileReservedTime, OffsetResets resets, TimeProvider time, ILogger log,
        Membership.BrokerMembership? membership = null, TimeSpan? deltaInterval = null, Func<long>? readableOffset = null) =>
        Akka.Actor.Props.Create(() => new OffsetsActor(
            new Dictionary<string, Dictionary<int, long>>(initial, StringComparer.Ordinal), storeActor, storeHost, fileReservedTime, resets, time, log, membership, deltaInterval, readableOffset));

    protected override void PreStart() => Timers.StartPeriodicTimer("persist", PersistTick.Instance, PersistInterval);

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Applies a commit; true when the entry changed.</summary>
    private bool Commit(CommitOffset m)
    {
        if (_resets.IsPending(m.Topic, m.Group, m.QueueId))
        {
            // The consumer still reports its position from before an operator's reset.
            return false;
        }

        string key = OffsetSnapshot.Key(m.Topic, m.Group);
        if (!_table.TryGetValue(key, out var queues))
        {
            _table[key] = queues = [];
        }

        if (!queues.TryGetValue(m.QueueId, out long current) || current != m.Offset)
        {
            queues[m.QueueId] = m.Offset;
            _dirty = true;
            DeltaChanged(key, m.QueueId);
            return true;
        }

        return false;
    }

    /// <summary>Stores an operator's reset; with <see cref="ResetGroupOffsets.UntilPulled"/> it also waits for the consumers' next pulls.</summary>
    private void Reset(ResetGroupOffsets m)
    {
        string key = OffsetSnapshot.Key(m.Topic, m.Group);
        if (!_table.TryGetValue(key, out var queues))
        {
            _table[key] = queues = [];
        }

        // One delta for the whole reset, written once every queue is in.
        _holdDelta = true;
        foreach (var (queueId, offset) in m.Offsets)
        {
            queues[queueId] = offset;
            DeltaChanged(key, queueId);
            if (m.UntilPulled)
            {
                _resets.Assign(m.Topic, m.Group, queueId, offset);
            }
        }

        _holdDelta = false;
        ScheduleDelta();
        _dirty = true;
        _log.LogInformation("Offsets of group {Group} on topic {Topic} reset to {Offsets}", m.Group, m.Topic, string.Join(", ", m.Offsets));
        Sender.Tell(OffsetsReset.Instance, Self);
    }

    /// <summary>RocketMQ's cloneOffset: the destination's table for each topic becomes a copy of the source's.</summary>
    private void Clone(CloneGroupOffsets m)
    {
        var cloned = new List<string>();
        foreach (string topic in m.Topics)
        {
            if (_table.TryGetValue(OffsetSnapshot.Key(topic, m.SourceGroup), out var source))
            {
                string destination = OffsetSnapshot.Key(topic, m.DestinationGroup);
                _table[destination] = new Dictionary<int, long>(source);
                DeltaReplaced(destination);
                cloned.Add(topic);
                _dirty = true;
            }
        }

        Sender.Tell(new ClonedTopics(cloned), Self);
    }

    private long Find(string group, string topic, int queueId) =>
        ReadTable().TryGetValue(OffsetSnapshot.Key(topic, group), out var queues) && queues.TryGetValue(queueId, out long offset) ? offset : -1;

    private GroupOffsetTable GroupOffsets(string group)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<int, long>>(StringComparer.Ordinal);
        string suffix = "@" + group;
        foreach (var (key, queues) in ReadTable())
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

    /// <summary>The table becomes the one read from the log (a follower's replicated snapshot, or the log a new master took over).</summary>
    private void Replace(ReplaceOffsetTable m)
    {
        var previous = m.KeepHigherCommits ? new Dictionary<string, Dictionary<int, long>>(_table, StringComparer.Ordinal) : null;
        _table.Clear();
        foreach (var (key, queues) in m.Table)
        {
            _table[key] = new Dictionary<int, long>(queues);
        }

        _dirty = false;
        foreach (var (key, queues) in previous ?? [])
        {
            foreach (var (queueId, offset) in queues)
            {
                var entries = _table.TryGetValue(key, out var e) ? e : _table[key] = [];
                if (!entries.TryGetValue(queueId, out long logged) || logged < offset)
                {
                    // Written with the next snapshot, which the new master stores at once.
                    entries[queueId] = offset;
                    _dirty = true;
                }
            }
        }

        _storedAt = long.MinValue;
        ForgetDeltas("the offset table was replaced from the log");
        VisibleIsTable();
        if (!Sender.IsNobody())
        {
            Sender.Tell(OffsetTableReplaced.Instance, Self);
        }
    }

    private async Task PersistAsync(IActorRef? replyTo)
    {
        if (_membership is { IsMaster: false })
        {
            // A follower's log is the master's: its offsets arrive there as the master's snapshots.
            _dirty = false;
            replyTo?.Tell(OffsetsPersisted.Instance, Self);
            return;
        }

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
        // Changes a refused delta left behind are tried again on each tick.
        ScheduleDelta();
    }
}

/// <summary>Replace the whole offset table (topic@group → queue → offset); replies <see cref="OffsetTableReplaced"/> to a sender.</summary>
public sealed record ReplaceOffsetTable(IReadOnlyDictionary<string, Dictionary<int, long>> Table)
{
    /// <summary>
    /// Keep an entry of the current table that is ahead of <see cref="Table"/>'s: a follower taking over as master
    /// keeps the commits consumers made on it while the group had no master, which the log does not hold.
    /// </summary>
    public bool KeepHigherCommits { get; init; }
}

public sealed record OffsetTableReplaced
{
    public static OffsetTableReplaced Instance { get; } = new();
}

public sealed record CommitOffset(string Group, string Topic, int QueueId, long Offset);

/// <summary>
/// A commit answered with <see cref="OffsetCommitOutcome"/> once the record holding it is in the
/// log (durable per the store's flush mode): a two-way UPDATE_CONSUMER_OFFSET.
/// </summary>
public sealed record CommitOffsetDurably(CommitOffset Commit);

/// <summary>Whether a <see cref="CommitOffsetDurably"/> reached the log; <paramref name="Error"/> says why not.</summary>
public sealed record OffsetCommitOutcome(bool Stored, string? Error = null)
{
    public static OffsetCommitOutcome Done { get; } = new(true);
}

/// <summary>Replies <see cref="StoredOffset"/>; −1 when the group has no offset for the queue.</summary>
public sealed record QueryOffset(string Group, string Topic, int QueueId);

public sealed record StoredOffset(long Offset);

/// <summary>Replies <see cref="GroupOffsetTable"/>: topic → queue → offset.</summary>
public sealed record GetGroupOffsets(string Group);

public sealed record GroupOffsetTable(IReadOnlyDictionary<string, IReadOnlyDictionary<int, long>> Topics);

/// <summary>Replies <see cref="TopicGroupList"/>: groups holding offsets for the topic.</summary>
public sealed record GetTopicGroups(string Topic);

public sealed record TopicGroupList(IReadOnlyList<string> Groups);

/// <summary>
/// An operator's reset of a group's offsets on one topic (queue → offset); replies
/// <see cref="OffsetsReset"/>. <paramref name="UntilPulled"/>: also hold the reset in
/// <see cref="OffsetResets"/> until each queue is pulled (the group is online).
/// </summary>
public sealed record ResetGroupOffsets(string Group, string Topic, IReadOnlyDictionary<int, long> Offsets, bool UntilPulled);

public sealed record OffsetsReset
{
    public static OffsetsReset Instance { get; } = new();
}

/// <summary>Forget pending resets of the group on the topic (no reply): the group is offline and its offsets are set queue by queue.</summary>
public sealed record ClearOffsetResets(string Group, string Topic);

/// <summary>Copy the source group's offsets of each topic to the destination group; replies <see cref="ClonedTopics"/>.</summary>
public sealed record CloneGroupOffsets(string SourceGroup, string DestinationGroup, IReadOnlyList<string> Topics);

/// <summary>The topics whose offsets were copied (those the source group had offsets for).</summary>
public sealed record ClonedTopics(IReadOnlyList<string> Topics);

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
