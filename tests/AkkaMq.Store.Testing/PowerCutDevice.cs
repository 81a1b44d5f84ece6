using System.Runtime.InteropServices;

namespace AkkaMq.Store.Testing;

/// <summary>What the store asked a <see cref="PowerCutDevice"/> to do.</summary>
public enum DeviceOperation
{
    Create,
    Open,
    ZeroFill,
    WriteSmallFile,
    Write,
    Sync,
    SyncAll,
    CreateDirectory,
    Delete,
    Move,
    SyncDirectory,
}

/// <summary>
/// A storage device in memory that keeps, per file, what was written apart from what was synced,
/// and can lose power. Files live in native memory (the "page cache" the store maps and reads);
/// a sync copies the range it covers into the file's durable image, and a file's size becomes
/// durable with its first sync. Names are durable once their directory was synced: a file or
/// directory created, renamed or deleted since the last sync of its parent is back as it was.
/// <para><see cref="PowerCut"/> returns the device as a reopened store would find it: only synced
/// bytes, only synced names, nothing reachable through a directory whose own name was never
/// synced; optionally the device's last pwrite, when no sync covered it since, torn at a
/// 512-byte sector boundary.
/// The powered-off device refuses every further operation with an IOException (writes through a
/// mapping still land in memory, which nothing reads any more).</para>
/// <para><see cref="SyncDelay"/> makes every sync take that long (a slow disk).</para>
/// </summary>
public sealed unsafe partial class PowerCutDevice : StoreDevice, IDisposable
{
    public const int SectorSize = 512;
    private const int PageSize = 4096;
    private static readonly object DirectoryMark = new();

    private readonly object _gate = new();
    private readonly Dictionary<string, object> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _durableNames = new(StringComparer.Ordinal);
    private readonly List<Node> _nodes = [];
    private readonly HashSet<string> _locks = new(StringComparer.Ordinal);
    private volatile bool _off;
    private PowerCutDevice? _afterCut;
    private Node? _lastWritten;
    private long _syncs;

    /// <summary>A device holding only <paramref name="root"/> (and its parents), all durable.</summary>
    public PowerCutDevice(string root)
    {
        for (string? d = root; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            _names[d] = DirectoryMark;
            _durableNames[d] = DirectoryMark;
        }
    }

    private PowerCutDevice()
    {
    }

    /// <summary>How long each sync takes (a slow disk); zero by default.</summary>
    public TimeSpan SyncDelay { get; set; }

    /// <summary>
    /// Asked before each operation with its kind and path; returning true cuts the power right
    /// there (the operation fails, <see cref="AfterCut"/> holds the device as it was left).
    /// </summary>
    public Func<DeviceOperation, string, bool>? CutBefore { get; set; }

    /// <summary>Tears the last write when <see cref="CutBefore"/> cuts the power (see <see cref="PowerCut"/>).</summary>
    public Random? TearOnCut { get; set; }

    /// <summary>The device as it came back after the power cut made by <see cref="CutBefore"/>, once that happened.</summary>
    public PowerCutDevice? AfterCut => Volatile.Read(ref _afterCut);

    public bool IsOff => _off;

    /// <summary>Syncs (of files and directories) done so far.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>
    /// Cuts the power now and returns the device as the next start finds it. With
    /// <paramref name="tear"/>, the device's last write, if no sync covered it since, is kept up to
    /// a random sector boundary within it (possibly none of it, possibly all).
    /// </summary>
    public PowerCutDevice PowerCut(Random? tear = null)
    {
        lock (_gate)
        {
            ThrowIfOff();
            return CutLocked(tear);
        }
    }

    public override DeviceFile Create(string path, long size)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.Create, path);
            RequireParent(path);
            if (_names.ContainsKey(path))
            {
                throw new IOException($"{path} exists.");
            }
            var node = NewNode(size);
            _names[path] = node;
            return new MemoryFile(this, node, path);
        }
    }

    public override DeviceFile Open(string path)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.Open, path);
            return new MemoryFile(this, NodeAt(path), path);
        }
    }

    public override void WriteZeroFilled(string path, long size, CancellationToken cancel, TimeSpan pause)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.ZeroFill, path);
            RequireParent(path);
            _names.Remove(path);
            cancel.ThrowIfCancellationRequested();
            Node node = NewNode(size);
            node.SyncRange(0, size);
            _names[path] = node;
        }
    }

    public override byte[]? ReadAllBytes(string path)
    {
        lock (_gate)
        {
            ThrowIfOff();
            return _names.TryGetValue(path, out object? e) && e is Node n ? new ReadOnlySpan<byte>(n.Memory, (int)n.Length).ToArray() : null;
        }
    }

    public override void WriteAllBytesSynced(string path, ReadOnlySpan<byte> content)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.WriteSmallFile, path);
            RequireParent(path);
            Node node = NewNode(content.Length);
            content.CopyTo(new Span<byte>(node.Memory, content.Length));
            node.SyncRange(0, content.Length);
            _names[path] = node;
            _syncs++;
        }
    }

    public override bool FileExists(string path)
    {
        lock (_gate)
        {
            ThrowIfOff();
            return _names.TryGetValue(path, out object? e) && e is Node;
        }
    }

    public override bool DirectoryExists(string path)
    {
        lock (_gate)
        {
            ThrowIfOff();
            return _names.TryGetValue(path, out object? e) && e == DirectoryMark;
        }
    }

    public override IEnumerable<string> EnumerateEntries(string directory) => List(directory, directoriesOnly: false);

    public override IEnumerable<string> EnumerateDirectories(string directory) => List(directory, directoriesOnly: true);

    public override void CreateDirectory(string path)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.CreateDirectory, path);
            if (_names.TryGetValue(path, out object? e))
            {
                if (e != DirectoryMark)
                {
                    throw new IOException($"{path} is a file.");
                }
                return;
            }
            RequireParent(path);
            _names[path] = DirectoryMark;
        }
    }

    public override void DeleteFile(string path)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.Delete, path);
            if (_names.TryGetValue(path, out object? e) && e is Node)
            {
                _names.Remove(path);
            }
        }
    }

    public override void MoveFile(string from, string to, bool overwrite)
    {
        lock (_gate)
        {
            Enter(DeviceOperation.Move, to);
            Node node = NodeAt(from);
            RequireParent(to);
            if (!overwrite && _names.ContainsKey(to))
            {
                throw new IOException($"{to} exists.");
            }
            _names.Remove(from);
            _names[to] = node;
        }
    }

    public override void SyncDirectory(string directory)
    {
        Delay();
        lock (_gate)
        {
            Enter(DeviceOperation.SyncDirectory, directory);
            foreach (string gone in _durableNames.Keys.Where(k => Parent(k) == directory && !_names.ContainsKey(k)).ToList())
            {
                _durableNames.Remove(gone);
            }
            foreach (KeyValuePair<string, object> e in _names.Where(e => Parent(e.Key) == directory).ToList())
            {
                _durableNames[e.Key] = e.Value;
            }
            _syncs++;
        }
    }

    public override IDisposable Lock(string directory)
    {
        lock (_gate)
        {
            ThrowIfOff();
            if (!_locks.Add(directory))
            {
                throw new IOException($"{directory} is locked by another store.");
            }
            return new DirectoryLock(this, directory);
        }
    }

    /// <summary>Frees the memory of every file this device held (call after the stores on it are disposed).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _off = true;
            foreach (Node n in _nodes)
            {
                n.Free();
            }
            _nodes.Clear();
        }
    }

    private PowerCutDevice CutLocked(Random? tear)
    {
        _off = true;
        var next = new PowerCutDevice();
        var copies = new Dictionary<Node, Node>();
        foreach ((string name, object entry) in _durableNames.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!Reachable(name))
            {
                continue;
            }
            if (entry == DirectoryMark)
            {
                next._names[name] = next._durableNames[name] = DirectoryMark;
                continue;
            }
            var node = (Node)entry;
            if (!copies.TryGetValue(node, out Node? copy))
            {
                copies[node] = copy = next.NewNode(node.DurableLength);
                node.CopyDurableTo(copy, node == _lastWritten ? tear : null);
            }
            next._names[name] = next._durableNames[name] = copy;
        }
        _afterCut = next;
        return next;
    }

    private bool Reachable(string name)
    {
        for (string? d = Parent(name); !string.IsNullOrEmpty(d); d = Parent(d))
        {
            if (!_durableNames.TryGetValue(d, out object? e) || e != DirectoryMark)
            {
                return false;
            }
        }
        return true;
    }

    private List<string> List(string directory, bool directoriesOnly)
    {
        lock (_gate)
        {
            ThrowIfOff();
            if (!_names.TryGetValue(directory, out object? d) || d != DirectoryMark)
            {
                throw new DirectoryNotFoundException($"{directory} does not exist.");
            }
            return [.. _names.Where(e => Parent(e.Key) == directory && (!directoriesOnly || e.Value == DirectoryMark)).Select(e => e.Key)];
        }
    }

    /// <summary>Checks the power and asks <see cref="CutBefore"/>; called under the lock.</summary>
    private void Enter(DeviceOperation operation, string path)
    {
        ThrowIfOff();
        if (CutBefore is { } cut && cut(operation, path))
        {
            CutLocked(TearOnCut);
            ThrowIfOff();
        }
    }

    private void ThrowIfOff()
    {
        if (_off)
        {
            throw new IOException("The device has lost power.");
        }
    }

    private void Delay()
    {
        if (SyncDelay > TimeSpan.Zero)
        {
            Thread.Sleep(SyncDelay);
        }
    }

    private Node NewNode(long length)
    {
        var node = new Node(length);
        _nodes.Add(node);
        return node;
    }

    private Node NodeAt(string path) =>
        _names.TryGetValue(path, out object? e) && e is Node n ? n : throw new FileNotFoundException($"{path} does not exist.", path);

    private void RequireParent(string path)
    {
        string? parent = Parent(path);
        if (parent is null || !_names.TryGetValue(parent, out object? e) || e != DirectoryMark)
        {
            throw new DirectoryNotFoundException($"The directory of {path} does not exist.");
        }
    }

    private static string? Parent(string path) => Path.GetDirectoryName(path);
}
