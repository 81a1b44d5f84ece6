namespace AkkaMq.Actors;

/// <summary>
/// Timers owned by one actor, keyed so that starting a timer with a used key replaces it. All
/// are cancelled when the actor stops or restarts. A cancelled timer never delivers, even if its
/// message was already queued: each delivery carries a generation that must still be current.
/// </summary>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="message"/> to self once after <paramref name="delay"/>.</summary>
    void StartSingleTimer(object key, object message, TimeSpan delay);

    /// <summary>Sends <paramref name="message"/> to self every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Sends after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>Whether a timer with this key is pending.</summary>
    bool IsTimerActive(object key);

    /// <summary>Cancels the timer with this key, if any.</summary>
    void Cancel(object key);

    /// <summary>Cancels every timer of this actor.</summary>
    void CancelAll();
}

/// <summary>Loop-owned: only the actor's own handlers and the cell touch it.</summary>
internal sealed class TimerScheduler : ITimerScheduler
{
    private readonly ActorCell _cell;
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    public TimerScheduler(ActorCell cell) => _cell = cell;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, Timeout.InfiniteTimeSpan);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out Entry? entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (Entry entry in _timers.Values)
        {
            entry.Timer.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>True when the delivery belongs to a live timer; a single timer is then finished.</summary>
    internal bool TryAccept(Fired fired)
    {
        if (!_timers.TryGetValue(fired.Key, out Entry? entry) || entry.Generation != fired.Generation)
        {
            return false;
        }

        if (!entry.Periodic)
        {
            _timers.Remove(fired.Key);
            entry.Timer.Dispose();
        }

        return true;
    }

    private void Start(object key, object message, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var fired = new Fired(key, ++_generation, message);
        ITimer timer = _cell.TimeProvider.CreateTimer(
            static state =>
            {
                var (cell, delivery) = ((ActorCell, Fired))state!;
                cell.Post(new Envelope(delivery, null));
            },
            (_cell, fired),
            dueTime,
            period);
        _timers[key] = new Entry(timer, fired.Generation, period != Timeout.InfiniteTimeSpan);
    }

    internal sealed record Fired(object Key, int Generation, object Message);

    private sealed record Entry(ITimer Timer, int Generation, bool Periodic);
}
