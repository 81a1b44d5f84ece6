namespace AkkaMq.Store;

/// <summary>
/// A device that works like the one it wraps until <see cref="Fail"/> is called; from then on
/// every operation that writes or syncs (creating, writing, syncing, renaming or deleting a file,
/// creating or syncing a directory) throws the error given, as a disk that failed under a running
/// store would. Reads, opening and listing go on. Writes through a mapped pointer cannot fail; the
/// fault shows at the next sync of them, as it does on a real disk.
/// </summary>
public sealed class FaultableDevice(StoreDevice inner) : StoreDevice
{
    private volatile IOException? _fault;

    /// <summary>A faultable device over the local disk.</summary>
    public FaultableDevice()
        : this(Local)
    {
    }

    /// <summary>The error every write and sync throws now, or null while the device works.</summary>
    public IOException? Fault => _fault;

    private volatile bool _newFilesOnly;

    /// <summary>
    /// Makes every later write, sync and file creation throw <paramref name="error"/>; with
    /// <paramref name="newFilesOnly"/> only creating files, directories and zero fills fails (a
    /// full disk: files allocated in full beforehand still take writes and syncs).
    /// </summary>
    public void Fail(IOException error, bool newFilesOnly = false)
    {
        ArgumentNullException.ThrowIfNull(error);
        _newFilesOnly = newFilesOnly;
        _fault = error;
    }

    /// <summary>Makes every later write and sync fail with an I/O error (EIO), as a disk that is gone does.</summary>
    public void FailWithIoError() => Fail(StoreErrors.WithErrno(StoreErrors.EIO, "Input/output error (simulated disk fault)"));

    /// <summary>Lets writes and syncs through again.</summary>
    public void Heal() => _fault = null;

    public override DeviceFile Create(string path, long size)
    {
        ThrowIfFailed();
        return new FaultableFile(this, inner.Create(path, size));
    }

    public override DeviceFile Open(string path) => new FaultableFile(this, inner.Open(path));

    public override void WriteZeroFilled(string path, long size, CancellationToken cancel, TimeSpan pause)
    {
        ThrowIfFailed();
        inner.WriteZeroFilled(path, size, cancel, pause);
    }

    public override byte[]? ReadAllBytes(string path) => inner.ReadAllBytes(path);

    public override void WriteAllBytesSynced(string path, ReadOnlySpan<byte> content)
    {
        ThrowIfFailed();
        inner.WriteAllBytesSynced(path, content);
    }

    public override bool FileExists(string path) => inner.FileExists(path);

    public override bool DirectoryExists(string path) => inner.DirectoryExists(path);

    public override IEnumerable<string> EnumerateEntries(string directory) => inner.EnumerateEntries(directory);

    public override IEnumerable<string> EnumerateDirectories(string directory) => inner.EnumerateDirectories(directory);

    public override void CreateDirectory(string path)
    {
        ThrowIfFailed();
        inner.CreateDirectory(path);
    }

    public override void DeleteFile(string path)
    {
        ThrowIfFailed(existingFile: true);
        inner.DeleteFile(path);
    }

    public override void MoveFile(string from, string to, bool overwrite)
    {
        ThrowIfFailed();
        inner.MoveFile(from, to, overwrite);
    }

    public override void SyncDirectory(string directory)
    {
        ThrowIfFailed(existingFile: true);
        inner.SyncDirectory(directory);
    }

    public override IDisposable Lock(string directory) => inner.Lock(directory);

    private void ThrowIfFailed(bool existingFile = false)
    {
        if (existingFile && _newFilesOnly)
        {
            return;
        }

        // A fresh exception each time: several threads may meet the fault at once.
        switch (_fault)
        {
            case null:
                return;
            case FileNotFoundException missing:
                throw new FileNotFoundException(missing.Message, missing.FileName);
            case { } fault:
                throw new IOException(fault.Message, fault.HResult);
        }
    }

    private sealed unsafe class FaultableFile(FaultableDevice device, DeviceFile file) : DeviceFile(file.Path, file.Length)
    {
        public override byte* Pointer => file.Pointer;

        public override void Write(long position, ReadOnlySpan<byte> data)
        {
            device.ThrowIfFailed(existingFile: true);
            file.Write(position, data);
        }

        public override void Sync(long from, long to)
        {
            device.ThrowIfFailed(existingFile: true);
            file.Sync(from, to);
        }

        public override void SyncAll()
        {
            device.ThrowIfFailed(existingFile: true);
            file.SyncAll();
        }

        public override void WriteOut(long from, long to)
        {
            device.ThrowIfFailed(existingFile: true);
            file.WriteOut(from, to);
        }

        public override void Dispose() => file.Dispose();
    }
}
