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
}
