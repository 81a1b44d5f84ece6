using System.Buffers.Binary;

namespace AkkaMq.Client;

/// <summary>
/// The producer's unique message id (<c>UNIQ_KEY</c>, Java's MessageClientIDSetter layout, wire
/// doc 4.3): upper-case hex of client IPv4 (4 bytes) + pid (short) + a per-process random int +
/// ms since the start of the month (int) + a counter (short). Only producers make these; brokers
/// index the value as text.
/// </summary>
internal static class UniqueMessageId
{
    private static readonly byte[] Prefix = BuildPrefix();
    private static readonly Lock Gate = new();
    private static long _monthStart;
    private static long _nextMonthStart;
    private static short _counter;

    /// <summary>A new unique id.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[Prefix.Length + 6];
        Prefix.CopyTo(bytes);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        short counter;
        int sinceMonthStart;
        lock (Gate)
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

        BinaryPrimitives.WriteInt32BigEndian(bytes[Prefix.Length..], sinceMonthStart);
        BinaryPrimitives.WriteInt16BigEndian(bytes[(Prefix.Length + 4)..], counter);
        return Convert.ToHexString(bytes);
    }

    private static byte[] BuildPrefix()
    {
        var ip = ClientOptions.DetectLocalIpv4().GetAddressBytes();
        var prefix = new byte[ip.Length + 6];
        ip.CopyTo(prefix, 0);
        BinaryPrimitives.WriteInt16BigEndian(prefix.AsSpan(ip.Length), (short)Environment.ProcessId);
        BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(ip.Length + 2), Random.Shared.Next());
        return prefix;
    }
}
