using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// The responses found in one read, completing their waiters one after another on ONE
/// thread-pool worker. A waiter per work item would wake a worker per response; run together,
/// the callers' continuations follow each other on a warm thread and the requests they send
/// next gather in the connection's queue (measured: about a quarter less CPU per message on
/// both sides of a send benchmark).
/// <para>
/// Liveness rests on the callers: a continuation runs on this worker, so it must not block.
/// None in this code base does (callers await); one that blocked would hold back the
/// responses after it in the same read, and wait forever if it waited for one of them.
/// </para>
/// </summary>
internal sealed class ResponseBatch(List<(PendingRequest Waiter, RemotingCommand Response)> items) : IThreadPoolWorkItem
{
    /// <summary>Queues one worker to complete <paramref name="items"/> in order; the list is the batch's from now on.</summary>
    public static void Dispatch(List<(PendingRequest, RemotingCommand)> items) =>
        ThreadPool.UnsafeQueueUserWorkItem(new ResponseBatch(items), preferLocal: false);

    public void Execute()
    {
        foreach (var (waiter, response) in items)
        {
            waiter.TrySetResult(response);
        }
    }
}
