using System.Globalization;
using System.Net;

namespace AkkaMq.NameServer;

/// <summary>Parses the <c>host:port</c> settings of the role.</summary>
internal static class EndPoints
{
    public static IPEndPoint Parse(string text, string key)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port > 65535)
        {
            throw new ArgumentException($"{key} must be host:port, got '{text}'");
        }

        string host = text[..colon].Trim('[', ']');
        if (!IPAddress.TryParse(host, out var address))
        {
            address = host == "localhost" ? IPAddress.Loopback : Dns.GetHostAddresses(host)[0];
        }

        return new IPEndPoint(address, port);
    }
}
