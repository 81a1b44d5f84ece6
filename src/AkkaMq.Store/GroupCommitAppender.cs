using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Store;

/// <summary>
/// Thread-safe front of the store for many concurrent producers. Callers enqueue; the append
/// thread takes everything queued (up to <c>maxBatch</c> records) and writes it as one batch.
/// In group-commit mode a second thread flushes: it takes every request written so far, runs one
/// msync covering them all, then completes them, while the append thread already writes the
/// next batch. So a thousand sends in flight cost a handful of flushes, and memory writes
/// overlap disk waits. Single sends complete through pooled <see cref="IValueTaskSource{T}"/>s
/// (no allocation per send); continuations run on the thread pool, never on these threads.
/// </summary>
public sealed class GroupCommitAppender : IDisposable
{
    private readonly MessageStore _store;
    private readonly ILogger _logger;
    private readonly bool _groupCommit;
    private readonly ConcurrentQueue<Request> _queue = new();
    private readonly ConcurrentQueue<Request> _written = new();
    private readonly ConcurrentQueue<Request> _pool = new();
    private readonly Signal _appendSignal = new();
    private readonly Signal _flushSignal = new();
    private readonly Thread _appendThread;
    private readonly Thread? _flushThread;
    private readonly MessageToStore[] _staging;
    private readonly AppendResult[] _results;
    private readonly Request[] _taken;
    private readonly List<Request> _flushing = new();
    private volatile bool _stopping;
    private long _batches;
    private long _flushes;

    public GroupCommitAppender(MessageStore store, int maxBatch = 4096, ILogger? logger = null)
    {
        _store = store;
        _logger = logger ?? NullLogger.Instance;
        _groupCommit = store.Settings.FlushMode == FlushMode.GroupCommit;
        _staging = new MessageToStore[maxBatch];
        _results = new AppendResult[maxBatch];
        _taken = new Request[maxBatch];
        _appendThread = new Thread(AppendLoop) { IsBackground = true, Name = "store-append" };
        _appendThread.Start();
        if (_groupCommit)
        {
            _flushThread = new Thread(FlushLoop) { IsBackground = true, Name = "store-group-commit" };
            _flushThread.Start();
        }
    }

    /// <summary>Batches written so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Group-commit flushes so far (each acknowledges every request written before it).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Appends one message; completes when it is durable per the store's flush mode.</summary>
    public ValueTask<AppendResult> AppendAsync(in MessageToStore message)
    {
        if (_stopping)
        {
            return ValueTask.FromResult(AppendResult.Failed(AppendStatus.ServiceNotAvailable));
        }
        Request r = _pool.TryDequeue(out Request? pooled) ? pooled : new Request(this);
        r.Message = message;
        _queue.Enqueue(r);
        _appendSignal.Raise();
        return new ValueTask<AppendResult>(r, r.Version);
    }

    public void Dispose()
    {
        _stopping = true;
        _appendSignal.Raise();
        _appendThread.Join();
        _flushSignal.Raise();
        _flushThread?.Join();
        FlushAndComplete();
        while (_queue.TryDequeue(out Request? r))
        {
            r.Complete(AppendResult.Failed(AppendStatus.ServiceNotAvailable));
        }
    }

    private void AppendLoop()
    {
        while (!_stopping)
        {
            _appendSignal.Wait();
            while (!_stopping && !_queue.IsEmpty)
            {
                WriteBatch();
            }
        }
    }

    private void WriteBatch()
    {
        int n = 0;
        while (n < _staging.Length && _queue.TryDequeue(out Request? r))
        {
            _staging[n] = r.Message;
            _taken[n++] = r;
        }
        try
        {
            _store.AppendWithoutFlush(_staging.AsSpan(0, n), _results);
            Interlocked.Increment(ref _batches);
            for (int i = 0; i < n; i++)
            {
                _taken[i].Result = _results[i];
                if (_groupCommit && _results[i].IsOk)
                {
                    _written.Enqueue(_taken[i]);
                }
                else
                {
                    _taken[i].Complete(_results[i]);
                }
            }
            _flushSignal.Raise();
        }
        catch (Exception e)
        {
            // A bug or corruption: fail these callers loudly and keep serving the rest.
            _logger.LogError(e, "Append of a {Count}-record batch failed", n);
            for (int i = 0; i < n; i++)
            {
                _taken[i].Fail(e);
            }
        }
        Array.Clear(_staging, 0, n);
        Array.Clear(_taken, 0, n);
    }

    private void FlushLoop()
    {
        while (!_stopping)
        {
            _flushSignal.Wait();
            while (!_written.IsEmpty)
            {
                FlushAndComplete();
            }
        }
    }

    /// <summary>Everything in <see cref="_written"/> was published before it was enqueued, so one flush afterwards covers it.</summary>
    private void FlushAndComplete()
    {
        _flushing.Clear();
        while (_written.TryDequeue(out Request? r))
        {
            _flushing.Add(r);
        }
        if (_flushing.Count == 0)
        {
            return;
        }
        try
        {
            _store.Flush();
            Interlocked.Increment(ref _flushes);
            foreach (Request r in _flushing)
            {
                r.Complete(r.Result);
            }
        }
        catch (IOException e)
        {
            _logger.LogError(e, "Group-commit flush failed; {Count} sends fail", _flushing.Count);
            foreach (Request r in _flushing)
            {
                r.Fail(e);
            }
        }
    }

    /// <summary>Auto-reset wake-up that skips the kernel call when the waiter is already awake.</summary>
    private sealed class Signal
    {
        private readonly SemaphoreSlim _semaphore = new(0);
        private int _raised;

        public void Raise()
        {
            if (Interlocked.Exchange(ref _raised, 1) == 0)
            {
                _semaphore.Release();
            }
        }

        public void Wait()
        {
            _semaphore.Wait();
            Interlocked.Exchange(ref _raised, 0);
        }
    }

    private sealed class Request(GroupCommitAppender owner) : IValueTaskSource<AppendResult>
    {
        private ManualResetValueTaskSourceCore<AppendResult> _core = new() { RunContinuationsAsynchronously = true };

        public MessageToStore Message { get; set; }

        public AppendResult Result { get; set; }

        public short Version => _core.Version;

        public void Complete(AppendResult result)
        {
            Message = default;
            _core.SetResult(result);
        }

        public void Fail(Exception e)
        {
            Message = default;
            _core.SetException(e);
        }

        public AppendResult GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                owner._pool.Enqueue(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
