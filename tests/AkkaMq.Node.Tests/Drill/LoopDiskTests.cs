using System.Runtime.InteropServices;
using AkkaMq.Node.Commands.Drill;
using Microsoft.Win32.SafeHandles;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// The disk the disk-loss drill pulls: files on it work until <see cref="LoopDisk.FailAsync"/>, then
/// writing and syncing fail with an I/O error, and disposing leaves no mount or loop device behind.
/// </summary>
public sealed class LoopDiskTests
{
    [LoopDiskFact]
    public async Task A_pulled_disk_fails_writes_with_an_io_error_and_dispose_removes_it()
    {
        using var dir = new TempDir();
        string mount = Path.Combine(dir.Path, "store");
        var disk = await LoopDisk.CreateAsync(Path.Combine(dir.Path, "disk.img"), mount, 64L << 20, CancellationToken.None);
        try
        {
            Assert.Contains(mount, await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
            string file = Path.Combine(mount, "segment");
            await using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(new byte[1 << 20]);
                stream.Flush(flushToDisk: true);
            }

            await disk.FailAsync(CancellationToken.None);

            // The first write after the pull: written to the page cache, then synced as the store
            // syncs (the runtime's own flush ignores EROFS, which the file system may answer once
            // its journal aborted; the store treats EIO and EROFS alike as a failed disk).
            int errno = 0;
            try
            {
                await using var stream = new FileStream(Path.Combine(mount, "after"), FileMode.CreateNew, FileAccess.Write);
                stream.Write(new byte[1 << 20]);
                stream.Flush();
                errno = Fsync(stream.SafeFileHandle) == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            catch (IOException e)
            {
                Assert.Matches("(?i)input/output error|i/o error|read-only", e.Message);
                errno = -1;
            }

            Assert.True(errno is 5 or 30 or -1, "a write and sync on the pulled disk did not fail (errno " + errno + ")");
        }
        finally
        {
            await disk.DisposeAsync();
        }

        Assert.Empty(disk.CleanupFailures);
        Assert.DoesNotContain(mount, await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "disk.img")));
        Assert.False(File.Exists(Path.Combine("/sys/block", Path.GetFileName(disk.Device), "loop", "backing_file")), disk.Device + " still attached");
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "fsync")]
    private static extern int FsyncNative(nint fd);

    private static int Fsync(SafeFileHandle handle) => FsyncNative(handle.DangerousGetHandle());
}

/// <summary>
/// A fact that needs loop disks (Linux, root, util-linux, mkfs.ext4). Elsewhere it is reported as
/// skipped with the reason; on CI (<c>CI=true</c>, run as root) lacking root is a failure, not a skip.
/// </summary>
public sealed class LoopDiskFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> SkipReason = new(() =>
    {
        var scratch = Directory.CreateTempSubdirectory("akkamq-disk-probe-").FullName;
        try
        {
            var (available, reason) = LoopDisk.ProbeAsync(scratch, CancellationToken.None).GetAwaiter().GetResult();
            return available || (Environment.GetEnvironmentVariable("CI") == "true" && reason == "not root") ? null : "loop disks are unavailable here: " + reason;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    });

    public LoopDiskFactAttribute() => Skip = SkipReason.Value;
}
