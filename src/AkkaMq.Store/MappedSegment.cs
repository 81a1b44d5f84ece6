using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AkkaMq.Store;

/// <summary>
/// One preallocated, memory-mapped file. Reference counted: a reader that acquired the segment
/// may keep reading its memory after the segment was retired (deleted by retention or truncate);
/// the mapping goes away when the last reference is released.
/// Ownership: the single writer writes through <see cref="Pointer"/>; readers only read below
/// offsets the writer published with a volatile write.
/// </summary>
public sealed unsafe class MappedSegment : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly SafeFileHandle _handle;
    private int _refCount = 1;
    private int _retired;
    private bool _deleteOnRelease;

    private MappedSegment(string path, long startOffset, long size, SafeFileHandle handle)
    {
        Path = path;
        StartOffset = startOffset;
        Size = size;
        _handle = handle;
        _map = MemoryMappedFile.CreateFromFile(handle, null, size, MemoryMappedFileAccess.ReadWrite,
            HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Pointer = p + _view.PointerOffset;
    }

    public string Path { get; }

    /// <summary>Logical offset of byte 0 (commit-log offset, or byte offset in a consume queue).</summary>
    public long StartOffset { get; }

    public long Size { get; }

    public long EndOffset => StartOffset + Size;

    public byte* Pointer { get; }

    /// <summary>
    /// Creates the file with its full size allocated on disk (posix_fallocate), so "disk full"
    /// surfaces here as an IOException and never later as SIGBUS on a mapped write. The file is
    /// built under "name.tmp" and renamed when complete, so a crash never leaves a short segment.
    /// </summary>
    public static MappedSegment Create(string path, long startOffset, long size)
    {
        string tmp = path + TempSuffix;
        File.Delete(tmp);
        SafeFileHandle handle = File.OpenHandle(tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read,
            FileOptions.None, preallocationSize: size);
        try
        {
            RandomAccess.SetLength(handle, size);
            File.Move(tmp, path, overwrite: false);
            SyncDirectory(System.IO.Path.GetDirectoryName(path)!);
            return new MappedSegment(path, startOffset, size, handle);
        }
        catch (Exception)
        {
            handle.Dispose();
            File.Delete(tmp);
            throw;
        }
    }

    /// <summary>fsync of a directory, so a new file's name survives a power cut (fdatasync of the file alone does not cover it).</summary>
    private static void SyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = NativeMethods.open(dir, NativeMethods.ORdOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {dir} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        int rc = NativeMethods.fsync(fd);
        int errno = Marshal.GetLastPInvokeError();
        NativeMethods.close(fd);
        if (rc != 0)
        {
            throw new IOException($"fsync of directory {dir} failed with errno {errno}.");
        }
    }

    /// <summary>Suffix of a segment still being created; such files are removed at start-up.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Suffix of a zero-filled file made ahead of time for the next segment (see <see cref="WriteZeroFilled"/>).</summary>
    public const string PreparedSuffix = ".zero" + TempSuffix;

    private const int ZeroChunk = 4 << 20;

    /// <summary>
    /// Writes a file of <paramref name="size"/> zero bytes and syncs it. The point is that its
    /// blocks are then written, not merely allocated: an fdatasync after writing into allocated
    /// but never-written blocks also has to record that they now hold data (an extent
    /// conversion, a journal commit), and measured about twice as slow as one after overwriting
    /// written blocks. On Linux the zeros bypass the page cache (O_DIRECT) where the file system
    /// allows it, so a GiB costs disk bandwidth but almost no CPU or memory. Between 4 MiB chunks it
    /// pauses for <paramref name="pause"/>, leaving the disk to the flushes that acknowledge sends,
    /// and checks <paramref name="cancel"/>; on any failure the file is removed.
    /// </summary>
    public static void WriteZeroFilled(string path, long size, CancellationToken cancel, TimeSpan pause = default)
    {
        if (size % 4096 != 0)
        {
            throw new ArgumentException($"A zero-filled segment must be a multiple of 4096 bytes, got {size}.", nameof(size));
        }

        File.Delete(path);
        SafeFileHandle handle = OpenUnbuffered(path) ?? File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        int chunk = (int)Math.Min(ZeroChunk, size);
        void* zeros = NativeMemory.AlignedAlloc((nuint)chunk, 4096);
        try
        {
            NativeMemory.Clear(zeros, (nuint)chunk);
            using (handle)
            {
                for (long position = 0; position < size; position += chunk)
                {
                    bool cancelled = position > 0 && pause > TimeSpan.Zero ? cancel.WaitHandle.WaitOne(pause) : cancel.IsCancellationRequested;
                    if (cancelled)
                    {
                        throw new OperationCanceledException(cancel);
                    }

                    RandomAccess.Write(handle, new ReadOnlySpan<byte>(zeros, (int)Math.Min(chunk, size - position)), position);
                }
                RandomAccess.FlushToDisk(handle);
            }
        }
        catch (Exception)
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            NativeMemory.AlignedFree(zeros);
        }
    }

    /// <summary>The new file opened with O_DIRECT, or null where that is not available (not Linux, or a file system such as tmpfs that refuses it).</summary>
    private static SafeFileHandle? OpenUnbuffered(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        int fd = NativeMethods.open(path, NativeMethods.OWrOnlyCreateExclusiveDirect, 0x1A4 /* 0644 */);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno == NativeMethods.EInval)
        {
            File.Delete(path);
            return null;
        }
        throw new IOException($"Cannot create {path} (errno {errno}).");
    }

    /// <summary>
    /// Moves a file made by <see cref="WriteZeroFilled"/> into place as the segment at
    /// <paramref name="path"/> (the directory synced, as <see cref="Create"/> does) and maps it.
    /// </summary>
    public static MappedSegment Adopt(string prepared, string path, long startOffset, long size)
    {
        File.Move(prepared, path, overwrite: false);
        SyncDirectory(System.IO.Path.GetDirectoryName(path)!);
        return Open(path, startOffset, size);
    }

    public static MappedSegment Open(string path, long startOffset, long expectedSize)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        if (length != expectedSize)
        {
            handle.Dispose();
            throw new StoreCorruptedException(
                $"{path} is {length} bytes, but store files of this kind are {expectedSize} bytes: not ours or damaged; remove or restore it.");
        }
        return new MappedSegment(path, startOffset, expectedSize, handle);
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
        if (to <= from)
        {
            return;
        }
        if (!OperatingSystem.IsLinux())
        {
            _view.Flush();
            return;
        }
        long pageStart = from & ~(Environment.SystemPageSize - 1L);
        if (NativeMethods.msync((nint)(Pointer + pageStart), (nuint)(to - pageStart), NativeMethods.MsSync) != 0)
        {
            throw new IOException($"msync of {Path} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>
    /// Writes the dirty pages of [from, to) to the disk and waits for those writes, without a
    /// disk cache flush (Linux sync_file_range); a later <see cref="Flush"/> makes them durable.
    /// Elsewhere it does nothing and the later flush does all the work.
    /// </summary>
    public void WriteOut(long from, long to)
    {
        if (to <= from || !OperatingSystem.IsLinux())
        {
            return;
        }
        if (NativeMethods.sync_file_range(_handle.DangerousGetHandle(), from, to - from, NativeMethods.SyncFileRangeWriteAndWait) != 0)
        {
            throw new IOException($"sync_file_range of {Path} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>pwrite into the file; the bytes land in the page cache this mapping shows.</summary>
    public void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, position);

    /// <summary>fdatasync of the whole file: everything written to it (by pwrite or the mapping) is on disk afterwards.</summary>
    public void FlushFile()
    {
        if (!OperatingSystem.IsLinux())
        {
            _view.Flush();
            return;
        }
        if (NativeMethods.fdatasync(_handle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fdatasync of {Path} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

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
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _handle.Dispose();
        if (_deleteOnRelease)
        {
            File.Delete(Path);
        }
    }
}

internal static partial class NativeMethods
{
    public const int MsSync = 4; // Linux MS_SYNC

    [LibraryImport("libc", SetLastError = true)]
    public static partial int msync(nint address, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fdatasync(nint fd);

    /// <summary>SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER.</summary>
    public const uint SyncFileRangeWriteAndWait = 1 | 2 | 4;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sync_file_range(nint fd, long offset, long length, uint flags);

    /// <summary>Linux O_RDONLY | O_DIRECTORY: 0200000 on x86-64, 040000 on arm64.</summary>
    public static readonly int ORdOnlyDirectory =
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    /// <summary>Linux O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECT (O_DIRECT: 040000 on x86-64, 0200000 on arm64).</summary>
    public static readonly int OWrOnlyCreateExclusiveDirect =
        0x1 | 0x40 | 0x80 | 0x80000 | (RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : 0x4000);

    public const int EInval = 22;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);
}
