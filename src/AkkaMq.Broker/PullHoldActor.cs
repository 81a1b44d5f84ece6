using AkkaMq.Actors;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>
/// Long polling: holds suspended pulls per queue and wakes them when the store actor reports new
/// records on that queue (or when the puller's own timeout fires, which completes the wake task
/// itself). Owns the table of held pulls; a sweep drops holds that completed elsewhere.
/// </summary>
public sealed class PullHoldActor : ReceiveActor
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly MessageStore _store;
    private readonly Dictionary<(string Topic, int QueueId), List<HoldPull>> _holds = [];

    private PullHoldActor(MessageStore store)
    {
        _store = store;
        Receive<HoldPull>(Hold);
        Receive<MessageArrived>(m => WakeArrived(m.Topic, m.QueueId));
        Receive<SweepHolds>(_ => Sweep());
        Receive<ReleaseAllHolds>(_ => ReleaseAll());
    }

    public static Props Props(MessageStore store) => AkkaMq.Actors.Props.Create(() => new PullHoldActor(store));

    protected override void PreStart() => Timers.StartPeriodicTimer("sweep", SweepHolds.Instance, SweepInterval);

    private void Hold(HoldPull hold)
    {
        // A record may have landed between the pull's read and this registration: check first.
        if (_store.GetMaxOffset(hold.Topic, hold.QueueId) > hold.Offset)
        {
            hold.Wake.TrySetResult(true);
            return;
        }

        var key = (hold.Topic, hold.QueueId);
        if (!_holds.TryGetValue(key, out var list))
        {
            _holds[key] = list = [];
        }

        list.Add(hold);
    }

    private void WakeArrived(string topic, int queueId)
    {
        if (!_holds.TryGetValue((topic, queueId), out var list))
        {
            return;
        }

        long max = _store.GetMaxOffset(topic, queueId);
        int kept = 0;
        for (int i = 0; i < list.Count; i++)
        {
            var hold = list[i];
            if (hold.Wake.Task.IsCompleted || (max > hold.Offset && hold.Wake.TrySetResult(true)))
            {
                continue;
            }

            list[kept++] = hold;
        }

        list.RemoveRange(kept, list.Count - kept);
        if (list.Count == 0)
        {
            _holds.Remove((topic, queueId));
        }
    }

    private void Sweep()
    {
        List<(string, int)>? empty = null;
        foreach (var (key, list) in _holds)
        {
            list.RemoveAll(static h => h.Wake.Task.IsCompleted);
            if (list.Count == 0)
            {
                (empty ??= []).Add(key);
            }
        }

        foreach (var key in empty ?? [])
        {
            _holds.Remove(key);
        }
    }

    private void ReleaseAll()
    {
        foreach (var list in _holds.Values)
        {
            foreach (var hold in list)
            {
                hold.Wake.TrySetResult(false);
            }
        }

        _holds.Clear();
    }
}

/// <summary>Wake <paramref name="Wake"/> (true) when the queue's max offset passes <paramref name="Offset"/>.</summary>
public sealed record HoldPull(string Topic, int QueueId, long Offset, TaskCompletionSource<bool> Wake);

/// <summary>The store actor appended records to this queue.</summary>
public sealed record MessageArrived(string Topic, int QueueId);

/// <summary>Answer every held pull now (shutdown).</summary>
public sealed record ReleaseAllHolds
{
    public static ReleaseAllHolds Instance { get; } = new();
}

internal sealed record SweepHolds
{
    public static SweepHolds Instance { get; } = new();
}
