namespace AkkaMq.Codec.Tests;

public sealed class Crc32Tests
{
    [Fact]
    public void Compute_MatchesJavaCrc32_ForCheckStringAndBitwiseReference()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(OperatingSystem.IsLinux(), Crc32.IsNativeAvailable);
        byte[] big = new byte[1000];
        new Random(3).NextBytes(big);
        uint bytewise = 0xFFFFFFFF;
        foreach (byte b in big)
        {
            bytewise ^= b;
            for (int k = 0; k < 8; k++)
            {
                bytewise = (bytewise & 1) != 0 ? 0xEDB88320 ^ (bytewise >> 1) : bytewise >> 1;
            }
        }

        Assert.Equal(~bytewise, Crc32.Compute(big));
        Assert.Equal(~bytewise, Crc32.ComputeManaged(big));
        for (int len = 0; len < 300; len += 7)
        {
            Assert.Equal(Crc32.ComputeManaged(big.AsSpan(3, len)), Crc32.Compute(big.AsSpan(3, len)));
        }
    }
}
