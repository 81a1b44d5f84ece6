using System.Collections.Concurrent;
using System.Diagnostics;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// One request this side sent and is waiting for; completed by its response, its deadline or the
/// connection closing. Continuations run synchronously where it is completed, so it is only ever
/// completed on a thread-pool thread of ours: responses by a connection's response dispatch (the
/// responses of one read complete their waiters one after another on one worker),
/// deadlines, cancellation and closing through <see cref="FailLater"/>.
/// </summary>
internal sealed class PendingRequest(int code, TimeSpan timeout, long deadline)
    : TaskCompletionSource<RemotingCommand>(TaskCreationOptions.None)
{
    public int Code { get; } = code;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary><see cref="Stopwatch"/> timestamp after which the request has timed out; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline { get; } = deadline;

    /// <summary>Fails the request on a thread-pool worker, never on the caller's thread (a timer, a canceller, a closing connection).</summary>
    public void FailLater(Exception error) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Request.TrySetException(s.Error), (Request: this, Error: error), preferLocal: false);

    /// <summary>Cancels the request on a thread-pool worker.</summary>
    public void CancelLater(CancellationToken token) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Request.TrySetCanceled(s.Token), (Request: this, Token: token), preferLocal: false);
}

/// <summary>
/// A connection's outstanding requests by opaque, with their deadlines. One timer per
/// connection, armed for the earliest deadline, fails the expired ones (like RocketMQ's
/// response-table scan), so a request costs no timer of its own.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<int, PendingRequest> _requests = new();
    private readonly string _address;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public PendingRequests(string address)
    {
        _address = address;
        _timer = new Timer(static state => ((PendingRequests)state!).Sweep(), this, System.Threading.Timeout.Infinite, System.Threading.Timeout.Infinite);
    }

    /// <summary>Registers a request; <paramref name="timeout"/> may be <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</summary>
    public PendingRequest Add(int opaque, int code, TimeSpan timeout)
    {
        long deadline = long.MaxValue;
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
            deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        }

        var request = new PendingRequest(code, timeout, deadline);
        _requests[opaque] = request;
        if (deadline < Volatile.Read(ref _armedFor))
        {
            Arm(deadline);
        }

        return request;
    }

    public bool TryRemove(int opaque, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out PendingRequest request) => _requests.TryRemove(opaque, out request);

    /// <summary>Fails every outstanding request and stops the timer (the connection closed).</summary>
    public void FailAll(Func<Exception> error)
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }

        foreach (var entry in _requests)
        {
            if (_requests.TryRemove(entry.Key, out var request))
            {
                request.FailLater(error());
            }
        }
    }

    private void Arm(long deadline)
    {
        lock (_lock)
        {
            if (_disposed || deadline >= _armedFor)
            {
                return;
            }

            _armedFor = deadline;
            long ticks = Math.Max(0, deadline - Stopwatch.GetTimestamp());
            // Rounded up: a timer that fires early would only re-arm itself.
            long millis = (ticks * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
            _timer.Change(TimeSpan.FromMilliseconds(millis), System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    private void Sweep()
    {
        lock (_lock)
        {
            _armedFor = long.MaxValue;
        }

        long now = Stopwatch.GetTimestamp();
        long next = long.MaxValue;
        foreach (var entry in _requests)
        {
            var request = entry.Value;
            if (request.Deadline > now)
            {
                next = Math.Min(next, request.Deadline);
            }
            else if (_requests.TryRemove(entry.Key, out var expired))
            {
                expired.FailLater(new RemotingTimeoutException(_address, expired.Code, expired.Timeout));
            }
        }

        if (next != long.MaxValue)
        {
            Arm(next);
        }
    }
}
