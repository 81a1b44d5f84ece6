using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// The responses found in one read, completing their waiters one after another on ONE
/// thread-pool worker. A waiter per work item would wake a worker per response; run together,
/// the callers' continuations follow each other on a warm thread and the requests they send
/// next gather in the connection's queue (measured: about a quarter less CPU per message on
/// both sides of a send benchmark).
/// <para>
/// Liveness: a caller may block in its continuation, even on a response later in the same
/// batch. A watchdog looks at the open batches every <see cref="StallCheckInterval"/>; one
/// that made no progress since the last look gets another worker, which takes the next
/// response (workers claim responses by index, so any number can share a batch).
/// </para>
/// </summary>
internal sealed class ResponseBatch : IThreadPoolWorkItem
{
    internal static readonly TimeSpan StallCheckInterval = TimeSpan.FromMilliseconds(100);

    private static readonly ConcurrentDictionary<ResponseBatch, byte> Open = new();
    private static Timer? s_watchdog;

    private readonly List<(PendingRequest Waiter, RemotingCommand Response)> _items;
    private int _claimed;
    private int _claimedAtLastCheck = -1;

    private ResponseBatch(List<(PendingRequest, RemotingCommand)> items) => _items = items;

    /// <summary>Queues one worker to complete <paramref name="items"/> in order; the list is the batch's from now on.</summary>
    public static void Dispatch(List<(PendingRequest, RemotingCommand)> items)
    {
        var batch = new ResponseBatch(items);
        if (items.Count > 1)
        {
            // A single response cannot wait behind another; only batches need watching.
            EnsureWatchdog();
            Open.TryAdd(batch, 0);
        }

        ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
    }

    public void Execute()
    {
        int count = _items.Count;
        int i;
        while ((i = Interlocked.Increment(ref _claimed) - 1) < count)
        {
            var (waiter, response) = _items[i];
            waiter.TrySetResult(response);
        }

        Open.TryRemove(this, out _);
    }

    private static void EnsureWatchdog()
    {
        if (Volatile.Read(ref s_watchdog) is not null)
        {
            return;
        }

        var timer = new Timer(static _ => CheckStalled(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref s_watchdog, timer, null) is null)
        {
            timer.Change(StallCheckInterval, StallCheckInterval);
        }
        else
        {
            timer.Dispose();
        }
    }

    private static void CheckStalled()
    {
        foreach (var (batch, _) in Open)
        {
            int claimed = Volatile.Read(ref batch._claimed);
            if (claimed >= batch._items.Count)
            {
                Open.TryRemove(batch, out _);
            }
            else if (claimed == batch._claimedAtLastCheck)
            {
                ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
            }

            batch._claimedAtLastCheck = claimed;
        }
    }
}
