using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>
/// Orderly consumption (wire doc 7.3, "Orderly"): queue locks on the broker (41 before pulling and
/// every <see cref="LockRenewInterval"/>, 42 on release) and one sequential consume run per queue,
/// guarded by <see cref="ProcessQueue.OrderlyRunScheduled"/>.
/// </summary>
public sealed partial class PushConsumer
{
    private async Task<bool> TryLockAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        try
        {
            var locked = await LockBatchAsync(queue.BrokerName, [queue], cancellationToken).ConfigureAwait(false);
            return locked.Contains(queue);
        }
        catch (Exception ex) when (ex is MQClientException or MQBrokerException || ClientInstance.IsNetworkError(ex))
        {
            Log.StartOffsetFailed(_instance.Logger, queue.ToString(), "lock failed: " + ex.Message);
            return false;
        }
    }

    /// <summary>LOCK_BATCH_MQ (41) to the broker's master; returns the queues now locked by this client.</summary>
    private async Task<HashSet<MessageQueue>> LockBatchAsync(string brokerName, List<MessageQueue> queues, CancellationToken cancellationToken)
    {
        var body = new LockBatchRequestBody { ConsumerGroup = Group, ClientId = _instance.ClientId, MqSet = queues }.Encode();
        var request = RemotingCommand.CreateRequest(RequestCode.LockBatchMq, null, body);
        var response = await BrokerCalls.InvokeMasterAsync(_instance, queues[0], request, cancellationToken).ConfigureAwait(false);
        return [.. LockBatchResponseBody.Decode(response.Body.Span).LockOKMQSet];
    }

    /// <summary>UNLOCK_BATCH_MQ (42), per broker; failures are logged (the broker lease expires anyway).</summary>
    private async Task UnlockAsync(List<MessageQueue> queues, CancellationToken cancellationToken)
    {
        foreach (var group in queues.GroupBy(q => q.BrokerName))
        {
            var body = new LockBatchRequestBody { ConsumerGroup = Group, ClientId = _instance.ClientId, MqSet = [.. group] }.Encode();
            var request = RemotingCommand.CreateRequest(RequestCode.UnlockBatchMq, null, body);
            try
            {
                await BrokerCalls.InvokeMasterAsync(_instance, group.First(), request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQClientException or MQBrokerException || ClientInstance.IsNetworkError(ex))
            {
                Log.RebalanceSkipped(_instance.Logger, Group, group.Key, "unlock failed: " + ex.Message);
            }
        }
    }

    /// <summary>Renews every held queue's lock; a queue the broker refuses stops being consumed until it is granted again.</summary>
    private async Task LockLoopAsync()
    {
        var token = _lockLoopStop.Token;
        while (await DelayAsync(LockRenewInterval, token).ConfigureAwait(false))
        {
            foreach (var group in _processQueues.Keys.GroupBy(q => q.BrokerName))
            {
                try
                {
                    var locked = await LockBatchAsync(group.Key, [.. group], token).ConfigureAwait(false);
                    foreach (var queue in group)
                    {
                        if (_processQueues.TryGetValue(queue, out var pq))
                        {
                            pq.Locked = locked.Contains(queue);
                            pq.LastLockTimestamp = pq.Locked ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : pq.LastLockTimestamp;
                            if (pq.Locked && pq.Count > 0)
                            {
                                ScheduleOrderlyRun(queue, pq);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Log.LoopFailed(_instance.Logger, ex, "lock " + group.Key);
                }
            }
        }
    }

    /// <summary>Starts the queue's sequential consume run unless one is already scheduled.</summary>
    private void ScheduleOrderlyRun(MessageQueue queue, ProcessQueue pq)
    {
        if (Interlocked.CompareExchange(ref pq.OrderlyRunScheduled, 1, 0) == 0)
        {
            _ = Task.Run(() => OrderlyRunLoggedAsync(queue, pq), CancellationToken.None);
        }
    }

    private async Task OrderlyRunLoggedAsync(MessageQueue queue, ProcessQueue pq)
    {
        try
        {
            await OrderlyRunAsync(queue, pq).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.LoopFailed(_instance.Logger, ex, "orderly consume " + queue);
        }
        finally
        {
            Volatile.Write(ref pq.OrderlyRunScheduled, 0);
        }

        // Messages that arrived while the run was ending would otherwise wait for the next pull.
        if (pq.Count > 0 && pq.Locked && !pq.Dropped && Volatile.Read(ref _state) == 1)
        {
            ScheduleOrderlyRun(queue, pq);
        }
    }

    /// <summary>Delivers the queue's cached messages in offset order, one batch at a time.</summary>
    private async Task OrderlyRunAsync(MessageQueue queue, ProcessQueue pq)
    {
        var slots = _consumeSlots!;
        int batchSize = Math.Max(1, ConsumeMessageBatchMaxSize);
        while (!pq.Dropped && pq.Locked && Volatile.Read(ref _state) == 1)
        {
            var batch = pq.PeekFirst(batchSize);
            if (batch.Count == 0)
            {
                return;
            }

            var context = new ConsumeOrderlyContext(queue);
            ConsumeOrderlyStatus status;
            await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                pq.LastConsumeTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                status = await InvokeOrderlyListenerAsync(batch, context).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }

            if (pq.Dropped)
            {
                return;
            }

            if (status == ConsumeOrderlyStatus.Success)
            {
                long offset = pq.Remove(batch);
                if (offset >= 0)
                {
                    _offsets.Update(queue, offset, increaseOnly: false);
                }
            }
            else
            {
                foreach (var message in batch)
                {
                    message.ReconsumeTimes++;
                }

                if (!await DelayAsync(context.SuspendCurrentQueueTime, pq.Cancellation.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    private async Task<ConsumeOrderlyStatus> InvokeOrderlyListenerAsync(List<MessageExt> batch, ConsumeOrderlyContext context)
    {
        try
        {
            return await _orderlyListener!(batch, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ListenerFailed(_instance.Logger, ex, Group);
            return ConsumeOrderlyStatus.SuspendCurrentQueueAMoment;
        }
    }
}
