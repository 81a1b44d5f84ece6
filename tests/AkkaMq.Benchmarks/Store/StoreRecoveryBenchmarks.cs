using AkkaMq.Store;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AkkaMq.Benchmarks.Store;

/// <summary>
/// Start-up recovery of a 1 GiB log (1 KiB records, 1 GiB segments) whose tail is torn (half a
/// record of garbage). WithCheckpoint: the normal case, recovery checks and re-dispatches from
/// the last checkpoint. Without: the worst case, every record's magic, length and CRC is checked
/// and every consume-queue entry rebuilt.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class StoreRecoveryBenchmarks
{
    private string _dir = "";
    private byte[] _checkpoint = [];
    private long _tornAt;

    [Params(true, false)]
    public bool WithCheckpoint { get; set; }

    private StoreSettings Settings => new() { Dir = _dir, FlushInterval = TimeSpan.FromHours(1) };

    [GlobalSetup]
    public void Setup()
    {
        _dir = StoreBench.NewDir("recovery");
        using (MessageStore store = MessageStore.Open(Settings))
        {
            var batch = new MessageToStore[256];
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = StoreBench.Message(i % 8);
            }
            var results = new AppendResult[batch.Length];
            while (store.MaxPhysicalOffset < (1L << 30) - (1 << 20))
            {
                store.Append(batch, results);
            }
            _tornAt = store.MaxPhysicalOffset;
        }
        _checkpoint = File.ReadAllBytes(Path.Combine(_dir, "checkpoint"));
    }

    [IterationSetup]
    public void Tear()
    {
        string checkpoint = Path.Combine(_dir, "checkpoint");
        if (WithCheckpoint)
        {
            File.WriteAllBytes(checkpoint, _checkpoint);
        }
        else
        {
            File.Delete(checkpoint);
        }
        using var fs = new FileStream(Path.Combine(_dir, "commitlog", SegmentedFile.FileName(0)), FileMode.Open, FileAccess.Write);
        fs.Position = _tornAt;
        byte[] torn = new byte[StoreBench.RecordSize];
        new Random(7).NextBytes(torn.AsSpan(8));
        BitConverter.TryWriteBytes(torn, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(StoreBench.RecordSize));
        BitConverter.TryWriteBytes(torn.AsSpan(4), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(MessageRecordLayout.MessageMagic));
        fs.Write(torn, 0, torn.Length / 2);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public long Recover()
    {
        using MessageStore store = MessageStore.Open(Settings);
        if (store.MaxPhysicalOffset != _tornAt)
        {
            throw new InvalidOperationException($"recovered to {store.MaxPhysicalOffset}, expected {_tornAt}");
        }
        return store.RecoveryTime.Ticks;
    }
}
