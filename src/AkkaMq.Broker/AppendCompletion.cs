using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>How the <see cref="StoreActor"/> reports the outcome of an <see cref="AppendMessages"/> request.</summary>
public interface IAppendCompletion
{
    /// <summary>One result per record, in order; called once, from the store actor.</summary>
    void Complete(ReadOnlySpan<AppendResult> results);

    /// <summary>The append failed with a bug or corruption; called instead of <see cref="Complete"/>.</summary>
    void Fail(Exception error);

    /// <summary>
    /// The store did not write the records: the send waited too long or the disk is busy (only
    /// appends queued with a <see cref="AppendMessages.QueuedAt"/> are shed); called instead of
    /// <see cref="Complete"/>.
    /// </summary>
    void Shed(SendShed reason, long waitedMs, int queueSize) =>
        Fail(new InvalidOperationException("append shed: " + reason));

    /// <summary>The connection the completion's answer goes out on, if any: its writer is held while a flush's senders are answered.</summary>
    RemotingConnection? ReplyTo => null;
}

/// <summary>A completion backed by a task, for infrequent callers (offset snapshots, send-back).</summary>
public sealed class TaskAppendCompletion : IAppendCompletion
{
    private readonly TaskCompletionSource<AppendResult[]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<AppendResult[]> Task => _done.Task;

    public void Complete(ReadOnlySpan<AppendResult> results) => _done.TrySetResult(results.ToArray());

    public void Fail(Exception error) => _done.TrySetException(error);
}

/// <summary>
/// The send path's completion: pooled, with its own message and result arrays, so a send costs
/// no task, no result array and no message array. Lifecycle: <see cref="Rent"/>, fill
/// <see cref="Messages"/>, tell the store actor, await <see cref="WaitAsync"/>, read
/// <see cref="Results"/>, then <see cref="Return"/> — never touch it after returning it.
/// <para>
/// The awaiting sender continues inline on the store actor's thread when the store completes
/// it: building a send response and queueing it on its connection is cheaper than waking a
/// thread-pool worker per message. So the code after the await must stay short and must not
/// block; anything long belongs behind another await.
/// </para>
/// </summary>
internal sealed class PooledAppendCompletion : IAppendCompletion, IValueTaskSource<bool>
{
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<PooledAppendCompletion> Pool = new();

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };
    private MessageToStore[] _messages = new MessageToStore[1];
    private AppendResult[] _results = new AppendResult[1];

    public int Count { get; private set; }

    /// <summary>The sender's connection (set by the send processor, cleared on return).</summary>
    public RemotingConnection? ReplyTo { get; set; }

    /// <summary>Set when the store shed the append (<see cref="WaitAsync"/> then returned false).</summary>
    public (SendShed Reason, long WaitedMs, int QueueSize) ShedAs { get; private set; }

    /// <summary>The records to append (the first <see cref="Count"/> entries).</summary>
    public Span<MessageToStore> Messages => _messages.AsSpan(0, Count);

    public ReadOnlyMemory<MessageToStore> MessagesMemory => _messages.AsMemory(0, Count);

    /// <summary>The results, valid after <see cref="WaitAsync"/> completed.</summary>
    public ReadOnlySpan<AppendResult> Results => _results.AsSpan(0, Count);

    public static PooledAppendCompletion Rent(int count)
    {
        var completion = Pool.TryDequeue(out var pooled) ? pooled : new PooledAppendCompletion();
        if (completion._messages.Length < count)
        {
            completion._messages = new MessageToStore[count];
            completion._results = new AppendResult[count];
        }

        completion.Count = count;
        return completion;
    }

    /// <summary>True once written (see <see cref="Results"/>), false when shed (see <see cref="ShedAs"/>).</summary>
    public ValueTask<bool> WaitAsync() => new(this, _core.Version);

    public void Complete(ReadOnlySpan<AppendResult> results)
    {
        results.CopyTo(_results);
        _core.SetResult(true);
    }

    public void Fail(Exception error) => _core.SetException(error);

    public void Shed(SendShed reason, long waitedMs, int queueSize)
    {
        ShedAs = (reason, waitedMs, queueSize);
        _core.SetResult(false);
    }

    /// <summary>Releases the message bodies and puts the completion back in the pool.</summary>
    public void Return()
    {
        Array.Clear(_messages, 0, Count);
        Count = 0;
        ReplyTo = null;
        _core.Reset();
        if (Pool.Count < MaxPooled && _messages.Length <= 64)
        {
            Pool.Enqueue(this);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
