using System.Globalization;
using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.Transactions;

/// <summary>
/// Owns the transactions of this broker: which half messages are still undecided, how often
/// each was checked, and the scan positions in the half and op queues. It learns of new halves
/// by reading the half queue (the send path only stores them), ends them on END_TRANSACTION
/// (commit: real message + op record in one append; rollback: op record), and every check
/// interval asks a live producer of the group about halves past their immunity time.
/// <para>
/// A check is counted the way RocketMQ counts it: the half is re-appended to the half queue
/// with <c>TRANSACTION_CHECK_TIMES</c> incremented, and the copy carries the original half's
/// queue offset (<c>TRAN_PREPARED_QUEUE_OFFSET</c>), the transaction's identity, which is what
/// op records name. So everything survives a restart: at start the actor re-reads the half
/// queue from its committed progress and the op queue from its own, and what remains open is
/// exactly the halves with no op record. Progress is committed as offsets of
/// <see cref="ProgressGroup"/> (written through the log with the consumer offsets).
/// </para>
/// </summary>
public sealed partial class TransactionsActor : ReceiveActor, IWithTimers
{
    /// <summary>The pseudo consumer group whose offsets on the half and op topics are the scan progress (RocketMQ's name).</summary>
    public const string ProgressGroup = "CID_SYS_RMQ_TRANS";

    private const int ReadBatch = 64;

    private readonly MessageStore _store;
    private readonly IActorRef _storeActor;
    private readonly IActorRef _offsets;
    private readonly IActorRef _clients;
    private readonly IPv4Endpoint _storeHost;
    private readonly TransactionSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly QueueEntry[] _entries = new QueueEntry[ReadBatch];

    /// <summary>Undecided transactions by the original half's queue offset.</summary>
    private readonly SortedDictionary<long, OpenHalf> _open = [];

    /// <summary>
    /// Op records that must be read again after a restart: op queue offset → latest half copy of
    /// the transaction it ended. Kept while that copy is at or past the committed half progress.
    /// </summary>
    private readonly SortedDictionary<long, long> _retainedOps = [];

    private long _halfScanned;
    private long _opScanned;
    private long _committedHalf = -1;
    private long _committedOp = -1;
    private readonly Membership.BrokerMembership? _membership;

    /// <summary>Set by Akka before PreStart; cancelled with the actor.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    public TransactionsActor(
        MessageStore store, IActorRef storeActor, IActorRef offsets, IActorRef clients, IPv4Endpoint storeHost,
        TransactionSettings settings, long halfProgress, long opProgress, TimeProvider time, ILogger log, Membership.BrokerMembership? membership = null)
    {
        _membership = membership;
        _store = store;
        _storeActor = storeActor;
        _offsets = offsets;
        _clients = clients;
        _storeHost = storeHost;
        _settings = settings;
        _time = time;
        _log = log;
        _halfScanned = halfProgress;
        _opScanned = opProgress;
        ReceiveAsync<EndTransactionCommand>(EndAsync);
        // A follower checks nothing back: a check re-appends the half, and its log is the master's.
        ReceiveAsync<CheckHalves>(_ => _membership is { IsMaster: false } ? Task.CompletedTask : CheckAsync());
        Receive<GetOpenTransactions>(_ =>
        {
            CatchUp(recovering: false);
            Sender.Tell(new OpenTransactions(_open.Count), Self);
        });
    }

    public static Props Props(
        MessageStore store, IActorRef storeActor, IActorRef offsets, IActorRef clients, IPv4Endpoint storeHost,
        TransactionSettings settings, long halfProgress, long opProgress, TimeProvider time, ILogger log, Membership.BrokerMembership? membership = null) =>
        Akka.Actor.Props.Create(() => new TransactionsActor(store, storeActor, offsets, clients, storeHost, settings, halfProgress, opProgress, time, log, membership));

    protected override void PreStart()
    {
        CatchUp(recovering: true);
        if (_open.Count > 0)
        {
            _log.LogInformation("Transactions: {Count} half messages still undecided after start", _open.Count);
        }

        var interval = _settings.CheckInterval > TimeSpan.Zero ? _settings.CheckInterval : TransactionSettings.Default.CheckInterval;
        Timers.StartPeriodicTimer("check", CheckHalves.Instance, interval);
    }

    private async Task EndAsync(EndTransactionCommand m)
    {
        var sender = Sender;
        EndTransactionOutcome outcome;
        try
        {
            outcome = await EndCoreAsync(m.Header);
        }
        catch (Exception e) when (e is IOException or StoreCorruptedException or InvalidOperationException)
        {
            _log.LogError(e, "END_TRANSACTION for half offset {Offset} failed", m.Header.TranStateTableOffset);
            outcome = new EndTransactionOutcome(ResponseCode.SystemError, "end transaction failed: " + e.Message);
        }

        sender.Tell(outcome, Self);
    }

    private async Task<EndTransactionOutcome> EndCoreAsync(EndTransactionRequestHeader h)
    {
        CatchUp(recovering: false);
        if (FindHalf(h.TranStateTableOffset, h.CommitLogOffset) is not { } half)
        {
            return new EndTransactionOutcome(ResponseCode.SystemError, "Find prepared transaction message failed");
        }

        if (!string.Equals(half.GetProperty(MessageProperty.ProducerGroup), h.ProducerGroup, StringComparison.Ordinal))
        {
            return new EndTransactionOutcome(ResponseCode.SystemError, "The producer group wrong");
        }

        long origin = HalfMessages.OriginOf(half);
        if (!_open.TryGetValue(origin, out var open))
        {
            _log.LogInformation(
                "END_TRANSACTION {Kind} for half offset {Offset} ignored: that transaction has already ended",
                h.CommitOrRollback == MessageRecordLayout.SysFlagTransactionCommit ? "commit" : "rollback", origin);
            return EndTransactionOutcome.Ok;
        }

        MessageToStore[] records;
        if (h.CommitOrRollback == MessageRecordLayout.SysFlagTransactionCommit)
        {
            if (!HalfMessages.TryGetReal(half, out string topic, out int queueId))
            {
                return new EndTransactionOutcome(ResponseCode.SystemError, "the half message has no real topic or queue");
            }

            records = [HalfMessages.ToReal(half, topic, queueId, _storeHost), OpRecord(origin)];
        }
        else
        {
            records = [OpRecord(origin)];
        }

        var results = await AppendAsync(records);
        if (FirstFailure(results) is { } failed)
        {
            var (code, remark) = BrokerResponses.ForAppend(failed);
            return new EndTransactionOutcome(code, remark);
        }

        Close(open, results[^1].QueueOffset);
        _log.LogDebug("Transaction at half offset {Offset} {Kind}", origin, records.Length == 2 ? "committed" : "rolled back");
        return EndTransactionOutcome.Ok;
    }

    /// <summary>Reads what was appended to the half and op queues since the last scan.</summary>
    private void CatchUp(bool recovering)
    {
        _halfScanned = Scan(TopicNames.TransactionHalf, _halfScanned, half => SeeHalf(half, recovering));
        _opScanned = Scan(TopicNames.TransactionOp, _opScanned, SeeOp);
    }

    private long Scan(string topic, long from, Action<StoredMessage> see)
    {
        long next = Math.Max(from, _store.GetMinOffset(topic, 0));
        long max = _store.GetMaxOffset(topic, 0);
        while (next < max)
        {
            var read = _store.ReadQueue(topic, 0, next, _entries, default, ReadBatch);
            for (int i = 0; i < read.Count; i++)
            {
                if (Read(_entries[i]) is { } message)
                {
                    see(message);
                }
            }

            if (read.NextQueueOffset <= next)
            {
                _log.LogWarning("Transactions: {Topic} unreadable at queue offset {Offset}; skipped to {Max}", topic, next, max);
                return max;
            }

            next = read.NextQueueOffset;
        }

        return next;
    }

    private void SeeHalf(StoredMessage half, bool recovering)
    {
        long origin = HalfMessages.OriginOf(half);
        if (_open.TryGetValue(origin, out var open))
        {
            if (half.QueueOffset > open.QueueOffset)
            {
                open.MoveTo(half.QueueOffset, half.CommitLogOffset, half.StoredSize, HalfMessages.ChecksOf(half));
            }

            return;
        }

        // At run time a copy is only ever written by this actor for an open transaction; one not
        // open any more was ended after it was written. At start-up copies are how open halves
        // whose original lies before the progress are found.
        if (origin != half.QueueOffset && !recovering)
        {
            return;
        }

        _open[origin] = new OpenHalf(
            origin, half.GetProperty(MessageProperty.ProducerGroup) ?? string.Empty, half.BornTimestamp, ImmunityOf(half))
        {
            QueueOffset = half.QueueOffset,
            CommitLogOffset = half.CommitLogOffset,
            Size = half.StoredSize,
            Checks = HalfMessages.ChecksOf(half),
        };
    }

    private void SeeOp(StoredMessage op)
    {
        if (HalfMessages.TryReadOp(op, out long origin) && _open.TryGetValue(origin, out var open))
        {
            Close(open, op.QueueOffset);
        }
    }

    private void Close(OpenHalf open, long opOffset)
    {
        _open.Remove(open.Origin);
        _retainedOps[opOffset] = open.QueueOffset;
    }

    private long ImmunityOf(StoredMessage half) =>
        long.TryParse(half.GetProperty(MessageProperty.CheckImmunityTimeInSeconds), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            ? seconds * 1000
            : (long)_settings.CheckImmunity.TotalMilliseconds;

    /// <summary>The half record at a half-queue offset, if that entry points at <paramref name="commitLogOffset"/>.</summary>
    private StoredMessage? FindHalf(long queueOffset, long commitLogOffset)
    {
        var read = _store.ReadQueue(TopicNames.TransactionHalf, 0, queueOffset, _entries.AsSpan(0, 1), default, 1);
        if (read.Count != 1 || _entries[0].QueueOffset != queueOffset || _entries[0].CommitLogOffset != commitLogOffset)
        {
            return null;
        }

        return Read(_entries[0]);
    }

    private StoredMessage? Read(QueueEntry entry) => Read(entry.CommitLogOffset, entry.Size);

    private StoredMessage? Read(long commitLogOffset, int size)
    {
        if (!_store.TryGetMessage(commitLogOffset, size, out StoredBytes bytes))
        {
            return null;
        }

        using (bytes)
        {
            return StoredMessage.Decode(bytes.Span);
        }
    }

    private MessageToStore OpRecord(long origin) =>
        HalfMessages.OpRecord(origin, _storeHost, _time.GetUtcNow().ToUnixTimeMilliseconds());

    private async Task<AppendResult[]> AppendAsync(MessageToStore[] records)
    {
        var completion = new TaskAppendCompletion();
        _storeActor.Tell(new AppendMessages(records, completion));
        return await completion.Task;
    }

    private static AppendStatus? FirstFailure(AppendResult[] results)
    {
        foreach (var result in results)
        {
            if (!result.IsOk)
            {
                return result.Status;
            }
        }

        return null;
    }

    /// <summary>An undecided transaction; the position fields follow its latest copy in the half queue.</summary>
    private sealed class OpenHalf(long origin, string producerGroup, long bornTimestamp, long immunityMillis)
    {
        public long Origin { get; } = origin;

        public string ProducerGroup { get; } = producerGroup;

        public long BornTimestamp { get; } = bornTimestamp;

        public long ImmunityMillis { get; } = immunityMillis;

        public long QueueOffset { get; set; }

        public long CommitLogOffset { get; set; }

        public int Size { get; set; }

        public int Checks { get; set; }

        public void MoveTo(long queueOffset, long commitLogOffset, int size, int checks)
        {
            QueueOffset = queueOffset;
            CommitLogOffset = commitLogOffset;
            Size = size;
            Checks = checks;
        }
    }
}

/// <summary>END_TRANSACTION with commit (8) or rollback (12); replies <see cref="EndTransactionOutcome"/>.</summary>
public sealed record EndTransactionCommand(EndTransactionRequestHeader Header);

public sealed record EndTransactionOutcome(ResponseCode Code, string? Remark)
{
    public static EndTransactionOutcome Ok { get; } = new(ResponseCode.Success, null);
}

/// <summary>Replies <see cref="OpenTransactions"/> (admin and tests).</summary>
public sealed record GetOpenTransactions
{
    public static GetOpenTransactions Instance { get; } = new();
}

public sealed record OpenTransactions(int Count);

internal sealed record CheckHalves
{
    public static CheckHalves Instance { get; } = new();
}
