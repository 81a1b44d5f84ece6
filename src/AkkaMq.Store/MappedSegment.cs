namespace AkkaMq.Store;

/// <summary>
/// One preallocated, memory-mapped file of a <see cref="StoreDevice"/>. Reference counted: a
/// reader that acquired the segment may keep reading its memory after the segment was retired
/// (deleted by retention or truncate); the mapping goes away when the last reference is released.
/// Ownership: the single writer writes through <see cref="Pointer"/> or <see cref="Write"/>;
/// readers only read below offsets the writer published with a volatile write.
/// </summary>
public sealed unsafe class MappedSegment : IDisposable
{
    private readonly StoreDevice _device;
    private readonly DeviceFile _file;
    private int _refCount = 1;
    private int _retired;
    private bool _deleteOnRelease;

    private MappedSegment(StoreDevice device, DeviceFile file, string path, long startOffset)
    {
        _device = device;
        _file = file;
        Path = path;
        StartOffset = startOffset;
        Size = file.Length;
        Pointer = file.Pointer;
    }

    public string Path { get; }

    /// <summary>Logical offset of byte 0 (commit-log offset, or byte offset in a consume queue).</summary>
    public long StartOffset { get; }

    public long Size { get; }

    public long EndOffset => StartOffset + Size;

    public byte* Pointer { get; }

    /// <summary>
    /// Creates the file with its full size allocated (see <see cref="StoreDevice.Create"/>). The
    /// file is built under "name.tmp", its size synced, then renamed and the directory synced, so
    /// after a power cut the segment is either absent or there at its full size.
    /// </summary>
    public static MappedSegment Create(StoreDevice device, string path, long startOffset, long size)
    {
        string tmp = path + TempSuffix;
        device.DeleteFile(tmp);
        DeviceFile file = device.Create(tmp, size);
        try
        {
            file.SyncAll();
            device.MoveFile(tmp, path, overwrite: false);
            device.SyncDirectory(System.IO.Path.GetDirectoryName(path)!);
            return new MappedSegment(device, file, path, startOffset);
        }
        catch (Exception)
        {
            file.Dispose();
            device.DeleteFile(tmp);
            throw;
        }
    }

    /// <summary>Suffix of a segment still being created; such files are removed at start-up.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Suffix of a zero-filled file made ahead of time for the next segment (see <see cref="WriteZeroFilled"/>).</summary>
    public const string PreparedSuffix = ".zero" + TempSuffix;

    /// <summary>
    /// Writes a file of <paramref name="size"/> zero bytes and syncs it. The point is that its
    /// blocks are then written, not merely allocated: an fdatasync after writing into allocated
    /// but never-written blocks also has to record that they now hold data (an extent
    /// conversion, a journal commit), and measured about twice as slow as one after overwriting
    /// written blocks. Between 4 MiB chunks it pauses for <paramref name="pause"/>, leaving the
    /// disk to the flushes that acknowledge sends, and checks <paramref name="cancel"/>; on any
    /// failure the file is removed.
    /// </summary>
    public static void WriteZeroFilled(StoreDevice device, string path, long size, CancellationToken cancel, TimeSpan pause = default)
    {
        if (size % 4096 != 0)
        {
            throw new ArgumentException($"A zero-filled segment must be a multiple of 4096 bytes, got {size}.", nameof(size));
        }

        device.WriteZeroFilled(path, size, cancel, pause);
    }

    /// <summary>The same on the local disk.</summary>
    public static void WriteZeroFilled(string path, long size, CancellationToken cancel, TimeSpan pause = default) =>
        WriteZeroFilled(StoreDevice.Local, path, size, cancel, pause);

    /// <summary>
    /// Moves a file made by <see cref="WriteZeroFilled"/> into place as the segment at
    /// <paramref name="path"/> (the directory synced, as <see cref="Create"/> does) and maps it.
    /// </summary>
    public static MappedSegment Adopt(StoreDevice device, string prepared, string path, long startOffset, long size)
    {
        device.MoveFile(prepared, path, overwrite: false);
        device.SyncDirectory(System.IO.Path.GetDirectoryName(path)!);
        return Open(device, path, startOffset, size);
    }

    public static MappedSegment Open(StoreDevice device, string path, long startOffset, long expectedSize)
    {
        DeviceFile file = device.Open(path);
        if (file.Length != expectedSize)
        {
            long length = file.Length;
            file.Dispose();
            throw new StoreCorruptedException(
                $"{path} is {length} bytes, but store files of this kind are {expectedSize} bytes: not ours or damaged; remove or restore it.");
        }
        return new MappedSegment(device, file, path, startOffset);
    }

    public Span<byte> Span(long position, int length) => new(Pointer + position, length);

    /// <summary>Takes a reader reference; false if the segment is already retired.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            int c = Volatile.Read(ref _refCount);
            if (c <= 0 || Volatile.Read(ref _retired) != 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _refCount, c + 1, c) == c)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _refCount) == 0)
        {
            Destroy();
        }
    }

    /// <summary>
    /// Writes dirty pages of [from, to) to disk and waits (msync MS_SYNC: on Linux an fdatasync of
    /// that range). Before this returns the bytes are in the page cache only: they survive a
    /// process kill, not a power loss.
    /// </summary>
    public void Flush(long from, long to)
    {
        if (to > from)
        {
            _file.Sync(from, to);
        }
    }

    /// <summary>
    /// Writes the dirty pages of [from, to) to the disk and waits for those writes, without a
    /// disk cache flush (Linux sync_file_range); a later <see cref="Flush"/> makes them durable.
    /// </summary>
    public void WriteOut(long from, long to) => _file.WriteOut(from, to);

    /// <summary>pwrite into the file; the bytes land in the page cache this mapping shows.</summary>
    public void Write(long position, ReadOnlySpan<byte> data) => _file.Write(position, data);

    /// <summary>fdatasync of the whole file: everything written to it (by pwrite or the mapping) is on disk afterwards.</summary>
    public void FlushFile() => _file.SyncAll();

    /// <summary>Stops new readers; unmaps (and deletes the file if asked) once the last reader released.</summary>
    public void Retire(bool deleteFile)
    {
        if (Interlocked.Exchange(ref _retired, 1) != 0)
        {
            return;
        }
        _deleteOnRelease = deleteFile;
        Release();
    }

    public void Dispose() => Retire(deleteFile: false);

    private void Destroy()
    {
        _file.Dispose();
        if (_deleteOnRelease)
        {
            _device.DeleteFile(Path);
        }
    }
}
