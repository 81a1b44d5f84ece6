using AkkaMq.Store;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AkkaMq.Benchmarks.Store;

/// <summary>
/// 1 KiB appends through <see cref="GroupCommitAppender"/> from 1, 16 and 256 concurrent
/// appenders, async and group-commit modes;; see <see cref="StoreDirectAppendBenchmarks"/> for
/// the single-thread batch API (the "one core" number). Each invocation appends <see cref="PerInvoke"/> records; the reported
/// time is per record, so msgs/s = 1e9 / Mean(ns) and MB/s = msgs/s x 1 KiB. Appends per flush
/// are printed at the end of each case as "STATS ...".
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StoreAppendBenchmarks
{
    private const int PerInvoke = 32 * 1024;
    private string _dir = "";
    private MessageStore _store = null!;
    private GroupCommitAppender _appender = null!;

    [Params(FlushMode.Async, FlushMode.GroupCommit)]
    public FlushMode Mode { get; set; }

    [Params(1, 16, 256)]
    public int Appenders { get; set; }

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
        });
        _appender = new GroupCommitAppender(_store);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        long flushes = Mode == FlushMode.GroupCommit ? _appender.Flushes : _store.FlushCount;
        Console.WriteLine($"STATS mode={Mode} appenders={Appenders} records={_store.AppendedRecords} flushes={flushes} " +
            $"batches={_appender.Batches} appendsPerFlush={(double)_store.AppendedRecords / Math.Max(1, flushes):F1} " +
            $"appendsPerBatch={(double)_store.AppendedRecords / Math.Max(1, _appender.Batches):F1}");
        _appender.Dispose();
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public Task Appender()
    {
        var tasks = new Task[Appenders];
        for (int a = 0; a < tasks.Length; a++)
        {
            tasks[a] = Produce(a, PerInvoke / Appenders);
        }
        return Task.WhenAll(tasks);
    }

    private async Task Produce(int appender, int count)
    {
        MessageToStore m = StoreBench.Message(appender % 8);
        for (int i = 0; i < count; i++)
        {
            AppendResult r = await _appender.AppendAsync(m);
            if (!r.IsOk)
            {
                throw new InvalidOperationException($"append failed: {r.Status}");
            }
        }
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
