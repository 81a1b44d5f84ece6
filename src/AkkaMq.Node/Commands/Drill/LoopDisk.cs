namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// A disk of its own for a node's store: an ext4 file system on a loop device backed by an image
/// file, mounted on the store directory. <see cref="FailAsync"/> pulls it: the image is emptied and
/// the loop device told its new size (0), so from then on every read and write of the device fails
/// with an I/O error (EIO) — the file system's writes, fsync and reads of pages not cached — as
/// with a disk that died. Needs Linux, root and util-linux (losetup, mount) with mkfs.ext4.
/// </summary>
public sealed class LoopDisk : IAsyncDisposable
{
    private static readonly string[] Tools = ["losetup", "mkfs.ext4", "mount", "umount", "truncate"];
    private readonly string _image;
    private readonly List<string> _cleanupFailures = [];
    private bool _disposed;

    private LoopDisk(string image, string device, string mountPoint)
    {
        _image = image;
        Device = device;
        MountPoint = mountPoint;
    }

    /// <summary>The loop device, e.g. /dev/loop3.</summary>
    public string Device { get; }

    /// <summary>Where the file system is mounted (the node's store directory).</summary>
    public string MountPoint { get; }

    /// <summary>What <see cref="DisposeAsync"/> could not undo (a busy mount, a device that would not detach).</summary>
    public IReadOnlyList<string> CleanupFailures => _cleanupFailures;

    /// <summary>Whether loop disks can be made here; if not, why.</summary>
    public static async Task<(bool Available, string Reason)> ProbeAsync(string scratch, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (false, "not Linux");
        }

        if (Environment.UserName != "root")
        {
            return (false, "not root");
        }

        if (Tools.FirstOrDefault(t => SystemCommand.Find(t) is null) is { } missing)
        {
            return (false, missing + " not found");
        }

        try
        {
            var probe = await CreateAsync(Path.Combine(scratch, "probe.img"), Path.Combine(scratch, "probe"), 16L << 20, ct).ConfigureAwait(false);
            await probe.DisposeAsync().ConfigureAwait(false);
            return (true, string.Empty);
        }
        catch (SystemCommandException e)
        {
            return (false, e.Message);
        }
    }

    /// <summary>Makes a disk of <paramref name="size"/> bytes in <paramref name="image"/> and mounts it on <paramref name="mountPoint"/> (created, must be empty).</summary>
    public static async Task<LoopDisk> CreateAsync(string image, string mountPoint, long size, CancellationToken ct)
    {
        await using (var file = new FileStream(image, FileMode.CreateNew, FileAccess.Write))
        {
            file.SetLength(size);
        }

        Directory.CreateDirectory(mountPoint);
        string device;
        try
        {
            device = (await RunAsync("losetup", ["--find", "--show", image], ct).ConfigureAwait(false)).Trim();
        }
        catch
        {
            File.Delete(image);
            throw;
        }

        var disk = new LoopDisk(image, device, mountPoint);
        try
        {
            await RunAsync("mkfs.ext4", ["-q", "-F", "-m", "0", device], ct).ConfigureAwait(false);
            await RunAsync("mount", [device, mountPoint], ct).ConfigureAwait(false);
            return disk;
        }
        catch
        {
            await disk.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Pulls the disk: every I/O on it fails from now on (the mount stays, as a dead disk's does).</summary>
    public async Task FailAsync(CancellationToken ct)
    {
        await RunAsync("truncate", ["--size", "0", _image], ct).ConfigureAwait(false);
        await RunAsync("losetup", ["--set-capacity", Device], ct).ConfigureAwait(false);
    }

    /// <summary>Unmounts (lazily, if a process still holds files), detaches the loop device and deletes the image; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await TryAsync("umount", ["--lazy", MountPoint]).ConfigureAwait(false);
        await TryAsync("losetup", ["--detach", Device]).ConfigureAwait(false);
        try
        {
            File.Delete(_image);
        }
        catch (IOException e)
        {
            _cleanupFailures.Add($"{_image}: {e.Message}");
        }
    }

    private static async Task<string> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct) =>
        await SystemCommand.RunCheckedAsync(SystemCommand.Find(tool) ?? tool, args, ct).ConfigureAwait(false);

    private async Task TryAsync(string tool, IReadOnlyList<string> args)
    {
        try
        {
            var outcome = await SystemCommand.RunAsync(SystemCommand.Find(tool) ?? tool, args, CancellationToken.None).ConfigureAwait(false);
            if (outcome.ExitCode != 0)
            {
                _cleanupFailures.Add(SystemCommand.Failed(tool, args, outcome).Message);
            }
        }
        catch (SystemCommandException e)
        {
            _cleanupFailures.Add(e.Message);
        }
    }
}
