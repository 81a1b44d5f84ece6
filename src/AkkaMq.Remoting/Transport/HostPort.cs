using System.Globalization;
using System.Net;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// The <c>host:port</c> form of listen and advertise settings: an IPv4 literal, a bracketed IPv6
/// literal (<c>[::1]:9876</c>) or <c>localhost</c>, then a port 0–65535 (0: pick a free one).
/// Host names are not resolved: a node binds and publishes addresses, not names.
/// </summary>
public static class HostPort
{
    public static bool TryParse(string? text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            return false;
        }

        var host = text.AsSpan(0, colon);
        IPAddress? address;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            IPAddress.TryParse(host[1..^1], out address);
        }
        else
        {
            address = !host.Contains(':') && IPAddress.TryParse(host, out var v4) ? v4 : null;
        }

        if (address is null)
        {
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws an <see cref="ArgumentException"/> naming the setting <paramref name="key"/>.</summary>
    public static IPEndPoint Parse(string text, string key) =>
        TryParse(text, out var endPoint)
            ? endPoint
            : throw new ArgumentException($"{key}: expected host:port with an IP address or localhost, got '{text}'");
}
