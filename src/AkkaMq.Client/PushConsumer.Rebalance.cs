using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Rebalance: who owns which queue, and where a newly owned queue starts.</summary>
public sealed partial class PushConsumer
{
    async Task IConsumerClient.RebalanceAsync(CancellationToken cancellationToken)
    {
        if (!await TryEnterRebalanceAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            foreach (var topic in _subscriptions.Keys)
            {
                try
                {
                    await RebalanceTopicAsync(topic, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MQClientException or MQBrokerException || ClientInstance.IsNetworkError(ex))
                {
                    Log.RebalanceSkipped(_instance.Logger, Group, topic, ex.Message);
                }
            }

            await DropUnsubscribedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _rebalanceLock.Release();
        }
    }

    private async Task<bool> TryEnterRebalanceAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _state) != 1)
        {
            return false;
        }

        await _rebalanceLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _state) != 1)
        {
            _rebalanceLock.Release();
            return false;
        }

        return true;
    }

    private async Task RebalanceTopicAsync(string topic, CancellationToken cancellationToken)
    {
        var queues = await _instance.GetSubscribeQueuesAsync(topic, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<MessageQueue> allocated;
        if (IsBroadcasting)
        {
            // Every instance consumes every queue: nothing to split, no need to know the others.
            allocated = queues;
        }
        else
        {
            var clientIds = await FetchConsumerIdsAsync(topic, cancellationToken).ConfigureAwait(false);
            clientIds.Sort(StringComparer.Ordinal);
            allocated = AllocateMessageQueueAveragely.Allocate(_instance.ClientId, queues, clientIds);
        }

        var wanted = new HashSet<MessageQueue>(allocated);
        bool changed = false;
        foreach (var (queue, pq) in _processQueues)
        {
            if (queue.Topic == topic && !wanted.Contains(queue))
            {
                await DropQueueAsync(queue, pq, cancellationToken).ConfigureAwait(false);
                changed = true;
            }
        }

        foreach (var queue in allocated)
        {
            if (!_processQueues.ContainsKey(queue) && await TryAddQueueAsync(queue, cancellationToken).ConfigureAwait(false))
            {
                changed = true;
            }
        }

        if (changed)
        {
            Log.Rebalanced(_instance.Logger, Group, topic, allocated.Count, string.Join(", ", allocated));
        }
    }

    /// <summary>GET_CONSUMER_LIST_BY_GROUP (38) to one broker of the topic.</summary>
    private async Task<List<string>> FetchConsumerIdsAsync(string topic, CancellationToken cancellationToken)
    {
        string? address = _instance.FindBrokerAddressByTopic(topic);
        if (address is null)
        {
            await _instance.UpdateTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            address = _instance.FindBrokerAddressByTopic(topic) ?? throw new MQClientException("No broker serves topic " + topic);
        }

        var header = new GetConsumerListByGroupRequestHeader { ConsumerGroup = Group };
        var request = CommandHeader.CreateRequest(RequestCode.GetConsumerListByGroup, header);
        var response = await _instance.Remoting.InvokeAsync(address, request, _instance.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (response.Code != (int)ResponseCode.Success)
        {
            throw new MQBrokerException(response.Code, response.Remark, address);
        }

        return ConsumerListBody.Decode(response.Body.Span).ConsumerIdList;
    }

    /// <summary>Stops the queue's pull loop, commits its offset and forgets it.</summary>
    private async Task DropQueueAsync(MessageQueue queue, ProcessQueue pq, CancellationToken cancellationToken)
    {
        pq.Drop();
        _processQueues.TryRemove(queue, out _);
        await pq.PullTask.ConfigureAwait(false);
        await _offsets.PersistAllAsync([queue], cancellationToken).ConfigureAwait(false);
        _offsets.Remove(queue);
        if (IsOrderly && !IsBroadcasting)
        {
            await UnlockAsync([queue], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DropUnsubscribedAsync(CancellationToken cancellationToken)
    {
        foreach (var (queue, pq) in _processQueues)
        {
            if (!_subscriptions.ContainsKey(queue.Topic))
            {
                await DropQueueAsync(queue, pq, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> TryAddQueueAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        _offsets.Remove(queue);
        long offset;
        try
        {
            offset = await ComputePullFromWhereAsync(queue, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQClientException or MQBrokerException || ClientInstance.IsNetworkError(ex))
        {
            Log.StartOffsetFailed(_instance.Logger, queue.ToString(), ex.Message);
            return false;
        }

        if (offset < 0)
        {
            return false;
        }

        var pq = new ProcessQueue(offset);
        if (IsOrderly && IsBroadcasting)
        {
            // Each broadcasting instance has its own copy of the queue: order needs no broker lock.
            pq.Locked = true;
        }
        else if (IsOrderly)
        {
            if (!await TryLockAsync(queue, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            pq.Locked = true;
            pq.LastLockTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        _processQueues[queue] = pq;
        pq.PullTask = Task.Run(() => PullLoopAsync(queue, pq), CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Start offset (wire doc 7.3): the committed one (14) if the broker has it; on an error code,
    /// LAST → max offset (retry topics 0), FIRST → 0, TIMESTAMP → search (retry topics max).
    /// Network errors propagate and the queue is skipped this round.
    /// </summary>
    private async Task<long> ComputePullFromWhereAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        long last = await _offsets.ReadFromStoreAsync(queue, cancellationToken).ConfigureAwait(false);
        if (last >= 0)
        {
            return last;
        }

        bool retryTopic = queue.Topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal);
        switch (ConsumeFromWhere)
        {
            case ConsumeFromWhere.ConsumeFromFirstOffset:
            case ConsumeFromWhere.ConsumeFromMinOffset:
                return 0;
            case ConsumeFromWhere.ConsumeFromTimestamp:
                return retryTopic
                    ? await BrokerCalls.MaxOffsetAsync(_instance, queue, cancellationToken).ConfigureAwait(false)
                    : await BrokerCalls.SearchOffsetAsync(_instance, queue, ConsumeTimestamp.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
            default:
                return retryTopic ? 0 : await BrokerCalls.MaxOffsetAsync(_instance, queue, cancellationToken).ConfigureAwait(false);
        }
    }
}
