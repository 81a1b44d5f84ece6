using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>An operator's offset reset (220) and the consumer status query (221).</summary>
public sealed partial class PushConsumer : IConsumerOffsets
{
    Dictionary<MessageQueue, long> IConsumerOffsets.OffsetTableOf(string topic) => _offsets.TableOf(topic);

    void IConsumerOffsets.StopQueues(string topic, IReadOnlyDictionary<MessageQueue, long> offsets)
    {
        foreach (var (queue, pq) in _processQueues)
        {
            if (queue.Topic == topic && offsets.ContainsKey(queue))
            {
                pq.Drop();
            }
        }
    }

    /// <summary>
    /// As Java's MQClientInstance.resetOffset, without its restart pause: each held queue of the
    /// topic that the reset names is dropped (cached and running messages no longer move its
    /// offset), its offset is set and committed, and a fresh process queue pulls from there.
    /// Queues this consumer does not hold are left to their holders. Runs under the rebalance
    /// lock, so no rebalance adds or drops queues meanwhile.
    /// </summary>
    async Task IConsumerOffsets.ResetOffsetsAsync(string topic, IReadOnlyDictionary<MessageQueue, long> offsets, CancellationToken cancellationToken)
    {
        if (!await TryEnterRebalanceAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var moved = new List<(MessageQueue Queue, ProcessQueue Old, long Offset)>();
            foreach (var (queue, pq) in _processQueues)
            {
                if (queue.Topic == topic && offsets.TryGetValue(queue, out long offset))
                {
                    pq.Drop();
                    _processQueues.TryRemove(queue, out _);
                    moved.Add((queue, pq, offset));
                }
            }

            foreach (var (queue, old, offset) in moved)
            {
                await old.PullTask.ConfigureAwait(false);
                _offsets.Update(queue, offset, increaseOnly: false);
            }

            await _offsets.PersistAllAsync(moved.ConvertAll(m => m.Queue), cancellationToken).ConfigureAwait(false);
            foreach (var (queue, old, offset) in moved)
            {
                var pq = new ProcessQueue(offset) { Locked = old.Locked, LastLockTimestamp = old.LastLockTimestamp };
                _processQueues[queue] = pq;
                pq.PullTask = Task.Run(() => PullLoopAsync(queue, pq), CancellationToken.None);
                Log.OffsetReset(_instance.Logger, Group, queue.ToString(), offset);
            }
        }
        finally
        {
            _rebalanceLock.Release();
        }
    }
}
