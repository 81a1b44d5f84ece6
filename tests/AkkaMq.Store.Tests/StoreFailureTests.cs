using System.Text;

namespace AkkaMq.Store.Tests;

public sealed class StoreFailureTests
{
    [Theory]
    [InlineData(FlushMode.Async)]
    [InlineData(FlushMode.GroupCommit)]
    public void DiskFault_FailsTheStoreOnce_RefusesLaterAppends_AndKeepsServingReads(FlushMode mode)
    {
        using var dir = new TempDir();
        var device = new FaultableDevice();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path, mode) with { Device = device, FlushInterval = TimeSpan.FromHours(1) });
        var reasons = new List<string>();
        store.Failed += reasons.Add;
        AppendResult before = store.AppendOne(Msg.Create("T", 0, "before"));
        Assert.Equal(AppendStatus.Ok, before.Status);
        store.Flush();

        device.FailWithIoError();
        // The batch's write (pwrite) fails; nothing after the fault is acknowledged.
        Assert.ThrowsAny<IOException>(() => store.AppendOne(Msg.Create("T", 0, "lost")));

        Assert.NotNull(store.FatalError);
        Assert.Contains("EIO", store.FatalError, StringComparison.Ordinal);
        Assert.Contains("commitlog", store.FatalError, StringComparison.Ordinal);
        Assert.Equal([store.FatalError], reasons);

        // Later appends are refused with a status of their own, even once the disk answers again.
        device.Heal();
        Assert.Equal(AppendStatus.StoreFailed, store.AppendOne(Msg.Create("T", 0, "after")).Status);
        Assert.Equal(AppendStatus.StoreFailed, store.AppendOne(Msg.Create("T", 1, "after")).Status);
        Assert.Single(reasons);

        // What was durable before the fault is still served.
        Assert.Equal("before", Encoding.UTF8.GetString(store.Read(before).Body));
        Assert.Equal(0, store.GetMinOffset("T", 0));
    }

    [Fact]
    public void UnflushedDataBeforeTheFailure_IsNeverReportedDurable_EvenWhenTheDiskAnswersAgain()
    {
        using var dir = new TempDir();
        var device = new FaultableDevice();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { Device = device, FlushInterval = TimeSpan.FromHours(1) });
        Assert.Equal(AppendStatus.Ok, store.AppendOne(Msg.Create("T", 0, "in memory only")).Status);
        device.FailWithIoError();
        Assert.ThrowsAny<IOException>(store.Flush);

        // Linux marks pages clean after a failed writeback, so a sync that now succeeds proves nothing.
        device.Heal();
        var e = Assert.ThrowsAny<IOException>(store.Flush);
        Assert.Contains("not made durable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FullDisk_IsNotFatal()
    {
        using var dir = new TempDir();
        var device = new FaultableDevice();
        // Tiny segments: the next append needs a new segment file, which the full disk refuses.
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { Device = device, FlushInterval = TimeSpan.FromHours(1) });
        string big = new('x', 1500);
        Assert.Equal(AppendStatus.Ok, store.AppendOne(Msg.Create("T", 0, big)).Status);
        Assert.Equal(AppendStatus.Ok, store.AppendOne(Msg.Create("T", 0, big)).Status);
        device.Fail(StoreErrors.WithErrno(StoreErrors.ENOSPC, "No space left on device"), newFilesOnly: true);
        AppendResult refused = store.AppendOne(Msg.Create("T", 0, big));
        Assert.Equal(AppendStatus.DiskFull, refused.Status);
        Assert.Null(store.FatalError);

        device.Heal();
        Assert.Equal(AppendStatus.Ok, store.AppendOne(Msg.Create("T", 0, big)).Status);
    }

    [Fact]
    public void ReadOnlyFileSystem_WhenASegmentIsCreated_IsFatal()
    {
        using var dir = new TempDir();
        var device = new FaultableDevice();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { Device = device, FlushInterval = TimeSpan.FromHours(1) });
        string big = new('x', 1500);
        store.AppendOne(Msg.Create("T", 0, big));
        store.AppendOne(Msg.Create("T", 0, big));
        device.Fail(StoreErrors.WithErrno(StoreErrors.EROFS, "Read-only file system"), newFilesOnly: true);
        Assert.NotEqual(AppendStatus.Ok, store.AppendOne(Msg.Create("T", 0, big)).Status);
        Assert.Contains("EROFS", store.FatalError, StringComparison.Ordinal);
        device.Heal();
        Assert.Equal(AppendStatus.StoreFailed, store.AppendOne(Msg.Create("T", 0, "small")).Status);
    }

    [Fact]
    public void RepeatedFlushFailures_OfAnUnplacedError_AreFatal_AfterTheThird()
    {
        using var dir = new TempDir();
        var device = new FaultableDevice();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { Device = device, FlushInterval = TimeSpan.FromHours(1) });
        store.AppendOne(Msg.Create("T", 0, "m"));
        device.Fail(new IOException("transient controller error"));
        for (int i = 1; i < MessageStore.FatalFlushFailures; i++)
        {
            Assert.ThrowsAny<IOException>(store.Flush);
            Assert.Null(store.FatalError);
        }

        Assert.ThrowsAny<IOException>(store.Flush);
        Assert.Contains($"{MessageStore.FatalFlushFailures} failures in a row", store.FatalError, StringComparison.Ordinal);
    }

    [Fact]
    public void AFlushThatSucceeds_ResetsTheCountOfFailures()
    {
        using var dir = new TempDir();
        var device = new FaultableDevice();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path) with { Device = device, FlushInterval = TimeSpan.FromHours(1) });
        for (int round = 0; round < 3; round++)
        {
            store.AppendOne(Msg.Create("T", 0, "m" + round));
            device.Fail(new IOException("transient controller error"));
            for (int i = 1; i < MessageStore.FatalFlushFailures; i++)
            {
                Assert.ThrowsAny<IOException>(store.Flush);
            }

            device.Heal();
            store.Flush();
        }

        Assert.Null(store.FatalError);
        Assert.Equal(AppendStatus.Ok, store.AppendOne(Msg.Create("T", 0, "still writable")).Status);
    }

    [Fact]
    public void ReplicatedAppends_AreRefused_AfterTheStoreFailed()
    {
        using var dir = new TempDir();
        using MessageStore store = MessageStore.Open(Msg.Small(dir.Path));
        store.Fail("test: disk gone");
        Assert.Equal(ReplicaAppendStatus.ServiceNotAvailable, store.AppendReplicated(new byte[16], store.MaxPhysicalOffset));
        Assert.Equal("test: disk gone", store.FatalError);
    }

    [Theory]
    [InlineData(StoreErrors.EIO, true)]
    [InlineData(StoreErrors.EROFS, true)]
    [InlineData(StoreErrors.ENODEV, true)]
    [InlineData(StoreErrors.ENXIO, true)]
    [InlineData(StoreErrors.ENOSPC, false)]
    [InlineData(StoreErrors.EDQUOT, false)]
    public void Errno_DecidesWhetherAnErrorIsFatal(int errno, bool fatal) =>
        Assert.Equal(fatal, StoreErrors.FatalKind(StoreErrors.WithErrno(errno, "x")) is not null);

    [Fact]
    public void AVanishedFile_IsFatal_AndAnUnknownErrorIsNot()
    {
        Assert.NotNull(StoreErrors.FatalKind(new FileNotFoundException("gone", "/x")));
        Assert.Null(StoreErrors.FatalKind(new IOException("no errno")));
        Assert.Null(StoreErrors.FatalKind(new InvalidOperationException("not I/O")));
    }
}
