using System.Collections.Immutable;
using Akka.Actor;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.SubscriptionGroups;

/// <summary>
/// Owns the broker's subscription-group table. Every change is stored as a snapshot of the whole
/// table (one record in queue <see cref="SnapshotQueue"/> of the broker's private offsets topic,
/// which clients can neither send to nor read) and is answered only once the store acknowledged
/// it; then the new table is published to <see cref="SubscriptionGroupFeed"/> for lock-free reads.
/// The snapshot is re-stored periodically (see <see cref="OffsetSnapshot.RefreshIntervalFor"/>) so the newest one
/// always lies in a commit-log segment that retention has not deleted.
/// </summary>
public sealed class SubscriptionGroupsActor : ReceiveActor, IWithTimers
{
    /// <summary>Queue of <see cref="OffsetSnapshot.Topic"/> that holds the subscription-group snapshots.</summary>
    public const int SnapshotQueue = 1;

    private readonly TimeSpan _refreshInterval;

    private readonly IActorRef _storeActor;
    private readonly IPv4Endpoint _storeHost;
    private readonly SubscriptionGroupFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private long _version;
    private readonly Membership.BrokerMembership? _membership;

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public SubscriptionGroupsActor(IActorRef storeActor, IPv4Endpoint storeHost, SubscriptionGroupFeed feed, TimeSpan fileReservedTime, TimeProvider time, ILogger log,
        Membership.BrokerMembership? membership = null)
    {
        _membership = membership;
        _refreshInterval = OffsetSnapshot.RefreshIntervalFor(fileReservedTime);
        _storeActor = storeActor;
        _storeHost = storeHost;
        _feed = feed;
        _time = time;
        _log = log;
        ReceiveAsync<UpsertSubscriptionGroup>(m => ChangeAsync(_feed.Current.SetItem(m.Config.GroupName, m.Config), Sender));
        ReceiveAsync<RemoveSubscriptionGroup>(m => ChangeAsync(_feed.Current.Remove(m.GroupName), Sender));
        ReceiveAsync<RefreshSubscriptionGroups>(_ => _feed.Current.IsEmpty || _membership is { IsMaster: false } ? Task.CompletedTask : ChangeAsync(_feed.Current, null));
        Receive<ReloadSubscriptionGroups>(m => _feed.Publish(m.Table));
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("refresh", RefreshSubscriptionGroups.Instance, _refreshInterval);

    /// <param name="fileReservedTime">The store's retention: the table is re-stored well within it.</param>
    public static Props Props(IActorRef storeActor, IPv4Endpoint storeHost, SubscriptionGroupFeed feed, TimeSpan fileReservedTime, TimeProvider time, ILogger log,
        Membership.BrokerMembership? membership = null) =>
        Akka.Actor.Props.Create(() => new SubscriptionGroupsActor(storeActor, storeHost, feed, fileReservedTime, time, log, membership));

    /// <summary>The table in the newest snapshot, or an empty one.</summary>
    public static ImmutableSortedDictionary<string, SubscriptionGroupConfig> LoadLatest(MessageStore store)
    {
        long max = store.GetMaxOffset(OffsetSnapshot.Topic, SnapshotQueue);
        long min = store.GetMinOffset(OffsetSnapshot.Topic, SnapshotQueue);
        Span<QueueEntry> entry = stackalloc QueueEntry[1];
        for (long offset = max - 1; offset >= min; offset--)
        {
            if (store.ReadQueue(OffsetSnapshot.Topic, SnapshotQueue, offset, entry, default, 1).Count == 1
                && store.TryGetMessage(entry[0].CommitLogOffset, entry[0].Size, out StoredBytes bytes))
            {
                using (bytes)
                {
                    return SubscriptionGroupConfig.DecodeTable(MessageRecordLayout.Body(bytes.Span));
                }
            }
        }

        return ImmutableSortedDictionary.Create<string, SubscriptionGroupConfig>(StringComparer.Ordinal);
    }

    private async Task ChangeAsync(ImmutableSortedDictionary<string, SubscriptionGroupConfig> next, IActorRef? replyTo)
    {
        var record = new MessageToStore(
            OffsetSnapshot.Topic, SnapshotQueue, 0, SubscriptionGroupConfig.EncodeTable(next, _version + 1), string.Empty,
            _time.GetUtcNow().ToUnixTimeMilliseconds(), _storeHost, _storeHost);
        var completion = new TaskAppendCompletion();
        _storeActor.Tell(new AppendMessages(new[] { record }, completion));
        var result = (await completion.Task)[0];
        if (!result.IsOk)
        {
            _log.LogWarning("Subscription groups not stored: {Status}", result.Status);
            replyTo?.Tell(new SubscriptionGroupsChanged(result.Status), Self);
            return;
        }

        _version++;
        _feed.Publish(next);
        replyTo?.Tell(new SubscriptionGroupsChanged(AppendStatus.Ok), Self);
    }
}

/// <summary>The current subscription-group table; written only by <see cref="SubscriptionGroupsActor"/>, read by any thread.</summary>
public sealed class SubscriptionGroupFeed(ImmutableSortedDictionary<string, SubscriptionGroupConfig> initial)
{
    private ImmutableSortedDictionary<string, SubscriptionGroupConfig> _current = initial;

    public ImmutableSortedDictionary<string, SubscriptionGroupConfig> Current => Volatile.Read(ref _current);

    internal void Publish(ImmutableSortedDictionary<string, SubscriptionGroupConfig> table) => Volatile.Write(ref _current, table);
}

/// <summary>Publish a table read from the log (the master's replicated snapshot); no reply.</summary>
public sealed record ReloadSubscriptionGroups(ImmutableSortedDictionary<string, SubscriptionGroupConfig> Table);

/// <summary>Create or replace a group's config; replies <see cref="SubscriptionGroupsChanged"/> once stored.</summary>
public sealed record UpsertSubscriptionGroup(SubscriptionGroupConfig Config);

/// <summary>Delete a group's config; replies <see cref="SubscriptionGroupsChanged"/> once stored.</summary>
public sealed record RemoveSubscriptionGroup(string GroupName);

public sealed record SubscriptionGroupsChanged(AppendStatus Status);

internal sealed record RefreshSubscriptionGroups
{
    public static RefreshSubscriptionGroups Instance { get; } = new();
}
