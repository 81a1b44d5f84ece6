namespace AkkaMq.Client;

/// <summary>What the producer's local transaction decided (RocketMQ's LocalTransactionState).</summary>
public enum LocalTransactionState
{
    /// <summary>Not decided yet: the broker asks again with a check-back.</summary>
    Unknown,
    CommitMessage,
    RollbackMessage,
}

/// <summary>
/// The application side of a transactional send (RocketMQ's TransactionListener). Both methods
/// run on client threads; an exception from either counts as <see cref="LocalTransactionState.Unknown"/>.
/// </summary>
public interface ITransactionListener
{
    /// <summary>Runs the local transaction after the half message was stored; <paramref name="arg"/> is the send's argument.</summary>
    LocalTransactionState ExecuteLocalTransaction(Message message, object? arg);

    /// <summary>Answers the broker's check-back for a half still undecided (e.g. after the producer restarted).</summary>
    LocalTransactionState CheckLocalTransaction(MessageExt message);
}

/// <summary>Result of <see cref="TransactionProducer.SendMessageInTransactionAsync"/>: the half's send result and the local decision.</summary>
public sealed record TransactionSendResult(SendResult SendResult, LocalTransactionState LocalTransactionState, string? TransactionId);
