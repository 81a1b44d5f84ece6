using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Win32.SafeHandles;

namespace AkkaMq.Benchmarks.Store;

/// <summary>
/// The raw baseline of the same disk: sequential pwrite of the same 1 KiB records into a
/// preallocated file, one fdatasync per batch of <see cref="Batch"/> records (what a perfect
/// group commit with that many appenders would do).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public partial class RawDiskBaselineBenchmarks
{
    private const int PerInvoke = 32 * 1024;
    private const long FileSize = 256L << 20;
    private string _dir = "";
    private SafeFileHandle _file = null!;
    private byte[] _buffer = [];
    private long _position;

    [Params(1, 16, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = StoreBench.NewDir("raw");
        _file = File.OpenHandle(Path.Combine(_dir, "raw"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            FileOptions.None, FileSize);
        _buffer = new byte[Batch * StoreBench.RecordSize];
        for (int i = 0; i < Batch; i++)
        {
            StoreBench.Body.CopyTo(_buffer, i * StoreBench.RecordSize);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public void WriteThenFdatasync()
    {
        for (int i = 0; i < PerInvoke; i += Batch)
        {
            if (_position + _buffer.Length > FileSize)
            {
                _position = 0;
            }
            RandomAccess.Write(_file, _buffer, _position);
            _position += _buffer.Length;
            if (fdatasync((int)_file.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync failed: {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);
}
