using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>What a concurrent listener returns for a batch.</summary>
public enum ConsumeStatus
{
    ConsumeSuccess,

    /// <summary>Hand the batch back to the broker (send-back, 36) to be redelivered later.</summary>
    ReconsumeLater,
}

/// <summary>Context of one listener call.</summary>
public sealed class ConsumeContext(MessageQueue messageQueue)
{
    public MessageQueue MessageQueue { get; } = messageQueue;

    /// <summary>Delay level of the send-back: 0 lets the broker choose 3 + reconsumeTimes; negative sends to the DLQ.</summary>
    public int DelayLevelWhenNextConsume { get; set; }
}

/// <summary>What an orderly listener returns for a batch.</summary>
public enum ConsumeOrderlyStatus
{
    Success,

    /// <summary>Keep the batch and retry it after <see cref="ConsumeOrderlyContext.SuspendCurrentQueueTime"/>; later messages of the queue wait.</summary>
    SuspendCurrentQueueAMoment,
}

/// <summary>Context of one orderly listener call.</summary>
public sealed class ConsumeOrderlyContext(MessageQueue messageQueue)
{
    public MessageQueue MessageQueue { get; } = messageQueue;

    public TimeSpan SuspendCurrentQueueTime { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Outcome of a pull (wire doc 3): 0 FOUND, 19 NO_NEW_MSG, 20 NO_MATCHED_MSG, 21 OFFSET_ILLEGAL.</summary>
public enum PullStatus
{
    Found,
    NoNewMsg,
    NoMatchedMsg,
    OffsetIllegal,
}

/// <summary>Result of one pull; <see cref="Messages"/> is empty unless <see cref="PullStatus.Found"/>.</summary>
public sealed record PullResult(
    PullStatus Status,
    long NextBeginOffset,
    long MinOffset,
    long MaxOffset,
    IReadOnlyList<MessageExt> Messages)
{
    /// <summary>Broker id the broker suggests pulling from next (0 = master).</summary>
    public long SuggestWhichBrokerId { get; init; }
}
