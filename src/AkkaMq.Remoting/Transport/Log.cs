using System.Net;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Remoting.Transport;

/// <summary>Every log line of the transport, as source-generated delegates.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection {Remote}: malformed frame: {Reason} ({Suppressed} earlier warnings about this address not logged)")]
    public static partial void MalformedFrame(ILogger logger, string remote, string reason, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection {Remote}: slow reader, {Pending} bytes waiting to be sent, limit {Limit} ({Suppressed} earlier warnings about this address not logged)")]
    public static partial void SlowReader(ILogger logger, string remote, long pending, long limit, int suppressed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection {Remote}: idle for {Idle} ({Suppressed} earlier lines about this address not logged)")]
    public static partial void IdleClosed(ILogger logger, string remote, TimeSpan idle, int suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: {Count} connections from this address already, limit {Limit} ({Suppressed} earlier warnings about this address not logged)")]
    public static partial void TooManyConnections(ILogger logger, string remote, int count, int limit, int suppressed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Remote} I/O ended: {Message}")]
    public static partial void IoEnded(ILogger logger, string remote, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler failed for request code {Code} from {Remote}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, int code, string remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Response with opaque {Opaque} from {Remote} matches no pending request")]
    public static partial void UnmatchedResponse(ILogger logger, int opaque, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Remote} stopped with {Count} requests still running")]
    public static partial void StopTimedOut(ILogger logger, string remote, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Remote} could not flush queued frames before closing")]
    public static partial void FlushTimedOut(ILogger logger, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Remoting server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed on {EndPoint}: {Message}")]
    public static partial void AcceptFailed(ILogger logger, EndPoint endPoint, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsupported request {CodeName} ({Code}) from {Remote} ({Language}, version {Version}), answered REQUEST_CODE_NOT_SUPPORTED: {Instead}; later requests with this code from this address are not logged")]
    public static partial void UnsupportedRequest(ILogger logger, string codeName, int code, string remote, string language, int version, string instead);
}
