using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace AkkaMq.Codec;

/// <summary>An IPv4 host and port as the record stores it (4 address bytes in network order + int port).</summary>
public readonly record struct IPv4Endpoint(uint Address, int Port)
{
    /// <summary>Converts an endpoint; IPv4-mapped IPv6 addresses are mapped back (4.x clients read 4-byte hosts).</summary>
    public static IPv4Endpoint From(IPEndPoint endPoint)
    {
        IPAddress a = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (a.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"Only IPv4 hosts are stored, got {endPoint}.", nameof(endPoint));
        }
        Span<byte> b = stackalloc byte[4];
        a.TryWriteBytes(b, out _);
        return new IPv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(b), endPoint.Port);
    }

    /// <summary>Reads a stored host: 4 address bytes in network order + int port (8 bytes; an IPv6 host of 20 is refused).</summary>
    public static IPv4Endpoint Read(ReadOnlySpan<byte> host)
    {
        if (host.Length != 8)
        {
            ThrowNotIPv4(host.Length);
        }

        return new IPv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(host), BinaryPrimitives.ReadInt32BigEndian(host.Slice(4)));
    }

    /// <summary>Writes the 8 bytes <see cref="Read"/> reads.</summary>
    public void Write(Span<byte> dest)
    {
        BinaryPrimitives.WriteUInt32BigEndian(dest, Address);
        BinaryPrimitives.WriteInt32BigEndian(dest.Slice(4), Port);
    }

    public IPEndPoint ToIPEndPoint()
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, Address);
        return new IPEndPoint(new IPAddress(b), Port);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNotIPv4(int length) =>
        throw new InvalidDataException($"A stored IPv4 host is 8 bytes, got {length}.");
}
