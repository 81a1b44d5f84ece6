using AkkaMq.Store.Testing;

namespace AkkaMq.Store.Tests;

/// <summary>The test device itself: what survives its power cut.</summary>
public sealed unsafe class PowerCutDeviceTests
{
    private const string Root = "/device-test";

    [Fact]
    public void PowerCut_KeepsSyncedBytesOnly()
    {
        using var device = new PowerCutDevice(Root);
        DeviceFile file = device.Create(Root + "/f", 8192);
        file.SyncAll();
        device.SyncDirectory(Root);
        file.Write(0, Fill(100, 1));
        file.Sync(0, 100);
        file.Write(100, Fill(100, 2));
        file.Pointer[5000] = 3;

        using PowerCutDevice after = device.PowerCut();

        DeviceFile back = after.Open(Root + "/f");
        Assert.Equal(8192, back.Length);
        Assert.Equal(Fill(100, 1), new ReadOnlySpan<byte>(back.Pointer, 100).ToArray());
        Assert.Equal(new byte[100], new ReadOnlySpan<byte>(back.Pointer + 100, 100).ToArray());
        Assert.Equal(0, back.Pointer[5000]);
        Assert.Throws<IOException>(() => file.Write(0, Fill(1, 1)));
        Assert.Throws<IOException>(() => device.Open(Root + "/f"));
    }

    [Fact]
    public void PowerCut_LosesNamesWhoseDirectoryWasNotSynced_AndFileSizesNeverSynced()
    {
        using var device = new PowerCutDevice(Root);
        device.Create(Root + "/unnamed", 4096).SyncAll();
        device.Create(Root + "/sizeless", 4096);
        device.CreateDirectory(Root + "/sub");
        device.SyncDirectory(Root);
        device.Create(Root + "/sub/child", 4096).SyncAll();
        device.SyncDirectory(Root + "/sub");
        device.CreateDirectory(Root + "/lost");
        device.Create(Root + "/lost/child", 4096).SyncAll();
        device.SyncDirectory(Root + "/lost");
        device.MoveFile(Root + "/sub/child", Root + "/sub/renamed", overwrite: false);

        using PowerCutDevice after = device.PowerCut();

        Assert.True(after.FileExists(Root + "/unnamed"));
        Assert.Equal(0, after.Open(Root + "/sizeless").Length);
        Assert.True(after.FileExists(Root + "/sub/child"));
        Assert.False(after.FileExists(Root + "/sub/renamed"));
        Assert.False(after.DirectoryExists(Root + "/lost"));
        Assert.False(after.FileExists(Root + "/lost/child"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void PowerCut_WithTear_KeepsTheLastUnsyncedWriteUpToASectorBoundary(int seed)
    {
        using var device = new PowerCutDevice(Root);
        DeviceFile file = device.Create(Root + "/f", 8192);
        file.SyncAll();
        device.SyncDirectory(Root);
        file.Write(300, Fill(2000, 7));

        using PowerCutDevice after = device.PowerCut(new Random(seed));

        DeviceFile back = after.Open(Root + "/f");
        var bytes = new ReadOnlySpan<byte>(back.Pointer, 8192).ToArray();
        int kept = Array.FindIndex(bytes, 300, b => b != 7) - 300;
        Assert.True(kept == 2000 || (300 + kept) % PowerCutDevice.SectorSize == 0, $"kept {kept} bytes");
        Assert.All(bytes.Skip(300 + kept), b => Assert.Equal(0, b));
    }

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
