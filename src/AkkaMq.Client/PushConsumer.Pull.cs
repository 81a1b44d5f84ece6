using System.Globalization;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>The per-queue pull loop, listener dispatch and send-back of failed messages.</summary>
public sealed partial class PushConsumer
{
    private static readonly TimeSpan FlowControlDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan FlowControlCodeDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ReconsumeDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SendBackTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Pulls one queue until it is dropped; never throws.</summary>
    private async Task PullLoopAsync(MessageQueue queue, ProcessQueue pq)
    {
        var token = pq.Cancellation.Token;
        while (!token.IsCancellationRequested)
        {
            if (IsOrderly && !pq.Locked)
            {
                // Orderly: only a queue we hold the broker lock of is pulled.
                await DelayAsync(_instance.Options.PullRetryDelay, token).ConfigureAwait(false);
                continue;
            }

            if (pq.Count > PullThresholdForQueue || pq.Size > PullThresholdSizeForQueue)
            {
                await DelayAsync(FlowControlDelay, token).ConfigureAwait(false);
                continue;
            }

            try
            {
                await PullOnceAsync(queue, pq, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var delay = ex is MQBrokerException { ResponseCode: (int)ResponseCode.FlowControl } ? FlowControlCodeDelay : _instance.Options.PullRetryDelay;
                Log.PullFailed(_instance.Logger, queue.ToString(), (long)delay.TotalMilliseconds, ex.Message);
                await DelayAsync(delay, token).ConfigureAwait(false);
            }
        }
    }

    private async Task PullOnceAsync(MessageQueue queue, ProcessQueue pq, CancellationToken token)
    {
        if (!_subscriptions.TryGetValue(queue.Topic, out var subscription))
        {
            await DelayAsync(_instance.Options.PullRetryDelay, token).ConfigureAwait(false);
            return;
        }

        long commitOffset = _offsets.ReadFromMemory(queue);
        int sysFlag = PullSysFlag.Suspend
            | (commitOffset > 0 && !IsBroadcasting ? PullSysFlag.CommitOffset : 0)
            | (PostSubscriptionWhenPull ? PullSysFlag.Subscription : 0);
        var options = _instance.Options;
        var request = new PullApi.PullRequest(
            Group, queue, pq.NextOffset, PullBatchSize, sysFlag, Math.Max(0, commitOffset), subscription,
            pq.SuggestedBrokerId, options.LongPollingSuspend, options.LongPollingTimeout);
        pq.LastPullTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var result = await PullApi.PullAsync(_instance, request, token).ConfigureAwait(false);
        if (pq.Dropped)
        {
            return;
        }

        pq.SuggestedBrokerId = result.SuggestWhichBrokerId;
        switch (result.Status)
        {
            case PullStatus.Found:
                pq.NextOffset = result.NextBeginOffset;
                if (result.Messages.Count > 0)
                {
                    pq.Put(result.Messages);
                    Dispatch(result.Messages, queue, pq);
                }
                else if (pq.Count == 0)
                {
                    _offsets.Update(queue, result.NextBeginOffset, increaseOnly: true);
                }

                break;
            case PullStatus.NoNewMsg:
            case PullStatus.NoMatchedMsg:
                pq.NextOffset = result.NextBeginOffset;
                if (pq.Count == 0)
                {
                    _offsets.Update(queue, result.NextBeginOffset, increaseOnly: true);
                }

                break;
            case PullStatus.OffsetIllegal:
                // ali-ons style: save the corrected offset and go on (Java drops the queue and lets rebalance re-add it at the same place).
                Log.OffsetIllegal(_instance.Logger, queue.ToString(), pq.NextOffset, result.NextBeginOffset);
                pq.NextOffset = result.NextBeginOffset;
                _offsets.Update(queue, result.NextBeginOffset, increaseOnly: false);
                await _offsets.PersistAllAsync([queue], token).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Splits pulled messages into listener batches, each run when a consume slot is free.</summary>
    private void Dispatch(IReadOnlyList<MessageExt> messages, MessageQueue queue, ProcessQueue pq)
    {
        if (IsOrderly)
        {
            ScheduleOrderlyRun(queue, pq);
            return;
        }

        int batchSize = Math.Max(1, ConsumeMessageBatchMaxSize);
        for (int i = 0; i < messages.Count; i += batchSize)
        {
            var batch = new List<MessageExt>(batchSize);
            for (int j = i; j < Math.Min(i + batchSize, messages.Count); j++)
            {
                batch.Add(messages[j]);
            }

            _ = Task.Run(() => ConsumeLoggedAsync(batch, queue, pq), CancellationToken.None);
        }
    }

    /// <summary>A detached delivery: whatever escapes is logged, never lost silently.</summary>
    private async Task ConsumeLoggedAsync(List<MessageExt> batch, MessageQueue queue, ProcessQueue pq)
    {
        try
        {
            await ConsumeAsync(batch, queue, pq).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LoopFailed(_instance.Logger, ex, "consume " + queue);
        }
    }

    /// <summary>Runs the listener on one batch and settles its offsets.</summary>
    private async Task ConsumeAsync(List<MessageExt> batch, MessageQueue queue, ProcessQueue pq)
    {
        var slots = _consumeSlots!;
        await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        List<MessageExt> failed = [];
        try
        {
            if (pq.Dropped || Volatile.Read(ref _state) != 1)
            {
                return;
            }

            var context = new ConsumeContext(queue);
            pq.LastConsumeTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var status = await InvokeListenerAsync(batch, context).ConfigureAwait(false);
            if (pq.Dropped)
            {
                return;
            }

            if (status == ConsumeStatus.ReconsumeLater && IsBroadcasting)
            {
                // As in Java: a broadcasting consumer has no retry topic of its own, so a failed message is dropped.
                foreach (var message in batch)
                {
                    Log.BroadcastConsumeFailed(_instance.Logger, Group, message.MsgId);
                }
            }
            else if (status == ConsumeStatus.ReconsumeLater)
            {
                foreach (var message in batch)
                {
                    if (!await SendBackAsync(message, context).ConfigureAwait(false))
                    {
                        failed.Add(message);
                    }
                }
            }

            var done = failed.Count == 0 ? batch : batch.FindAll(m => !failed.Contains(m));
            long offset = pq.Remove(done);
            if (offset >= 0 && !pq.Dropped)
            {
                _offsets.Update(queue, offset, increaseOnly: true);
            }
        }
        finally
        {
            slots.Release();
        }

        if (failed.Count > 0 && await DelayAsync(ReconsumeDelay, pq.Cancellation.Token).ConfigureAwait(false))
        {
            await ConsumeAsync(failed, queue, pq).ConfigureAwait(false);
        }
    }

    private async Task<ConsumeStatus> InvokeListenerAsync(List<MessageExt> batch, ConsumeContext context)
    {
        string now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        foreach (var message in batch)
        {
            // A redelivered message arrives on the retry topic; show it under its original topic.
            if (message.Topic == RetryTopic && message.GetProperty(MessageProperty.RetryTopic) is { } original)
            {
                message.Topic = original;
            }

            message.SetProperty(MessageProperty.ConsumeStartTime, now);
        }

        try
        {
            return await _listener!(batch, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ListenerFailed(_instance.Logger, ex, Group);
            return ConsumeStatus.ReconsumeLater;
        }
    }

    /// <summary>CONSUMER_SEND_MSG_BACK (36); on failure re-sends to the retry topic. False when both fail.</summary>
    private async Task<bool> SendBackAsync(MessageExt message, ConsumeContext context)
    {
        int maxReconsume = MaxReconsumeTimes < 0 ? 16 : MaxReconsumeTimes;
        try
        {
            var queue = new MessageQueue(message.Topic, message.BrokerName ?? context.MessageQueue.BrokerName, message.QueueId);
            var header = new ConsumerSendMsgBackRequestHeader
            {
                Offset = message.CommitLogOffset,
                Group = Group,
                DelayLevel = context.DelayLevelWhenNextConsume,
                OriginMsgId = message.UniqueKey ?? message.MsgId,
                OriginTopic = message.Topic,
                UnitMode = false,
                MaxReconsumeTimes = maxReconsume,
                BrokerName = queue.BrokerName,
            };
            string address = await BrokerCalls.MasterAsync(_instance, queue, CancellationToken.None).ConfigureAwait(false);
            var request = CommandHeader.CreateRequest(RequestCode.ConsumerSendMsgBack, header);
            var response = await _instance.Remoting.InvokeAsync(address, request, SendBackTimeout, CancellationToken.None).ConfigureAwait(false);
            if (response.Code == (int)ResponseCode.Success)
            {
                return true;
            }

            Log.SendBackFailed(_instance.Logger, message.MsgId, "code " + response.Code + " " + response.Remark);
        }
        catch (Exception ex) when (ex is MQClientException || ClientInstance.IsNetworkError(ex))
        {
            Log.SendBackFailed(_instance.Logger, message.MsgId, ex.Message);
        }

        return await ResendToRetryTopicAsync(message, maxReconsume).ConfigureAwait(false);
    }

    private async Task<bool> ResendToRetryTopicAsync(MessageExt message, int maxReconsume)
    {
        var retry = new Message(RetryTopic, message.Body) { Flag = message.Flag };
        foreach (var (key, value) in message.Properties)
        {
            retry.Properties[key] = value;
        }

        retry.SetProperty(MessageProperty.OriginMessageId, message.GetProperty(MessageProperty.OriginMessageId) ?? message.UniqueKey ?? message.MsgId);
        retry.SetProperty(MessageProperty.RetryTopic, message.GetProperty(MessageProperty.RetryTopic) ?? message.Topic);
        retry.SetProperty(MessageProperty.ReconsumeTime, (message.ReconsumeTimes + 1).ToString(CultureInfo.InvariantCulture));
        retry.SetProperty(MessageProperty.MaxReconsumeTimes, maxReconsume.ToString(CultureInfo.InvariantCulture));
        retry.DelayTimeLevel = 3 + message.ReconsumeTimes;

        // A committed transactional message keeps TRAN_MSG; sent with it, the retry would be parked as a new half.
        retry.SetProperty(MessageProperty.TransactionPrepared, null);
        try
        {
            var producer = await _instance.GetInnerProducerAsync(CancellationToken.None).ConfigureAwait(false);
            await producer.SendAsync(retry, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is MQClientException or MQBrokerException || ClientInstance.IsNetworkError(ex))
        {
            Log.RetrySendFailed(_instance.Logger, message.MsgId, ex.Message);
            return false;
        }
    }

    /// <summary>Waits; false when cancelled first.</summary>
    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return false;
        }
    }
}
