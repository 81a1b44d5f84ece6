using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// The connection's limits: requests in flight (the read loop pauses), bytes queued for the
/// peer (a slow reader is disconnected), and the activity stamp the owning server's idle sweep
/// reads. Warnings go through the server's per-address limiter when there is one.
/// </summary>
public sealed partial class RemotingConnection
{
    private readonly AddressWarnings? _warnings;
    private long _pendingOutbound;
    private int _slowReader;
    private long _lastActivity = Environment.TickCount64;
    private TaskCompletionSource? _roomWaiter;

    /// <summary>Bytes (estimated per frame) queued for the peer and not yet taken by the socket.</summary>
    public long PendingOutboundBytes => Volatile.Read(ref _pendingOutbound);

    /// <summary>True while the read loop waits for a request to finish before it reads on.</summary>
    public bool IsReadingPaused => Volatile.Read(ref _roomWaiter) is { Task.IsCompleted: false };

    /// <summary><see cref="Environment.TickCount64"/> of the last read or completed write.</summary>
    internal long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Counts a frame against the outbound limit; false (and the connection closing) when it does not fit.</summary>
    private bool TryReserveOutbound(RemotingCommand command)
    {
        long length = EstimateLength(command);
        long pending = Interlocked.Add(ref _pendingOutbound, length);
        if (pending <= _settings.MaxPendingOutboundBytes)
        {
            return true;
        }

        Interlocked.Add(ref _pendingOutbound, -length);
        CloseSlowReader(pending);
        return false;
    }

    /// <summary>The write loop's flush took <paramref name="written"/> estimated bytes to the socket.</summary>
    private void Sent(long written)
    {
        Interlocked.Add(ref _pendingOutbound, -written);
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
    }

    /// <summary>The frame's length, near enough for the outbound limit without encoding the header twice.</summary>
    private static long EstimateLength(RemotingCommand command) =>
        command.Body.Length + 64 + (command.Remark?.Length ?? 0) + (command.HasExtFields ? command.ExtFields.Count * 48L : 0);

    /// <summary>NATS's slow consumer: the peer does not take its answers, so it gets no more and is disconnected, logged once.</summary>
    private void CloseSlowReader(long pending)
    {
        if (Interlocked.Exchange(ref _slowReader, 1) != 0)
        {
            return;
        }

        if (TryWarn(out int suppressed))
        {
            Log.SlowReader(_logger, RemoteAddress, pending, _settings.MaxPendingOutboundBytes, suppressed);
        }

        _ = CloseAsync();
    }

    /// <summary>Whether a warning about this peer may be logged now (a server limits them per address).</summary>
    private bool TryWarn(out int suppressed)
    {
        suppressed = 0;
        return _warnings is null || _warnings.TryWarn(RemoteEndPoint.Address, out suppressed);
    }

    /// <summary>
    /// The read loop waits here while <see cref="RemotingSettings.MaxRequestsInFlight"/> requests
    /// run; the request that finishes below the cap wakes it. Nothing is read meanwhile, so the
    /// peer's further frames stay in the socket buffers and then in the peer.
    /// </summary>
    private Task WaitForRoomAsync()
    {
        var room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Published with a full fence, then re-checked: a request finishing in between sees the
        // waiter or leaves the count below the cap for this check.
        Interlocked.Exchange(ref _roomWaiter, room);
        if (Volatile.Read(ref _inFlight) < _settings.MaxRequestsInFlight)
        {
            room.TrySetResult();
        }

        return room.Task.WaitAsync(_stopReading.Token);
    }

    /// <summary>A request finished leaving <paramref name="left"/> running: wakes a paused read loop when that is below the cap.</summary>
    private void WakeReaderIfRoom(int left)
    {
        if (left < _settings.MaxRequestsInFlight && Volatile.Read(ref _roomWaiter) is not null)
        {
            Interlocked.Exchange(ref _roomWaiter, null)?.TrySetResult();
        }
    }
}
