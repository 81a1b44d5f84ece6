using Microsoft.Extensions.Logging;

namespace AkkaMq.Client;

/// <summary>Log lines of the consumers' filtering and broadcasting modes.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Broadcasting consumer of {Group} failed to consume {MsgId}; dropped, as broadcasting does not redeliver")]
    public static partial void BroadcastConsumeFailed(ILogger logger, string group, string msgId);
}

/// <summary>Log lines of operator offset resets.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer group {Group} reset {Queue} to offset {Offset} at the broker's request")]
    public static partial void OffsetReset(ILogger logger, string group, string queue, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offset reset of group {Group} on topic {Topic} not applied: {Reason}")]
    public static partial void OffsetResetIgnored(ILogger logger, string group, string topic, string reason);
}
