using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>Limits and timeouts shared by <see cref="RemotingServer"/> and <see cref="RemotingClient"/>.</summary>
public sealed record RemotingSettings
{
    public static RemotingSettings Default { get; } = new();

    /// <summary>Largest accepted frame, length field included (Java: 16 MiB).</summary>
    public int MaxFrameLength { get; init; } = FrameDecoder.DefaultMaxFrameLength;

    /// <summary>How long a graceful stop waits for running requests before closing connections.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long closing a connection waits for queued frames to reach the socket.</summary>
    public TimeSpan CloseFlushTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Client connect timeout (Java: 3 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Header encoding of the requests this side sends (Java: the <c>rocketmq.serialize.type</c>
    /// property, JSON by default). Responses always use the encoding of their request.
    /// </summary>
    public SerializeType RequestSerializeType { get; init; } = SerializeType.Json;

    /// <summary>
    /// Requests from one peer being handled at once. At the cap the connection stops reading
    /// until an answer is queued, so a flooding peer fills its own socket instead of this
    /// process's memory. Long-polling pulls count while they are held.
    /// </summary>
    public int MaxRequestsInFlight { get; init; } = 4096;

    /// <summary>
    /// Bytes queued for one peer and not yet taken by its socket (as NATS's max_pending); a peer
    /// that reads slower than it is answered past this is disconnected. Server connections only:
    /// a <see cref="RemotingClient"/> does not limit what its own callers queue.
    /// </summary>
    public long MaxPendingOutboundBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// A server connection with nothing read or written for this long, and no request running,
    /// is closed (RocketMQ's serverChannelMaxIdleTimeSeconds, 120 s). Zero turns it off.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Connections a server accepts from one remote address at once; more are closed on accept (servers only).</summary>
    public int MaxConnectionsPerAddress { get; init; } = 1024;

    /// <summary>
    /// A server logs one warning per remote address and interval for bad peers (malformed frames,
    /// slow readers, refused and idle-closed connections) and counts the rest into the next one (servers only).
    /// </summary>
    public TimeSpan WarningInterval { get; init; } = TimeSpan.FromSeconds(10);
}
