using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Akka.Actor;
using AkkaMq.Broker;
using AkkaMq.Store;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Benchmarks.Store;

/// <summary>
/// 1 KiB appends through the broker's <see cref="StoreActor"/> (the product's write path: batched
/// appends, pipelined group commit) from 1, 16 and 256 concurrent appenders, async and
/// group-commit modes; see <see cref="StoreDirectAppendBenchmarks"/> for the single-thread batch
/// API (the "one core" number). Each appender has one send in flight and, like the send path,
/// continues on the store actor's thread when its send completes. Each invocation appends
/// <see cref="PerInvoke"/> records; the reported time is per record, so msgs/s = 1e9 / Mean(ns)
/// and MB/s = msgs/s x 1 KiB. Appends per flush are printed at the end of each case as "STATS ...".
/// <para>
/// <see cref="Front"/> <c>channel</c> is the baseline without Akka: the same appends through a
/// plain queue drained by one dedicated thread that writes, flushes (group commit) and answers
/// in a loop (RocketMQ's group-commit service shape), so the cost of the actor mailbox and of
/// answering off the writer shows as the ratio between the two fronts.
/// </para>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StoreAppendBenchmarks
{
    private const int PerInvoke = 32 * 1024;
    private string _dir = "";
    private MessageStore _store = null!;
    private ActorSystem _system = null!;
    private IActorRef _storeActor = null!;
    private ChannelStoreWriter? _channel;
    private BenchAppend[] _appenders = [];

    [Params(FlushMode.Async, FlushMode.GroupCommit)]
    public FlushMode Mode { get; set; }

    [Params(1, 16, 256)]
    public int Appenders { get; set; }

    [Params("akka", "channel")]
    public string Front { get; set; } = "akka";

    [GlobalSetup]
    public void Setup()
    {
        _dir = StoreBench.NewDir("append");
        _store = MessageStore.Open(new StoreSettings
        {
            Dir = _dir,
            CommitLogSegmentSize = 256L << 20,
            FlushMode = Mode,
            IndexHashSlots = 1024,
            IndexEntriesPerFile = 4096,
            // Timings must not depend on how full the machine's disk is (a refused append aborts the case).
            DiskWatermarkRatio = 1.0,
        });
        _system = ActorSystem.Create("bench");
        _storeActor = _system.ActorOf(StoreActor.Props(_store, partitions: null, NullLogger.Instance), "store");
        _channel = Front == "channel" ? new ChannelStoreWriter(_store) : null;
        Action<AppendMessages> send = _channel is { } channel ? channel.Send : request => _storeActor.Tell(request, ActorRefs.NoSender);
        _appenders = new BenchAppend[Appenders];
        for (int a = 0; a < _appenders.Length; a++)
        {
            _appenders[a] = new BenchAppend(StoreBench.Message(a % 8), send);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        long flushes = _store.FlushCount;
        _channel?.Dispose();
        Console.WriteLine($"STATS front={Front} mode={Mode} appenders={Appenders} records={_store.AppendedRecords} flushes={flushes} " +
            $"appendsPerFlush={(double)_store.AppendedRecords / Math.Max(1, flushes):F1}");
        await _storeActor.Ask<StoreFlushed>(CloseStore.Instance, TimeSpan.FromSeconds(30));
        await _system.Terminate();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public Task Appender()
    {
        var tasks = new Task[Appenders];
        for (int a = 0; a < tasks.Length; a++)
        {
            tasks[a] = Produce(_appenders[a], PerInvoke / Appenders);
        }
        return Task.WhenAll(tasks);
    }

    private async Task Produce(BenchAppend appender, int count)
    {
        for (int i = 0; i < count; i++)
        {
            AppendResult r = await appender.SendAsync();
            if (!r.IsOk)
            {
                throw new InvalidOperationException($"append failed: {r.Status}");
            }
        }
    }

    /// <summary>
    /// One appender's reusable single-record request (one send in flight at a time), so a send
    /// allocates nothing, as with the send path's pooled completions.
    /// </summary>
    private sealed class BenchAppend : IAppendCompletion, IValueTaskSource<AppendResult>
    {
        private readonly AppendMessages _request;
        private readonly Action<AppendMessages> _send;
        private ManualResetValueTaskSourceCore<AppendResult> _core = new() { RunContinuationsAsynchronously = false };

        public BenchAppend(MessageToStore message, Action<AppendMessages> send)
        {
            _request = new AppendMessages(new[] { message }, this);
            _send = send;
        }

        public ValueTask<AppendResult> SendAsync()
        {
            _core.Reset();
            _send(_request);
            return new ValueTask<AppendResult>(this, _core.Version);
        }

        public void Complete(ReadOnlySpan<AppendResult> results) => _core.SetResult(results[0]);

        public void Fail(Exception error) => _core.SetException(error);

        AppendResult IValueTaskSource<AppendResult>.GetResult(short token) => _core.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<AppendResult>.GetStatus(short token) => _core.GetStatus(token);

        void IValueTaskSource<AppendResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}

/// <summary>Single thread, batches of 64, no front: the store's own cost per 1 KiB record on one core.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StoreDirectAppendBenchmarks
{
    private const int PerInvoke = 32 * 1024;
    private string _dir = "";
    private MessageStore _store = null!;
    private readonly MessageToStore[] _batch = new MessageToStore[64];
    private readonly AppendResult[] _results = new AppendResult[64];

    [Params(FlushMode.Async, FlushMode.GroupCommit)]
    public FlushMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = StoreBench.NewDir("direct");
        _store = MessageStore.Open(new StoreSettings { Dir = _dir, CommitLogSegmentSize = 256L << 20, FlushMode = Mode });
        for (int i = 0; i < _batch.Length; i++)
        {
            _batch[i] = StoreBench.Message(i % 8);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"STATS direct mode={Mode} appendsPerFlush={(double)_store.AppendedRecords / Math.Max(1, _store.FlushCount):F1}");
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public void Batch64()
    {
        for (int i = 0; i < PerInvoke; i += _batch.Length)
        {
            _store.Append(_batch, _results);
        }
    }
}

/// <summary>
/// The baseline front without Akka: appends queue in a blocking collection; one dedicated thread
/// takes what is queued (up to 1,024 records), writes it as one append, flushes in group-commit
/// mode, and answers the senders itself before taking the next batch.
/// </summary>
internal sealed class ChannelStoreWriter : IDisposable
{
    private readonly BlockingCollection<AppendMessages> _queue = new();
    private readonly MessageStore _store;
    private readonly Thread _thread;
    private readonly List<AppendMessages> _batch = [];
    private MessageToStore[] _staging = new MessageToStore[1024];
    private AppendResult[] _results = new AppendResult[1024];

    public ChannelStoreWriter(MessageStore store)
    {
        _store = store;
        _thread = new Thread(Run) { IsBackground = true, Name = "channel-store-writer" };
        _thread.Start();
    }

    public void Send(AppendMessages request) => _queue.Add(request);

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Run()
    {
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            _batch.Add(first);
            int n = first.Messages.Length;
            while (n < _staging.Length && _queue.TryTake(out var next))
            {
                _batch.Add(next);
                n += next.Messages.Length;
            }

            WriteBatch(n);
            _batch.Clear();
        }
    }

    private void WriteBatch(int n)
    {
        if (_staging.Length < n)
        {
            _staging = new MessageToStore[n];
            _results = new AppendResult[n];
        }

        int at = 0;
        foreach (var request in _batch)
        {
            request.Messages.Span.CopyTo(_staging.AsSpan(at));
            at += request.Messages.Length;
        }

        _store.AppendWithoutFlush(_staging.AsSpan(0, n), _results.AsSpan(0, n));
        if (_store.Settings.FlushMode == FlushMode.GroupCommit)
        {
            _store.Flush();
        }

        at = 0;
        foreach (var request in _batch)
        {
            request.Completion.Complete(_results.AsSpan(at, request.Messages.Length));
            at += request.Messages.Length;
        }
    }
}
