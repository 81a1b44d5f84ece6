using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Client;

/// <summary>
/// Settings shared by every producer and consumer on one <see cref="ClientInstance"/>
/// (Java ClientConfig). Defaults are the Java 4.9.8 client's (wire doc 7.1).
/// </summary>
public sealed record ClientOptions
{
    /// <summary>
    /// Name servers separated by ';', e.g. <c>127.0.0.1:9876;127.0.0.2:9876</c>. Defaults to the
    /// <c>NAMESRV_ADDR</c> environment variable, as in Java, else <c>127.0.0.1:9876</c>.
    /// </summary>
    public string NameServerAddresses { get; init; } = Environment.GetEnvironmentVariable("NAMESRV_ADDR") ?? "127.0.0.1:9876";

    private static long _instanceCounter;

    /// <summary>
    /// What <c>DEFAULT</c> turns into, fixed when this options object is created (copies made with
    /// <c>with</c> keep it): <c>pid#nanotime</c> as in Java 4.9.x, so clients built from different
    /// options objects are different clients, and those sharing one options object share an instance.
    /// </summary>
    private readonly string _defaultInstanceName = Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
        + "#" + (System.Diagnostics.Stopwatch.GetTimestamp() + Interlocked.Increment(ref _instanceCounter)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Instance name; <c>DEFAULT</c> becomes <c>pid#nanotime</c> (see <see cref="BuildClientId"/>).</summary>
    public string InstanceName { get; init; } = "DEFAULT";

    /// <summary>The IP this client reports in its client id; detected when null.</summary>
    public string? ClientIp { get; init; }

    /// <summary>Timeout of sends, offset and admin requests.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Route refresh (105 per topic in use).</summary>
    public TimeSpan PollNameServerInterval { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before the first heartbeat of the timer (one is also sent at start).</summary>
    public TimeSpan FirstHeartbeatDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often consumers commit offsets (15).</summary>
    public TimeSpan PersistOffsetInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RebalanceInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a push consumer's pull is held by the broker (header suspendTimeoutMillis).</summary>
    public TimeSpan LongPollingSuspend { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Client timeout of a long-polling pull; must exceed <see cref="LongPollingSuspend"/>.</summary>
    public TimeSpan LongPollingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before pulling again after a failed pull.</summary>
    public TimeSpan PullRetryDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Header encoding of requests: JSON (the default, as Java) or RocketMQ's binary layout
    /// (Java's <c>rocketmq.serialize.type=ROCKETMQ</c>), which is cheaper to encode and decode.
    /// </summary>
    public AkkaMq.Remoting.Protocol.SerializeType SerializeType { get; init; } = AkkaMq.Remoting.Protocol.SerializeType.Json;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The configured name servers, in order.</summary>
    public IReadOnlyList<string> NameServerList =>
        NameServerAddresses.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>ip@instance</c>; the key under which <see cref="ClientInstance"/>s are shared.</summary>
    public string BuildClientId()
    {
        string ip = ClientIp ?? DetectLocalIpv4().ToString();
        string instance = InstanceName == "DEFAULT" ? _defaultInstanceName : InstanceName;
        return ip + "@" + instance;
    }

    /// <summary>The first non-loopback IPv4 address of an interface that is up, else 127.0.0.1 (as Java picks a site address).</summary>
    public static IPAddress DetectLocalIpv4()
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    {
                        return unicast.Address;
                    }
                }
            }
        }
        catch (NetworkInformationException)
        {
            return IPAddress.Loopback;
        }

        return IPAddress.Loopback;
    }
}
