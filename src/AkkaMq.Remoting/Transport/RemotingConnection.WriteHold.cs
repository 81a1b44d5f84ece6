namespace AkkaMq.Remoting.Transport;

/// <summary>
/// Explicit write holds: a caller about to answer many requests of this connection at once (the
/// broker answering the senders of one group commit) holds the writer back, queues the answers,
/// and releases it; they then leave in one flush instead of racing the writer one by one. The
/// hold is a count on the connection, so any thread may take and release one and holds nest.
/// </summary>
public sealed partial class RemotingConnection
{
    private int _writeHolds;

    /// <summary>Holds the writer back until the matching <see cref="ReleaseWrites"/>; nothing is written meanwhile, so release soon.</summary>
    public void HoldWrites() => Interlocked.Increment(ref _writeHolds);

    /// <summary>Ends one hold; the last one wakes the writer for what was queued meanwhile.</summary>
    public void ReleaseWrites()
    {
        // Both sides fence (this decrement, the queue's own compare-and-swap in Enqueue) before
        // reading the other's state, so a frame queued during the hold is seen here or wakes
        // the writer itself.
        if (Interlocked.Decrement(ref _writeHolds) == 0 && !_outbound.IsEmpty)
        {
            WakeWriter();
        }
    }

    private bool IsWriteHeld => Volatile.Read(ref _writeHolds) != 0;
}
