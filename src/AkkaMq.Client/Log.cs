using Microsoft.Extensions.Logging;

namespace AkkaMq.Client;

/// <summary>Every log line of the client, as source-generated delegates.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Client loop {Loop} failed; retrying next round")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string loop);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client instance {ClientId} started")]
    public static partial void InstanceStarted(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client instance {ClientId} stopped")]
    public static partial void InstanceStopped(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Name server {Address} failed: {Message}")]
    public static partial void NameServerFailed(ILogger logger, string address, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat to {Address} failed: {Message}")]
    public static partial void HeartbeatFailed(ILogger logger, string address, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unregister from {Address} failed: {Message}")]
    public static partial void UnregisterFailed(ILogger logger, string address, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route refresh of {Topic} failed: {Message}")]
    public static partial void RouteRefreshFailed(ILogger logger, string topic, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send to {Queue} failed (attempt {Attempt}): {Message}")]
    public static partial void SendAttemptFailed(ILogger logger, string queue, int attempt, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pull of {Queue} failed; retrying in {DelayMs} ms: {Message}")]
    public static partial void PullFailed(ILogger logger, string queue, long delayMs, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pull of {Queue}: offset {Offset} illegal, continuing at {NextOffset}")]
    public static partial void OffsetIllegal(ILogger logger, string queue, long offset, long nextOffset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebalance of {Group} on {Topic}: {Count} queues now {Queues}")]
    public static partial void Rebalanced(ILogger logger, string group, string topic, int count, string queues);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebalance of {Group} on {Topic} skipped: {Message}")]
    public static partial void RebalanceSkipped(ILogger logger, string group, string topic, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Start offset of {Queue} unknown, queue skipped this round: {Message}")]
    public static partial void StartOffsetFailed(ILogger logger, string queue, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listener of {Group} threw; messages will be reconsumed")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send-back of {MsgId} failed, re-sending to the retry topic: {Message}")]
    public static partial void SendBackFailed(ILogger logger, string msgId, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retry of {MsgId} failed too; consuming it again in 5 s: {Message}")]
    public static partial void RetrySendFailed(ILogger logger, string msgId, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offset commit of {Queue} failed: {Message}")]
    public static partial void OffsetCommitFailed(ILogger logger, string queue, string message);
}
