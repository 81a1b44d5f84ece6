using System.ComponentModel.DataAnnotations;
using System.Diagnostics;

namespace AkkaMq.Broker;

/// <summary><c>akkamq.broker.send-queue</c>: RocketMQ's send-queue limits and fast failure.</summary>
/// <param name="Capacity">Sends admitted and not yet answered (sendThreadPoolQueueCapacity, 10000).</param>
/// <param name="MaxWait">Longest a send may wait before the store takes it (waitTimeMillsInSendQueue, 200 ms).</param>
/// <param name="PageCacheBusyTimeout">A flush running longer than this means the disk is busy (osPageCacheBusyTimeOutMills, 1000 ms).</param>
public sealed record SendQueueSettings(
    [property: Range(1, 10_000_000)] int Capacity,
    TimeSpan MaxWait,
    TimeSpan PageCacheBusyTimeout)
{
    public static SendQueueSettings Default { get; } = new(10_000, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
}

/// <summary>Why the store actor answered a queued send SYSTEM_BUSY instead of writing it.</summary>
public enum SendShed
{
    /// <summary>It waited longer than <see cref="SendQueueSettings.MaxWait"/> ([TIMEOUT_CLEAN_QUEUE]).</summary>
    WaitedTooLong,

    /// <summary>It reached the store while a flush had run past <see cref="SendQueueSettings.PageCacheBusyTimeout"/> ([PCBUSY_CLEAN_QUEUE]).</summary>
    PageCacheBusy,
}

/// <summary>
/// The bounded queue of sends in front of the store, as RocketMQ's send thread-pool queue with
/// its BrokerFastFailure: a send counts from admission until it is answered, so message bodies
/// held for the store (in the actor's mailbox, written and waiting for their flush) are bounded
/// by <see cref="SendQueueSettings.Capacity"/>. Refused at admission when full or while the disk
/// is busy; a send that then waits too long, or meets a busy disk, is shed by the
/// <see cref="StoreActor"/> before it is written. Thread-safe: request handlers enter and leave,
/// the store actor's completion marks flushes.
/// </summary>
public sealed class SendQueue(SendQueueSettings settings)
{
    private readonly long _maxWaitTicks = ToTicks(settings.MaxWait);
    private readonly long _busyTicks = ToTicks(settings.PageCacheBusyTimeout);
    private int _count;
    private long _flushStarted;

    public SendQueueSettings Settings { get; } = settings;

    /// <summary>Sends admitted and not yet answered.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Admission outcome of <see cref="TryEnter"/>.</summary>
    public enum Admission
    {
        Admitted,
        Full,
        PageCacheBusy,
    }

    /// <summary>Admits a send unless the queue is full or the disk busy; an admitted one must <see cref="Leave"/> once answered.</summary>
    public Admission TryEnter()
    {
        if (IsPageCacheBusy(Stopwatch.GetTimestamp()))
        {
            return Admission.PageCacheBusy;
        }

        if (Interlocked.Increment(ref _count) > Settings.Capacity)
        {
            Interlocked.Decrement(ref _count);
            return Admission.Full;
        }

        return Admission.Admitted;
    }

    public void Leave() => Interlocked.Decrement(ref _count);

    /// <summary>Whether a send queued at <paramref name="queuedAt"/> must be shed now, and how long it waited.</summary>
    public bool ShouldShed(long queuedAt, out SendShed reason, out long waitedMs)
    {
        long now = Stopwatch.GetTimestamp();
        waitedMs = (long)Stopwatch.GetElapsedTime(queuedAt, now).TotalMilliseconds;
        reason = IsPageCacheBusy(now) ? SendShed.PageCacheBusy : SendShed.WaitedTooLong;
        return reason == SendShed.PageCacheBusy || now - queuedAt >= _maxWaitTicks;
    }

    /// <summary>The store's flush begins (a disk that takes long here is "busy").</summary>
    internal void FlushStarted() => Volatile.Write(ref _flushStarted, Stopwatch.GetTimestamp());

    internal void FlushEnded() => Volatile.Write(ref _flushStarted, 0);

    private bool IsPageCacheBusy(long now)
    {
        long started = Volatile.Read(ref _flushStarted);
        return started != 0 && now - started > _busyTicks;
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
