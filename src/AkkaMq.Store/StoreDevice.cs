namespace AkkaMq.Store;

/// <summary>
/// The storage under one store: every file the store creates, maps, writes, syncs, renames or
/// deletes, and every directory it lists or syncs, goes through here. <see cref="Local"/> is the
/// disk (pwrite, shared memory mappings, msync/fdatasync, directory fsync); a test device can keep
/// what was written apart from what was synced and lose the difference in a simulated power cut.
/// <para>Durability contract, which the store relies on and a test device enforces: bytes written
/// (by <see cref="DeviceFile.Write"/> or through <see cref="DeviceFile.Pointer"/>) survive a power
/// loss only once a sync covered them (<see cref="DeviceFile.Sync"/>, <see cref="DeviceFile.SyncAll"/>),
/// and a file's size likewise; a new, renamed or deleted name (file or directory) only once
/// <see cref="SyncDirectory"/> ran on its parent.</para>
/// Thread-safe: the store calls it from its writer, its flushes and background threads at once.
/// </summary>
public abstract class StoreDevice
{
    /// <summary>The local disk.</summary>
    public static StoreDevice Local => LocalDevice.Instance;

    /// <summary>Creates <paramref name="path"/> (which must not exist) with <paramref name="size"/> zero bytes allocated, mapped read-write. Throws IOException on a full disk.</summary>
    public abstract DeviceFile Create(string path, long size);

    /// <summary>Opens and maps an existing file at its current length.</summary>
    public abstract DeviceFile Open(string path);

    /// <summary>
    /// Writes a file of <paramref name="size"/> zeros (its blocks written, not only allocated)
    /// and syncs it, pausing <paramref name="pause"/> between large chunks and checking
    /// <paramref name="cancel"/> there; the file is removed on failure or cancellation.
    /// </summary>
    public abstract void WriteZeroFilled(string path, long size, CancellationToken cancel, TimeSpan pause);

    /// <summary>The whole content of a small file, or null when there is none.</summary>
    public abstract byte[]? ReadAllBytes(string path);

    /// <summary>Creates or replaces a small file with <paramref name="content"/> and syncs it (its name is not synced).</summary>
    public abstract void WriteAllBytesSynced(string path, ReadOnlySpan<byte> content);

    public abstract bool FileExists(string path);

    public abstract bool DirectoryExists(string path);

    /// <summary>Full paths of the entries (files and directories) directly in <paramref name="directory"/>.</summary>
    public abstract IEnumerable<string> EnumerateEntries(string directory);

    /// <summary>Full paths of the directories directly in <paramref name="directory"/>.</summary>
    public abstract IEnumerable<string> EnumerateDirectories(string directory);

    /// <summary>Creates one directory whose parent exists; nothing when it exists already.</summary>
    public abstract void CreateDirectory(string path);

    /// <summary>Removes a file; nothing when it does not exist.</summary>
    public abstract void DeleteFile(string path);

    public abstract void MoveFile(string from, string to, bool overwrite);

    /// <summary>fsync of a directory: the names created, renamed or removed in it survive a power loss afterwards.</summary>
    public abstract void SyncDirectory(string directory);

    /// <summary>Takes the exclusive lock of a store directory (one store process per directory); released on dispose.</summary>
    public abstract IDisposable Lock(string directory);

    /// <summary>
    /// Creates <paramref name="path"/> and any missing parents so that they survive a power loss:
    /// each directory created is recorded by a sync of its parent. Nothing is synced when the
    /// directory exists already, the common case.
    /// </summary>
    public void CreateDirectoryDurably(string path)
    {
        if (DirectoryExists(path))
        {
            return;
        }

        string? parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent))
        {
            CreateDirectoryDurably(parent);
        }

        CreateDirectory(path);
        if (!string.IsNullOrEmpty(parent))
        {
            SyncDirectory(parent);
        }
    }
}

/// <summary>
/// One fixed-size file of a <see cref="StoreDevice"/>, mapped read-write for its whole length.
/// Writes through <see cref="Pointer"/> and through <see cref="Write"/> land in the same memory
/// (the page cache, for the local disk); neither is durable before a sync covers it.
/// </summary>
public abstract unsafe class DeviceFile : IDisposable
{
    protected DeviceFile(string path, long length)
    {
        Path = path;
        Length = length;
    }

    /// <summary>The name the file was created or opened under.</summary>
    public string Path { get; }

    public long Length { get; }

    /// <summary>Start of the mapping of the whole file; valid until <see cref="Dispose"/>.</summary>
    public abstract byte* Pointer { get; }

    /// <summary>pwrite: the bytes land in the memory <see cref="Pointer"/> shows.</summary>
    public abstract void Write(long position, ReadOnlySpan<byte> data);

    /// <summary>Makes [from, to) durable and waits (msync MS_SYNC of the pages holding it).</summary>
    public abstract void Sync(long from, long to);

    /// <summary>Makes everything written to the file durable, and its size (fdatasync).</summary>
    public abstract void SyncAll();

    /// <summary>Starts writing [from, to) to the disk and waits for it, without making it durable (sync_file_range); a later sync does less.</summary>
    public abstract void WriteOut(long from, long to);

    /// <summary>Unmaps and closes the file.</summary>
    public abstract void Dispose();
}
