using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Outcome of a stored send; codes 10–12 are stored but not fully durable (wire doc 2.2).</summary>
public enum SendStatus
{
    SendOk,
    FlushDiskTimeout,
    FlushSlaveTimeout,
    SlaveNotAvailable,
}

/// <summary>Result of a synchronous send.</summary>
public sealed record SendResult(
    SendStatus Status,
    string MsgId,
    string OffsetMsgId,
    MessageQueue MessageQueue,
    long QueueOffset,
    string? RegionId,
    bool TraceOn);

/// <summary>Chooses the queue of an ordered send from the topic's publish queues.</summary>
public interface IMessageQueueSelector
{
    MessageQueue Select(IReadOnlyList<MessageQueue> queues, Message message, object? arg);
}
