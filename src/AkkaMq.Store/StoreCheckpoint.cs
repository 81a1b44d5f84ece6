using System.Buffers.Binary;

namespace AkkaMq.Store;

/// <summary>
/// The checkpoint file: how far consume queues and index are known to be on disk.
/// <code>
/// 0  8  dispatched offset   every record below it has its consume-queue and index entries flushed
/// 8  8  commit-log flushed offset at the time
/// 16 8  wall time of the checkpoint, ms
/// 24 4  CRC-32 of bytes 0..24
/// </code>
/// Replaced atomically (write checkpoint.tmp, fsync, rename), so a crash leaves the old or the new one.
/// </summary>
public sealed class StoreCheckpoint
{
    private const int Size = 28;
    private readonly string _path;
    private readonly StoreDevice _device;

    public StoreCheckpoint(string dir, StoreDevice? device = null)
    {
        _path = Path.Combine(dir, "checkpoint");
        _device = device ?? StoreDevice.Local;
    }

    public long DispatchedOffset { get; private set; }

    public long FlushedOffset { get; private set; }

    public long Timestamp { get; private set; }

    /// <summary>Reads the file; false when it is missing or damaged (recovery then starts at the first segment).</summary>
    public bool Load()
    {
        byte[]? b = _device.ReadAllBytes(_path);
        if (b is null || b.Length != Size || BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(24)) != Crc32.Compute(b.AsSpan(0, 24)))
        {
            return false;
        }
        DispatchedOffset = BinaryPrimitives.ReadInt64LittleEndian(b);
        FlushedOffset = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(8));
        Timestamp = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(16));
        return true;
    }

    public void Save(long dispatchedOffset, long flushedOffset, long timestamp)
    {
        Span<byte> b = stackalloc byte[Size];
        BinaryPrimitives.WriteInt64LittleEndian(b, dispatchedOffset);
        BinaryPrimitives.WriteInt64LittleEndian(b.Slice(8), flushedOffset);
        BinaryPrimitives.WriteInt64LittleEndian(b.Slice(16), timestamp);
        BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(24), Crc32.Compute(b.Slice(0, 24)));
        AtomicFile.Write(_device, _path, b);
        DispatchedOffset = dispatchedOffset;
        FlushedOffset = flushedOffset;
        Timestamp = timestamp;
    }
}

/// <summary>Whole-file replacement that survives a crash or power cut at any point: the old content or the new.</summary>
internal static class AtomicFile
{
    public static void Write(StoreDevice device, string path, ReadOnlySpan<byte> content)
    {
        string tmp = path + ".tmp";
        device.WriteAllBytesSynced(tmp, content); // on disk before the rename makes it visible
        device.MoveFile(tmp, path, overwrite: true);
        device.SyncDirectory(Path.GetDirectoryName(path)!); // the rename itself survives a power cut
    }
}
