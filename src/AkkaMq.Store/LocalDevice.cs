using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AkkaMq.Store;

/// <summary>The local disk: files mapped shared, written with pwrite, synced with msync/fdatasync, directories with fsync.</summary>
internal sealed class LocalDevice : StoreDevice
{
    public static readonly LocalDevice Instance = new();

    private const int ZeroChunk = 4 << 20;

    private LocalDevice()
    {
    }

    /// <summary>
    /// Allocates the full size on disk (posix_fallocate), so "disk full" surfaces here as an
    /// IOException and never later as SIGBUS on a mapped write.
    /// </summary>
    public override DeviceFile Create(string path, long size)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read,
            FileOptions.None, preallocationSize: size);
        try
        {
            RandomAccess.SetLength(handle, size);
            return new LocalFile(path, size, handle);
        }
        catch (Exception)
        {
            handle.Dispose();
            File.Delete(path);
            throw;
        }
    }

    public override DeviceFile Open(string path)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            return new LocalFile(path, RandomAccess.GetLength(handle), handle);
        }
        catch (Exception)
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// On Linux the zeros bypass the page cache (O_DIRECT) where the file system allows it, so a
    /// GiB costs disk bandwidth but almost no CPU or memory.
    /// </summary>
    public override unsafe void WriteZeroFilled(string path, long size, CancellationToken cancel, TimeSpan pause)
    {
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

    public override byte[]? ReadAllBytes(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;

    public override void WriteAllBytesSynced(string path, ReadOnlySpan<byte> content)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        fs.Write(content);
        fs.Flush(flushToDisk: true);
    }

    public override bool FileExists(string path) => File.Exists(path);

    public override bool DirectoryExists(string path) => Directory.Exists(path);

    public override IEnumerable<string> EnumerateEntries(string directory) => Directory.EnumerateFileSystemEntries(directory);

    public override IEnumerable<string> EnumerateDirectories(string directory) => Directory.EnumerateDirectories(directory);

    public override void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public override void DeleteFile(string path) => File.Delete(path);

    public override void MoveFile(string from, string to, bool overwrite) => File.Move(from, to, overwrite);

    public override void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = NativeMethods.open(directory, NativeMethods.ORdOnlyDirectory);
        if (fd < 0)
        {
            int openErrno = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open directory {directory} to fsync it (errno {openErrno}).", openErrno);
        }
        int rc = NativeMethods.fsync(fd);
        int errno = Marshal.GetLastPInvokeError();
        NativeMethods.close(fd);
        if (rc != 0)
        {
            throw new IOException($"fsync of directory {directory} failed with errno {errno}.", errno);
        }
    }

    public override IDisposable Lock(string directory) =>
        new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

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
        throw new IOException($"Cannot create {path} (errno {errno}).", errno);
    }

    private sealed unsafe class LocalFile : DeviceFile
    {
        private readonly SafeFileHandle _handle;
        private readonly MemoryMappedFile _map;
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _pointer;

        public LocalFile(string path, long length, SafeFileHandle handle)
            : base(path, length)
        {
            _handle = handle;
            _map = MemoryMappedFile.CreateFromFile(handle, null, length, MemoryMappedFileAccess.ReadWrite,
                HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + _view.PointerOffset;
        }

        public override byte* Pointer => _pointer;

        public override void Write(long position, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, position);

        /// <summary>msync MS_SYNC: on Linux an fdatasync of that range.</summary>
        public override void Sync(long from, long to)
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
            if (NativeMethods.msync((nint)(_pointer + pageStart), (nuint)(to - pageStart), NativeMethods.MsSync) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"msync of {Path} failed with errno {errno}.", errno);
            }
        }

        public override void SyncAll()
        {
            if (!OperatingSystem.IsLinux())
            {
                _view.Flush();
                return;
            }
            if (NativeMethods.fdatasync(_handle.DangerousGetHandle()) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fdatasync of {Path} failed with errno {errno}.", errno);
            }
        }

        /// <summary>Linux sync_file_range; elsewhere nothing, and the later sync does all the work.</summary>
        public override void WriteOut(long from, long to)
        {
            if (to <= from || !OperatingSystem.IsLinux())
            {
                return;
            }
            if (NativeMethods.sync_file_range(_handle.DangerousGetHandle(), from, to - from, NativeMethods.SyncFileRangeWriteAndWait) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"sync_file_range of {Path} failed with errno {errno}.", errno);
            }
        }

        public override void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
            _handle.Dispose();
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
