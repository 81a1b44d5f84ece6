using System.Buffers.Binary;

namespace AkkaMq.Store;

/// <summary>
/// RocketMQ's offset message id (the broker's msgId): store IPv4 (4 bytes) + store port (int) +
/// commit-log offset (long), written as 32 upper-case hex characters.
/// </summary>
public static class MessageId
{
    public const int Length = 32;

    public static string Create(IPv4Endpoint storeHost, long commitLogOffset)
    {
        Span<char> chars = stackalloc char[Length];
        Format(storeHost, commitLogOffset, chars);
        return new string(chars);
    }

    public static void Format(IPv4Endpoint storeHost, long commitLogOffset, Span<char> dest)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(b, storeHost.Address);
        BinaryPrimitives.WriteInt32BigEndian(b.Slice(4), storeHost.Port);
        BinaryPrimitives.WriteInt64BigEndian(b.Slice(8), commitLogOffset);
        Convert.TryToHexString(b, dest, out _);
    }

    /// <summary>Parses a 32-character offset id; false for any other length or non-hex input.</summary>
    public static bool TryParse(ReadOnlySpan<char> id, out IPv4Endpoint storeHost, out long commitLogOffset)
    {
        storeHost = default;
        commitLogOffset = 0;
        Span<byte> b = stackalloc byte[16];
        if (id.Length != Length || Convert.FromHexString(id, b, out _, out int written) != System.Buffers.OperationStatus.Done || written != 16)
        {
            return false;
        }
        storeHost = new IPv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(b), BinaryPrimitives.ReadInt32BigEndian(b.Slice(4)));
        commitLogOffset = BinaryPrimitives.ReadInt64BigEndian(b.Slice(8));
        return true;
    }
}
