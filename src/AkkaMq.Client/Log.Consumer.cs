using Microsoft.Extensions.Logging;

namespace AkkaMq.Client;

/// <summary>Log lines of the consumers' filtering and broadcasting modes.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Broadcasting consumer of {Group} failed to consume {MsgId}; dropped, as broadcasting does not redeliver")]
    public static partial void BroadcastConsumeFailed(ILogger logger, string group, string msgId);
}
