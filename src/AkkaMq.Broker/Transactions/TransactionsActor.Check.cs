using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.Transactions;

/// <summary>The check-back half of <see cref="TransactionsActor"/>: one pass per check interval.</summary>
public sealed partial class TransactionsActor
{
    private const string TransactionIdKey = "__transactionId__";

    private async Task CheckAsync()
    {
        CatchUp(recovering: false);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = new List<OpenHalf>();
        foreach (var open in _open.Values)
        {
            if (now - open.BornTimestamp >= open.ImmunityMillis)
            {
                due.Add(open);
            }
        }

        foreach (var open in due)
        {
            try
            {
                await CheckOneAsync(open);
            }
            catch (Exception e) when (e is IOException or StoreCorruptedException or InvalidOperationException or AskTimeoutException)
            {
                // The next pass tries again; nothing was counted for this one unless its copy was stored.
                _log.LogWarning(e, "Transaction check of half offset {Offset} failed", open.Origin);
            }
        }

        CommitProgress();
    }

    private async Task CheckOneAsync(OpenHalf open)
    {
        if (Read(open.CommitLogOffset, open.Size) is not { } half)
        {
            // Its segment was deleted by retention: nothing is left to commit.
            _log.LogWarning("Half message of transaction {Offset} is no longer in the store; forgotten", open.Origin);
            _open.Remove(open.Origin);
            return;
        }

        if (open.Checks >= _settings.MaxChecks || !HalfMessages.TryGetReal(half, out string topic, out int queueId))
        {
            await DropAsync(open, half);
            return;
        }

        var copy = HalfMessages.CheckCopy(half, open.Origin, open.Checks + 1, _storeHost);
        var results = await AppendAsync([copy]);
        if (!results[0].IsOk)
        {
            _log.LogWarning("Transaction {Offset} not checked: its copy was not stored ({Status})", open.Origin, results[0].Status);
            return;
        }

        var stored = results[0];
        open.MoveTo(stored.QueueOffset, stored.CommitLogOffset, stored.StoredSize, open.Checks + 1);
        var checkedHalf = half with
        {
            CommitLogOffset = stored.CommitLogOffset,
            QueueOffset = stored.QueueOffset,
            StoreTimestamp = stored.StoreTimestamp,
            StoreHost = _storeHost,
            Properties = copy.Properties,
        };
        var found = await _clients.Ask<FoundClient>(new FindProducer(open.ProducerGroup), BrokerContext.AskTimeout);
        if (found.Connection is not { } connection)
        {
            _log.LogWarning("Transaction {Offset}: no producer of group {Group} is online to check it (check {Checks})", open.Origin, open.ProducerGroup, open.Checks);
            return;
        }

        SendCheck(connection, checkedHalf, topic, queueId);
    }

    private void SendCheck(RemotingConnection connection, StoredMessage half, string topic, int queueId)
    {
        string? uniqueId = half.UniqueKey;
        var header = new CheckTransactionStateRequestHeader
        {
            TranStateTableOffset = half.QueueOffset,
            CommitLogOffset = half.CommitLogOffset,
            MsgId = uniqueId,
            TransactionId = half.GetProperty(TransactionIdKey) ?? uniqueId,
            OffsetMsgId = MessageId.Create(_storeHost, half.CommitLogOffset),
        };
        var request = CommandHeader.CreateRequest(RequestCode.CheckTransactionState, header, HalfMessages.CheckBody(half, topic, queueId));
        try
        {
            connection.InvokeOneway(request);
        }
        catch (RemotingConnectionException e)
        {
            _log.LogInformation("Transaction check to {Remote} not sent: {Reason}", connection.RemoteAddress, e.Message);
        }
    }

    /// <summary>Ends a transaction nobody decided: a copy to TRANS_CHECK_MAX_TIME_TOPIC and an op record, in one append.</summary>
    private async Task DropAsync(OpenHalf open, StoredMessage half)
    {
        var results = await AppendAsync([HalfMessages.Discarded(half, _storeHost), OpRecord(open.Origin)]);
        if (FirstFailure(results) is { } failed)
        {
            _log.LogWarning("Transaction {Offset} not dropped yet: {Status}", open.Origin, failed);
            return;
        }

        Close(open, results[^1].QueueOffset);
        _log.LogWarning(
            "Transaction {Offset} of group {Group} (message {UniqueId}) dropped after {Checks} checks; kept in {Topic}",
            open.Origin, open.ProducerGroup, half.UniqueKey, open.Checks, TopicNames.TransactionCheckMaxTime);
    }

    /// <summary>
    /// Commits where a restart must start reading: the half queue from the oldest latest copy of an
    /// open transaction, the op queue from the oldest op record that may end a half read from
    /// there. The half progress goes first, so a snapshot taken between the two never pairs an
    /// old half progress with a new op progress.
    /// </summary>
    private void CommitProgress()
    {
        long half = _halfScanned;
        foreach (var open in _open.Values)
        {
            half = Math.Min(half, open.QueueOffset);
        }

        List<long>? stale = null;
        foreach (var (opOffset, latestCopy) in _retainedOps)
        {
            if (latestCopy < half)
            {
                (stale ??= []).Add(opOffset);
            }
        }

        foreach (long opOffset in stale ?? [])
        {
            _retainedOps.Remove(opOffset);
        }

        long op = _opScanned;
        foreach (long opOffset in _retainedOps.Keys)
        {
            op = opOffset;
            break;
        }

        if (half != _committedHalf || op != _committedOp)
        {
            _offsets.Tell(new CommitOffset(ProgressGroup, TopicNames.TransactionHalf, 0, half));
            _offsets.Tell(new CommitOffset(ProgressGroup, TopicNames.TransactionOp, 0, op));
            _committedHalf = half;
            _committedOp = op;
        }
    }
}
