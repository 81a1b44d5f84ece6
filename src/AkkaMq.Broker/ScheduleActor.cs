using System.Globalization;
using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>
/// Delivers delayed messages: every <see cref="TickInterval"/> it reads each level's queue of
/// <c>SCHEDULE_TOPIC_XXXX</c> from its progress offset, and re-writes every message whose delay
/// has passed to its real topic and queue (DELAY removed) in one append per level. Owns the
/// per-level progress, which it commits as the offsets of <see cref="ProgressGroup"/> so it is
/// persisted with the consumer offsets (in the log).
/// </summary>
public sealed class ScheduleActor : ReceiveActor, IWithTimers
{
    /// <summary>The pseudo consumer group whose offsets on the schedule topic are the delivery progress.</summary>
    public const string ProgressGroup = "AKKAMQ_SYS_SCHEDULE";

    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);
    private const int MaxPerTick = 64;

    private readonly MessageStore _store;
    private readonly IActorRef _storeActor;
    private readonly IActorRef _offsets;
    private readonly IPv4Endpoint _storeHost;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly IReadOnlyList<TimeSpan> _delays;
    private readonly long[] _progress = new long[DelayLevels.MaxLevel];
    private bool _paused;
    private readonly Membership.BrokerMembership? _membership;

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public ScheduleActor(
        MessageStore store, IActorRef storeActor, IActorRef offsets, IPv4Endpoint storeHost, IReadOnlyDictionary<int, long>? progress, IReadOnlyList<TimeSpan> delays, TimeProvider time, ILogger log,
        Membership.BrokerMembership? membership = null)
    {
        _membership = membership;
        _delays = delays;
        _store = store;
        _storeActor = storeActor;
        _offsets = offsets;
        _storeHost = storeHost;
        _time = time;
        _log = log;
        SetProgress(progress);

        // A follower delivers nothing: the master's deliveries arrive in its log.
        ReceiveAsync<DeliverDue>(_ => _paused || _membership is { IsMaster: false } ? Task.CompletedTask : DeliverAsync());
        Receive<ResumeDeliveries>(m =>
        {
            // Handlers run one at a time, so no delivery is in flight while the progress is replaced.
            SetProgress(m.Progress);
            Sender.Tell(DeliveriesResumed.Instance, Self);
        });
        Receive<PauseDeliveries>(_ =>
        {
            // Handlers run one at a time, so no delivery is half done here, and its progress
            // commit is already in the offsets actor's mailbox ahead of the final offsets snapshot.
            _paused = true;
            Timers.Cancel("tick");
            Sender.Tell(DeliveriesPaused.Instance, Self);
        });
    }

    /// <param name="delays">Delay of each level, level 1 first (see <see cref="DelayLevels.Resolve"/>).</param>
    /// <param name="membership">While it says follower, nothing is delivered.</param>
    public static Props Props(
        MessageStore store, IActorRef storeActor, IActorRef offsets, IPv4Endpoint storeHost, IReadOnlyDictionary<int, long>? progress, IReadOnlyList<TimeSpan> delays, TimeProvider time, ILogger log,
        Membership.BrokerMembership? membership = null) =>
        Akka.Actor.Props.Create(() => new ScheduleActor(store, storeActor, offsets, storeHost, progress, delays, time, log, membership));

    private void SetProgress(IReadOnlyDictionary<int, long>? progress)
    {
        Array.Clear(_progress);
        foreach (var (queue, offset) in progress ?? new Dictionary<int, long>())
        {
            if (queue >= 0 && queue < _progress.Length)
            {
                _progress[queue] = offset;
            }
        }
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("tick", DeliverDue.Instance, TickInterval);

    private async Task DeliverAsync()
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int queue = 0; queue < _progress.Length; queue++)
        {
            if (_store.GetMaxOffset(TopicNames.Schedule, queue) > _progress[queue])
            {
                await DeliverLevelAsync(queue, now);
            }
        }
    }

    private async Task DeliverLevelAsync(int queue, long now)
    {
        long delay = (long)DelayLevels.DelayOf(_delays, queue).TotalMilliseconds;
        var due = new List<MessageToStore>();
        long next = Math.Max(_progress[queue], _store.GetMinOffset(TopicNames.Schedule, queue));
        long max = _store.GetMaxOffset(TopicNames.Schedule, queue);
        while (next < max && due.Count < MaxPerTick)
        {
            var parked = Read(queue, next);
            if (parked is not null && parked.StoreTimestamp + delay > now)
            {
                break;
            }

            if (parked is not null && ToRealQueue(parked) is { } real)
            {
                due.Add(real);
            }

            next++;
        }

        if (next == _progress[queue])
        {
            return;
        }

        if (due.Count > 0)
        {
            var completion = new TaskAppendCompletion();
            _storeActor.Tell(new AppendMessages(due.ToArray(), completion));
            var results = await completion.Task;
            foreach (var result in results)
            {
                if (!result.IsOk)
                {
                    _log.LogWarning("Delayed messages of level {Level} not delivered yet: {Status}", queue + 1, result.Status);
                    return;
                }
            }
        }

        _progress[queue] = next;
        _offsets.Tell(new CommitOffset(ProgressGroup, TopicNames.Schedule, queue, next));
    }

    private StoredMessage? Read(int queue, long offset)
    {
        Span<QueueEntry> entry = stackalloc QueueEntry[1];
        if (_store.ReadQueue(TopicNames.Schedule, queue, offset, entry, default, 1).Count == 1
            && entry[0].QueueOffset == offset
            && _store.TryGetMessage(entry[0].CommitLogOffset, entry[0].Size, out StoredBytes bytes))
        {
            using (bytes)
            {
                return StoredMessage.Decode(bytes.Span);
            }
        }

        return null;
    }

    private MessageToStore? ToRealQueue(StoredMessage parked)
    {
        string? topic = MessageProperties.Get(parked.Properties, MessageProperty.RealTopic);
        string? queueText = MessageProperties.Get(parked.Properties, MessageProperty.RealQueueId);
        if (topic is null || !int.TryParse(queueText, NumberStyles.None, CultureInfo.InvariantCulture, out int queueId))
        {
            _log.LogWarning("Delayed message at {Offset} has no real topic/queue; dropped", parked.CommitLogOffset);
            return null;
        }

        return new MessageToStore(
            topic, queueId, parked.Flag, parked.Body, MessageProperties.Remove(parked.Properties, MessageProperty.DelayTimeLevel),
            parked.BornTimestamp, parked.BornHost, _storeHost, parked.SysFlag, parked.ReconsumeTimes);
    }
}

/// <summary>
/// Continue from this per-level progress (the offsets of <see cref="ScheduleActor.ProgressGroup"/> in the
/// log a new master took over); replies <see cref="DeliveriesResumed"/>. Delivery runs while the broker is master.
/// </summary>
public sealed record ResumeDeliveries(IReadOnlyDictionary<int, long>? Progress);

public sealed record DeliveriesResumed
{
    public static DeliveriesResumed Instance { get; } = new();
}

internal sealed record DeliverDue
{
    public static DeliverDue Instance { get; } = new();
}

/// <summary>
/// Stop delivering (shutdown, before the last offsets snapshot): every delivery made so far has its
/// progress committed, so a restart neither repeats nor skips one. Replies <see cref="DeliveriesPaused"/>.
/// </summary>
public sealed record PauseDeliveries
{
    public static PauseDeliveries Instance { get; } = new();
}

public sealed record DeliveriesPaused
{
    public static DeliveriesPaused Instance { get; } = new();
}
