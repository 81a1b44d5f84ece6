using System.Globalization;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>The consumer's answer to GET_CONSUMER_RUNNING_INFO (307): its settings, subscriptions and queues.</summary>
public sealed partial class PushConsumer
{
    private readonly long _startTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    ConsumerRunningInfoBody IConsumerClient.BuildRunningInfo()
    {
        var info = new ConsumerRunningInfoBody();
        var p = info.Properties;
        p["consumerGroup"] = Group;
        p["messageModel"] = IsBroadcasting ? "BROADCASTING" : "CLUSTERING";
        p["consumeFromWhere"] = FastJson.JavaName(ConsumeFromWhere);
        p["consumeThreadMin"] = Text(ConsumeThreadCount);
        p["consumeThreadMax"] = Text(ConsumeThreadCount);
        p["consumeMessageBatchMaxSize"] = Text(ConsumeMessageBatchMaxSize);
        p["pullBatchSize"] = Text(PullBatchSize);
        p["pullThresholdForQueue"] = Text(PullThresholdForQueue);
        p["maxReconsumeTimes"] = Text(MaxReconsumeTimes);
        p[ConsumerRunningInfoBody.PropConsumeType] = "CONSUME_PASSIVELY";
        p[ConsumerRunningInfoBody.PropConsumeOrderly] = IsOrderly ? "true" : "false";
        p[ConsumerRunningInfoBody.PropThreadPoolCoreSize] = Text(ConsumeThreadCount);
        p[ConsumerRunningInfoBody.PropConsumerStartTimestamp] = Text(_startTimestamp);
        info.SubscriptionSet.AddRange(_subscriptions.Values);
        foreach (var topic in _subscriptions.Keys)
        {
            info.StatusTable[topic] = new ConsumeStatusInfo();
        }

        foreach (var (queue, pq) in _processQueues)
        {
            var (min, max) = pq.CachedRange();
            info.MqTable[queue] = new ProcessQueueInfo
            {
                CommitOffset = _offsets.ReadFromMemory(queue),
                CachedMsgMinOffset = min,
                CachedMsgMaxOffset = max,
                CachedMsgCount = pq.Count,
                CachedMsgSizeInMiB = (int)(pq.Size / (1024 * 1024)),
                Locked = pq.Locked,
                LastLockTimestamp = pq.LastLockTimestamp,
                Dropped = pq.Dropped,
                LastPullTimestamp = pq.LastPullTimestamp,
                LastConsumeTimestamp = pq.LastConsumeTimestamp,
            };
        }

        return info;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
