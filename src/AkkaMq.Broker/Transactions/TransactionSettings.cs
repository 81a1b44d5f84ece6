using System.ComponentModel.DataAnnotations;

namespace AkkaMq.Broker.Transactions;

/// <summary>
/// <c>akkamq.broker.transaction</c>: how undecided half messages are checked back with their producer.
/// </summary>
/// <param name="CheckInterval">Period of the check-back scan (RocketMQ's transactionCheckInterval, 60 s).</param>
/// <param name="CheckImmunity">Age (from the producer's born time) before a half is first checked (transactionTimeOut, 6 s); a message's <c>CHECK_IMMUNITY_TIME_IN_SECONDS</c> property overrides it.</param>
/// <param name="MaxChecks">Checks before an undecided half is dropped (transactionCheckMax, 15).</param>
public sealed record TransactionSettings(
    TimeSpan CheckInterval,
    TimeSpan CheckImmunity,
    [property: Range(1, 10_000)] int MaxChecks)
{
    public static TransactionSettings Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(6), 15);
}
