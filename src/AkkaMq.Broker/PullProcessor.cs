using Akka.Actor;
using AkkaMq.Broker.Filtering;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>PULL_MESSAGE (11) with long polling (wire doc 2.3).</summary>
internal sealed class PullProcessor(BrokerContext context)
{
    private const int MaxMessagesPerPull = 32;
    private const int MaxBytesPerPull = 256 * 1024;
    private const int MaxScan = 16_384;

    /// <summary>Every answer carries the four response fields, errors included: ali-ons reads them unconditionally.</summary>
    public async ValueTask<RemotingCommand?> PullAsync(RemotingCommand request, CancellationToken ct)
    {
        bool decoded = CommandHeader.TryDecode<PullMessageRequestHeader>(request, out var header, out var error);
        var response = decoded ? await PullCoreAsync(request, header, ct).ConfigureAwait(false) : BrokerResponses.BadHeader(request, error);
        if (response.GetExtField("nextBeginOffset") is null)
        {
            bool known = decoded && header.QueueId >= 0;
            CommandHeader.Encode(
                new PullMessageResponseHeader
                {
                    SuggestWhichBrokerId = 0,
                    NextBeginOffset = decoded ? header.QueueOffset : 0,
                    MinOffset = known ? context.Store.GetMinOffset(header.Topic, header.QueueId) : 0,
                    MaxOffset = known ? context.Store.GetMaxOffset(header.Topic, header.QueueId) : 0,
                },
                response);
        }

        return response;
    }

    private async Task<RemotingCommand> PullCoreAsync(RemotingCommand request, PullMessageRequestHeader header, CancellationToken ct)
    {
        // Off the connection's read loop: a read may touch cold pages, and a consumer's pulls for
        // different queues share one connection.
        await Task.Yield();
        if (SubscriptionGroups.SubscriptionGroupProcessor.RefusePull(context, request, header.ConsumerGroup, (header.SysFlag & PullSysFlag.Subscription) != 0) is { } groupRefused)
        {
            return groupRefused;
        }

        var config = TopicResolver.Find(context, header.Topic);
        if (config is null)
        {
            return BrokerResponses.Refuse(request, Refusal.TopicNotExist, header.Topic);
        }

        if (!Perm.IsReadable(config.Perm))
        {
            return BrokerResponses.Refuse(request, Refusal.TopicNotReadable, header.Topic);
        }

        if (header.QueueId < 0 || header.QueueId >= config.ReadQueueNums)
        {
            return BrokerResponses.IllegalQueue(request, header.QueueId, header.Topic, config.ReadQueueNums);
        }

        if (SubscriptionFilters.Resolve(context, request, header, out var filter) is { } refused)
        {
            return refused;
        }

        long reset = context.Resets.Take(header.Topic, header.ConsumerGroup, header.QueueId);
        if (reset >= 0 && reset != header.QueueOffset)
        {
            return OffsetReset(request, header, reset);
        }

        // As RocketMQ's slave, a follower ignores the pull's commit flag: its offsets follow the master's.
        if ((header.SysFlag & PullSysFlag.CommitOffset) != 0 && reset < 0 && context.Membership.IsMaster)
        {
            context.Offsets.Tell(new CommitOffset(header.ConsumerGroup, header.Topic, header.QueueId, header.CommitOffset), ActorRefs.NoSender);
        }

        var outcome = Read(header, filter);
        if (BrokerResponses.ForPull(outcome.Status, header.QueueOffset) == ResponseCode.PullNotFound
            && (header.SysFlag & PullSysFlag.Suspend) != 0 && header.SuspendTimeoutMillis > 0)
        {
            await HoldAsync(header, ct).ConfigureAwait(false);
            reset = context.Resets.Take(header.Topic, header.ConsumerGroup, header.QueueId);
            if (reset >= 0 && reset != header.QueueOffset)
            {
                return OffsetReset(request, header, reset);
            }

            outcome = Read(header, filter);
        }

        return Respond(request, header, outcome);
    }

    /// <summary>Waits until a record lands on the queue, the suspend time passes, or the connection closes.</summary>
    private async Task HoldAsync(PullMessageRequestHeader header, CancellationToken ct)
    {
        var wake = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Broker.Tell(new HoldPull(header.Topic, header.QueueId, header.QueueOffset, wake), ActorRefs.NoSender);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Min(header.SuspendTimeoutMillis, int.MaxValue)));
        await using (timeout.Token.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), wake).ConfigureAwait(false))
        {
            await wake.Task.ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>An operator reset the queue while this consumer was elsewhere: PULL_OFFSET_MOVED with the reset offset as the next one (RocketMQ 5's OFFSET_RESET).</summary>
    private RemotingCommand OffsetReset(RemotingCommand request, PullMessageRequestHeader header, long reset)
    {
        var store = context.Store;
        var outcome = new PullOutcome(
            PullStatus.OffsetFoundNull, reset, store.GetMinOffset(header.Topic, header.QueueId), store.GetMaxOffset(header.Topic, header.QueueId), default);
        var response = Respond(request, header, outcome);
        response.Code = (int)ResponseCode.PullOffsetMoved;
        response.Remark = "OFFSET_RESET";
        return response;
    }

    private RemotingCommand Respond(RemotingCommand request, PullMessageRequestHeader header, PullOutcome outcome)
    {
        var response = request.CreateResponse(BrokerResponses.ForPull(outcome.Status, header.QueueOffset), BrokerResponses.PullRemark(outcome.Status));
        CommandHeader.Encode(
            new PullMessageResponseHeader
            {
                SuggestWhichBrokerId = 0,
                NextBeginOffset = outcome.NextBeginOffset,
                MinOffset = outcome.MinOffset,
                MaxOffset = outcome.MaxOffset,
            },
            response);
        response.Body = outcome.Body;
        return response;
    }

    /// <summary>Reads the queue; a read that finds messages is counted in the group's stats, its latency being the read's own (as RocketMQ's, hold time excluded).</summary>
    private PullOutcome Read(PullMessageRequestHeader header, PullFilter filter)
    {
        long began = context.StatsService.Timestamp();
        var store = context.Store;
        long min = store.GetMinOffset(header.Topic, header.QueueId);
        long max = store.GetMaxOffset(header.Topic, header.QueueId);
        long offset = header.QueueOffset;
        if (max == 0)
        {
            return new PullOutcome(PullStatus.NoMessageInQueue, 0, min, max, default);
        }

        if (offset < min)
        {
            return new PullOutcome(PullStatus.OffsetTooSmall, min, min, max, default);
        }

        if (offset == max)
        {
            return new PullOutcome(PullStatus.OffsetOverflowOne, offset, min, max, default);
        }

        if (offset > max)
        {
            return new PullOutcome(PullStatus.OffsetOverflowBadly, max, min, max, default);
        }

        Span<QueueEntry> entries = stackalloc QueueEntry[MaxMessagesPerPull];
        int wanted = Math.Clamp(header.MaxMsgNums, 1, MaxMessagesPerPull);
        var read = store.ReadQueue(header.Topic, header.QueueId, offset, entries[..wanted], filter.Codes, MaxScan);
        int readable = Readable(store, entries[..read.Count]);
        if (readable < read.Count)
        {
            // Not yet on every in-sync member: served once they hold it (the pull waits as for a new record).
            if (readable == 0)
            {
                return new PullOutcome(PullStatus.OffsetOverflowOne, offset, min, max, default);
            }

            read = read with { Count = readable, NextQueueOffset = entries[readable].QueueOffset };
        }

        var outcome = Collect(entries[..read.Count], offset, read.NextQueueOffset, filter, min, max);
        if (outcome.Status == PullStatus.Found)
        {
            context.StatsService.OnGet(header.ConsumerGroup, header.Topic, header.QueueId, outcome.Count, outcome.Body.Length, context.StatsService.MillisSince(began));
        }

        return outcome;
    }

    /// <summary>How many of <paramref name="entries"/> (in queue order) lie below the store's readable offset.</summary>
    private static int Readable(MessageStore store, ReadOnlySpan<QueueEntry> entries)
    {
        int n = 0;
        while (n < entries.Length && store.IsReadable(entries[n]))
        {
            n++;
        }

        return n;
    }

    /// <summary>Copies the matching records into one body; stops early at the byte limit.</summary>
    private PullOutcome Collect(ReadOnlySpan<QueueEntry> entries, long offset, long next, PullFilter filter, long min, long max)
    {
        if (entries.IsEmpty)
        {
            return new PullOutcome(next > offset ? PullStatus.NoMatchedMessage : PullStatus.OffsetFoundNull, Math.Max(next, offset), min, max, default);
        }

        int total = 0;
        int take = 0;
        while (take < entries.Length && (take == 0 || total + entries[take].Size <= MaxBytesPerPull))
        {
            total += entries[take].Size;
            take++;
        }

        if (take < entries.Length)
        {
            next = entries[take].QueueOffset;
        }

        var body = new byte[total];
        int written = 0;
        int count = 0;
        for (int i = 0; i < take; i++)
        {
            if (!context.Store.TryGetMessage(entries[i].CommitLogOffset, entries[i].Size, out StoredBytes record))
            {
                continue;
            }

            using (record)
            {
                if (filter.Matches(record.Span))
                {
                    record.Span.CopyTo(body.AsSpan(written));
                    written += record.Length;
                    count++;
                }
            }
        }

        if (count == 0)
        {
            return new PullOutcome(PullStatus.NoMatchedMessage, next, min, max, default);
        }

        return new PullOutcome(PullStatus.Found, next, min, max, body.AsMemory(0, written), count);
    }

    private readonly record struct PullOutcome(PullStatus Status, long NextBeginOffset, long MinOffset, long MaxOffset, ReadOnlyMemory<byte> Body, int Count = 0);
}
