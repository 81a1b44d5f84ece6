using System.Buffers.Binary;
using System.Net;

namespace AkkaMq.Client;

/// <summary>
/// Message ids (wire doc 4.3). The offset id is uppercase hex of store IP (4 or 16 bytes) + port
/// (int) + commit-log offset (long): 32 hex chars for IPv4, 56 for IPv6. The unique id
/// (<c>UNIQ_KEY</c>) is hex of client IP + pid (short) + a per-process random int + ms since the
/// start of the month (int) + counter (short).
/// </summary>
public static class MessageId
{
    private static readonly byte[] UniquePrefix = BuildUniquePrefix();
    private static readonly Lock UniqueLock = new();
    private static long _monthStart;
    private static long _nextMonthStart;
    private static short _counter;

    public static string CreateOffsetId(IPEndPoint storeHost, long commitLogOffset)
    {
        var address = storeHost.Address.IsIPv4MappedToIPv6 ? storeHost.Address.MapToIPv4() : storeHost.Address;
        var ip = address.GetAddressBytes();
        Span<byte> bytes = stackalloc byte[ip.Length + 12];
        ip.CopyTo(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes[ip.Length..], storeHost.Port);
        BinaryPrimitives.WriteInt64BigEndian(bytes[(ip.Length + 4)..], commitLogOffset);
        return Convert.ToHexString(bytes);
    }

    /// <summary>Reads an offset id: 32 hex chars = IPv4, 56 = IPv6. False for anything else (e.g. a unique id of other length).</summary>
    public static bool TryParseOffsetId(string? id, out IPEndPoint storeHost, out long commitLogOffset)
    {
        storeHost = null!;
        commitLogOffset = 0;
        if (id is null || (id.Length != 32 && id.Length != 56))
        {
            return false;
        }

        var bytes = new byte[id.Length / 2];
        if (Convert.FromHexString(id, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        int ipLength = bytes.Length - 12;
        int port = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(ipLength));
        if (port is < 0 or > 65535)
        {
            return false;
        }

        storeHost = new IPEndPoint(new IPAddress(bytes.AsSpan(0, ipLength)), port);
        commitLogOffset = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(ipLength + 4));
        return true;
    }

    /// <summary>A new client unique id (Java MessageClientIDSetter layout).</summary>
    public static string CreateUniqueId()
    {
        Span<byte> bytes = stackalloc byte[UniquePrefix.Length + 6];
        UniquePrefix.CopyTo(bytes);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        short counter;
        int sinceMonthStart;
        lock (UniqueLock)
        {
            if (now >= _nextMonthStart)
            {
                var utc = DateTimeOffset.UtcNow;
                var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
                _monthStart = start.ToUnixTimeMilliseconds();
                _nextMonthStart = start.AddMonths(1).ToUnixTimeMilliseconds();
            }

            sinceMonthStart = (int)(now - _monthStart);
            counter = _counter++;
        }

        BinaryPrimitives.WriteInt32BigEndian(bytes[UniquePrefix.Length..], sinceMonthStart);
        BinaryPrimitives.WriteInt16BigEndian(bytes[(UniquePrefix.Length + 4)..], counter);
        return Convert.ToHexString(bytes);
    }

    private static byte[] BuildUniquePrefix()
    {
        var ip = ClientOptions.DetectLocalIpv4().GetAddressBytes();
        var prefix = new byte[ip.Length + 6];
        ip.CopyTo(prefix, 0);
        BinaryPrimitives.WriteInt16BigEndian(prefix.AsSpan(ip.Length), (short)Environment.ProcessId);
        BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(ip.Length + 2), Random.Shared.Next());
        return prefix;
    }
}

/// <summary>Java's <c>String.hashCode</c>, used for tag codes (subscription codeSet, consume-queue tagsCode).</summary>
public static class JavaHash
{
    public static int StringHashCode(string value)
    {
        int hash = 0;
        foreach (char c in value)
        {
            hash = unchecked((31 * hash) + c);
        }

        return hash;
    }
}
