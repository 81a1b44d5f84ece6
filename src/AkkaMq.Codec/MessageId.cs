using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace AkkaMq.Codec;

/// <summary>
/// RocketMQ's offset message id (the broker's msgId, wire doc 4.3): upper-case hex of the store
/// host's address (4 bytes, or 16 for IPv6), its port (int) and the record's commit-log offset
/// (long) — 32 characters for an IPv4 store host, 56 for IPv6. This store writes IPv4 hosts only;
/// the client also reads ids of IPv6 brokers. (The producer's unique id, <c>UNIQ_KEY</c>, is a
/// different format that only producers create.)
/// </summary>
public static class MessageId
{
    /// <summary>Characters of an offset id with an IPv4 store host.</summary>
    public const int Length = 32;

    /// <summary>Characters of an offset id with an IPv6 store host.</summary>
    public const int LengthV6 = 56;

    /// <summary>Bytes after the address: port (int) + commit-log offset (long).</summary>
    private const int PortAndOffsetSize = 12;

    public static string Create(IPv4Endpoint storeHost, long commitLogOffset)
    {
        Span<char> chars = stackalloc char[Length];
        Format(storeHost, commitLogOffset, chars);
        return new string(chars);
    }

    /// <summary>Writes the 32-character id into <paramref name="dest"/> (no allocation).</summary>
    public static void Format(IPv4Endpoint storeHost, long commitLogOffset, Span<char> dest)
    {
        Span<byte> b = stackalloc byte[4 + PortAndOffsetSize];
        BinaryPrimitives.WriteUInt32BigEndian(b, storeHost.Address);
        WritePortAndOffset(b.Slice(4), storeHost.Port, commitLogOffset);
        Convert.TryToHexString(b, dest, out _);
    }

    /// <summary>The id of a record stored at <paramref name="storeHost"/>, IPv4 (IPv4-mapped addresses mapped back) or IPv6.</summary>
    public static string Create(IPEndPoint storeHost, long commitLogOffset)
    {
        var address = storeHost.Address.IsIPv4MappedToIPv6 ? storeHost.Address.MapToIPv4() : storeHost.Address;
        Span<byte> b = stackalloc byte[16 + PortAndOffsetSize];
        address.TryWriteBytes(b, out int ipLength);
        WritePortAndOffset(b.Slice(ipLength), storeHost.Port, commitLogOffset);
        return Convert.ToHexString(b.Slice(0, ipLength + PortAndOffsetSize));
    }

    /// <summary>Parses a 32-character (IPv4) id; false for any other length or non-hex input.</summary>
    public static bool TryParse(ReadOnlySpan<char> id, out IPv4Endpoint storeHost, out long commitLogOffset)
    {
        storeHost = default;
        commitLogOffset = 0;
        Span<byte> b = stackalloc byte[Length / 2];
        if (id.Length != Length || !TryDecodeHex(id, b))
        {
            return false;
        }

        storeHost = new IPv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(b), BinaryPrimitives.ReadInt32BigEndian(b.Slice(4)));
        commitLogOffset = BinaryPrimitives.ReadInt64BigEndian(b.Slice(8));
        return true;
    }

    /// <summary>
    /// Parses an id of either length (32 = IPv4, 56 = IPv6); false for anything else, including a
    /// unique id of another length, non-hex text or a port outside 0–65535.
    /// </summary>
    public static bool TryParseAnyHost(ReadOnlySpan<char> id, out IPEndPoint storeHost, out long commitLogOffset)
    {
        storeHost = null!;
        commitLogOffset = 0;
        Span<byte> b = stackalloc byte[LengthV6 / 2];
        if ((id.Length != Length && id.Length != LengthV6) || !TryDecodeHex(id, b.Slice(0, id.Length / 2)))
        {
            return false;
        }

        int ipLength = id.Length / 2 - PortAndOffsetSize;
        int port = BinaryPrimitives.ReadInt32BigEndian(b.Slice(ipLength));
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            return false;
        }

        storeHost = new IPEndPoint(new IPAddress(b.Slice(0, ipLength)), port);
        commitLogOffset = BinaryPrimitives.ReadInt64BigEndian(b.Slice(ipLength + 4));
        return true;
    }

    private static void WritePortAndOffset(Span<byte> dest, int port, long commitLogOffset)
    {
        BinaryPrimitives.WriteInt32BigEndian(dest, port);
        BinaryPrimitives.WriteInt64BigEndian(dest.Slice(4), commitLogOffset);
    }

    private static bool TryDecodeHex(ReadOnlySpan<char> id, Span<byte> dest) =>
        Convert.FromHexString(id, dest, out _, out int written) == OperationStatus.Done && written == dest.Length;
}
