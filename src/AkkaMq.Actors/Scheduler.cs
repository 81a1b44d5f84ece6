using System.Collections.Concurrent;

namespace AkkaMq.Actors;

/// <summary>A scheduled tell that can be cancelled.</summary>
public interface ICancelable
{
    /// <summary>Whether <see cref="Cancel"/> was called.</summary>
    bool IsCancellationRequested { get; }

    /// <summary>Stops further deliveries; idempotent.</summary>
    void Cancel();
}

/// <summary>
/// Tells messages after a delay or repeatedly, on the system's <see cref="TimeProvider"/>. Inside
/// an actor prefer <see cref="ITimerScheduler"/>, whose timers die with the actor.
/// </summary>
public sealed class Scheduler
{
    private readonly TimeProvider _time;

    // Keeps live timers reachable: a System.Threading timer nobody references can be collected.
    private readonly ConcurrentDictionary<Entry, byte> _live = new();

    internal Scheduler(TimeProvider time) => _time = time;

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> once, after <paramref name="delay"/>.</summary>
    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null) =>
        Start(delay, Timeout.InfiniteTimeSpan, receiver, message, sender);

    /// <summary>Tells after <paramref name="initialDelay"/>, then every <paramref name="interval"/>, until cancelled.</summary>
    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return Start(initialDelay, interval, receiver, message, sender);
    }

    private Entry Start(TimeSpan delay, TimeSpan period, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        var entry = new Entry(this, receiver, message, sender, period == Timeout.InfiniteTimeSpan);
        _live[entry] = 0;
        entry.Timer = _time.CreateTimer(static state => ((Entry)state!).Fire(), entry, delay, period);
        return entry;
    }

    private sealed class Entry(Scheduler owner, IActorRef receiver, object message, IActorRef? sender, bool once) : ICancelable
    {
        private int _cancelled;

        public ITimer? Timer { get; set; }

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
            {
                Timer?.Dispose();
                owner._live.TryRemove(this, out _);
            }
        }

        public void Fire()
        {
            if (IsCancellationRequested)
            {
                return;
            }

            receiver.Tell(message, sender);
            if (once)
            {
                Cancel();
            }
        }
    }
}
