using System.Threading.Channels;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Client;

/// <summary>
/// Sends transactional messages (RocketMQ's TransactionMQProducer): the message is stored as a
/// half, invisible to consumers; the listener's local transaction then decides, and
/// END_TRANSACTION (one-way) tells the broker that stored the half to commit or roll it back.
/// An undecided half is checked back by the broker (CHECK_TRANSACTION_STATE), which this
/// producer answers from <see cref="ITransactionListener.CheckLocalTransaction"/>. Sending and
/// routing are the wrapped <see cref="Producer"/>'s.
/// </summary>
public sealed class TransactionProducer : IAsyncDisposable
{
    /// <summary>Check-backs waiting for the listener, as Java's check executor queue (2,000); more are dropped and asked again later by the broker.</summary>
    public const int MaxPendingChecks = 2000;

    private readonly Producer _producer;
    private readonly Channel<PendingCheck> _checks = Channel.CreateBounded<PendingCheck>(
        new BoundedChannelOptions(MaxPendingChecks) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private Task _checkLoop = Task.CompletedTask;

    public TransactionProducer(string group, ClientOptions options, ITransactionListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _producer = new Producer(group, options);
        Listener = listener;
    }

    public string Group => _producer.Group;

    public ITransactionListener Listener { get; }

    /// <summary>The producer that sends the halves (its retry and size settings apply).</summary>
    public Producer Producer => _producer;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!_producer.Instance.RegisterTransactionProducer(this))
        {
            throw new MQClientException("The producer group[" + Group + "] has been created before, specify another name please.");
        }

        bool started = false;
        try
        {
            await _producer.StartAsync(cancellationToken).ConfigureAwait(false);
            started = true;
            _checkLoop = Task.Run(AnswerChecksAsync, CancellationToken.None);
        }
        finally
        {
            if (!started)
            {
                _producer.Instance.UnregisterTransactionProducer(this);
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="message"/> as a half, runs the local transaction and ends it on the
    /// broker. A half that was not stored with SEND_OK is rolled back without running the
    /// local transaction, as Java does.
    /// </summary>
    public async Task<TransactionSendResult> SendMessageInTransactionAsync(Message message, object? arg, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.DelayTimeLevel != 0)
        {
            // Delay levels do not apply to transactional messages.
            message.SetProperty(MessageProperty.DelayTimeLevel, null);
        }

        message.SetProperty(MessageProperty.TransactionPrepared, "true");
        message.SetProperty(MessageProperty.ProducerGroup, Group);
        var sent = await _producer.SendAsync(message, cancellationToken).ConfigureAwait(false);
        string? transactionId = message.UniqueKey;
        var state = LocalTransactionState.RollbackMessage;
        Exception? localError = null;
        if (sent.Status == SendStatus.SendOk)
        {
            try
            {
                state = Listener.ExecuteLocalTransaction(message, arg);
            }
            catch (Exception e)
            {
                TransactionLog.LocalTransactionFailed(_producer.Instance.Logger, e, transactionId ?? sent.MsgId);
                state = LocalTransactionState.Unknown;
                localError = e;
            }
        }

        try
        {
            await EndTransactionAsync(sent, state, localError, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ClientInstance.IsNetworkError(e) || e is MQClientException)
        {
            // As Java: the outcome still stands; the broker's check-back settles the half.
            TransactionLog.EndTransactionFailed(_producer.Instance.Logger, transactionId ?? sent.MsgId, e.Message);
        }

        return new TransactionSendResult(sent, state, transactionId);
    }

    public async Task ShutdownAsync()
    {
        _producer.Instance.UnregisterTransactionProducer(this);
        _checks.Writer.TryComplete();
        await _checkLoop.ConfigureAwait(false);
        await _producer.ShutdownAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    /// <summary>A check-back from the broker at <paramref name="brokerAddress"/>; answered off the connection's thread.</summary>
    internal void CheckTransactionState(string brokerAddress, MessageExt message, CheckTransactionStateRequestHeader check)
    {
        if (!_checks.Writer.TryWrite(new PendingCheck(brokerAddress, message, check)))
        {
            TransactionLog.CheckDropped(_producer.Instance.Logger, check.MsgId ?? message.MsgId, MaxPendingChecks);
        }
    }

    /// <summary>One check at a time, in arrival order, as Java's single check thread: the listener never runs concurrently with itself for checks.</summary>
    private async Task AnswerChecksAsync()
    {
        await foreach (var pending in _checks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await AnswerCheckAsync(pending.BrokerAddress, pending.Message, pending.Header).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // The producer is shutting down under the check; the broker asks again later.
                TransactionLog.EndTransactionFailed(_producer.Instance.Logger, pending.Header.MsgId ?? pending.Message.MsgId, e.Message);
            }
        }
    }

    private async Task AnswerCheckAsync(string brokerAddress, MessageExt message, CheckTransactionStateRequestHeader check)
    {
        var state = LocalTransactionState.Unknown;
        string? remark = null;
        try
        {
            state = Listener.CheckLocalTransaction(message);
        }
        catch (Exception e)
        {
            TransactionLog.CheckFailed(_producer.Instance.Logger, e, check.MsgId ?? message.MsgId);
            remark = "checkLocalTransactionState Exception: " + e.Message;
        }

        var header = new EndTransactionRequestHeader
        {
            ProducerGroup = Group,
            TranStateTableOffset = check.TranStateTableOffset,
            CommitLogOffset = check.CommitLogOffset,
            CommitOrRollback = ToWire(state),
            FromTransactionCheck = true,
            MsgId = message.UniqueKey ?? message.MsgId,
            TransactionId = check.TransactionId,
        };
        try
        {
            await SendEndAsync(brokerAddress, header, remark, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (ClientInstance.IsNetworkError(e) || e is MQClientException)
        {
            TransactionLog.EndTransactionFailed(_producer.Instance.Logger, header.MsgId, e.Message);
        }
    }

    private async Task EndTransactionAsync(SendResult sent, LocalTransactionState state, Exception? localError, CancellationToken cancellationToken)
    {
        if (!MessageId.TryParseAnyHost(sent.OffsetMsgId, out _, out long commitLogOffset)
            && !MessageId.TryParseAnyHost(sent.MsgId, out _, out commitLogOffset))
        {
            throw new MQClientException("The half message id " + sent.OffsetMsgId + " is not an offset message id");
        }

        string address = _producer.Instance.FindMasterAddress(sent.MessageQueue.BrokerName)
            ?? throw new MQClientException("The broker[" + sent.MessageQueue.BrokerName + "] not exist");
        var header = new EndTransactionRequestHeader
        {
            ProducerGroup = Group,
            TranStateTableOffset = sent.QueueOffset,
            CommitLogOffset = commitLogOffset,
            CommitOrRollback = ToWire(state),
            FromTransactionCheck = false,
            MsgId = sent.MsgId,
            TransactionId = sent.MsgId,
            BrokerName = sent.MessageQueue.BrokerName,
        };
        string? remark = localError is null ? null : "executeLocalTransactionBranch exception: " + localError.Message;
        await SendEndAsync(address, header, remark, cancellationToken).ConfigureAwait(false);
    }

    private Task SendEndAsync(string address, EndTransactionRequestHeader header, string? remark, CancellationToken cancellationToken)
    {
        var request = CommandHeader.CreateRequest(RequestCode.EndTransaction, header);
        request.Remark = remark;
        return _producer.Instance.Remoting.InvokeOnewayAsync(address, request, cancellationToken);
    }

    private static int ToWire(LocalTransactionState state) => state switch
    {
        LocalTransactionState.CommitMessage => MessageRecordLayout.SysFlagTransactionCommit,
        LocalTransactionState.RollbackMessage => MessageRecordLayout.SysFlagTransactionRollback,
        _ => MessageRecordLayout.SysFlagTransactionNot,
    };
}

internal sealed record PendingCheck(string BrokerAddress, MessageExt Message, CheckTransactionStateRequestHeader Header);

internal static partial class TransactionLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction check of {MsgId} dropped: {Max} checks already wait; the broker will ask again")]
    public static partial void CheckDropped(ILogger logger, string msgId, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local transaction of {MsgId} threw; its state is unknown until the broker checks back")]
    public static partial void LocalTransactionFailed(ILogger logger, Exception exception, string msgId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction check of {MsgId} threw; answered unknown")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string msgId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "END_TRANSACTION for {MsgId} not sent: {Message}")]
    public static partial void EndTransactionFailed(ILogger logger, string msgId, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transaction check for producer group {Group} ignored: no such transactional producer here")]
    public static partial void CheckForUnknownGroup(ILogger logger, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction check from {Address} ignored: {Message}")]
    public static partial void CheckRejected(ILogger logger, string address, string message);
}
