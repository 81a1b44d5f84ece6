using System.Globalization;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Perm bits of a topic (wire doc 5.3): 4 read, 2 write, 1 inherit.</summary>
public static class Perm
{
    public const int Priority = 0x8;
    public const int Read = 0x4;
    public const int Write = 0x2;
    public const int Inherit = 0x1;

    public static bool IsReadable(int perm) => (perm & Read) != 0;

    public static bool IsWritable(int perm) => (perm & Write) != 0;
}

/// <summary>Turns a <see cref="TopicRouteData"/> into the queue lists producers and consumers use (wire doc 5.2).</summary>
public static class TopicRoutes
{
    /// <summary>
    /// Publish queues: from <c>orderTopicConf</c> when present (<c>broker:nums;…</c>); otherwise
    /// for each writable QueueData, sorted by broker name, whose broker has a master (id 0),
    /// queue ids 0..writeQueueNums−1.
    /// </summary>
    public static List<MessageQueue> PublishQueues(string topic, TopicRouteData route)
    {
        var queues = new List<MessageQueue>();
        if (!string.IsNullOrEmpty(route.OrderTopicConf))
        {
            foreach (var item in route.OrderTopicConf.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = item.Split(':');
                if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
                {
                    for (int i = 0; i < count; i++)
                    {
                        queues.Add(new MessageQueue(topic, parts[0], i));
                    }
                }
            }

            return queues;
        }

        var queueDatas = new List<QueueData>(route.QueueDatas);
        queueDatas.Sort(static (a, b) => string.CompareOrdinal(a.BrokerName, b.BrokerName));
        foreach (var queueData in queueDatas)
        {
            if (!Perm.IsWritable(queueData.Perm) || !HasMaster(route, queueData.BrokerName))
            {
                continue;
            }

            for (int i = 0; i < queueData.WriteQueueNums; i++)
            {
                queues.Add(new MessageQueue(topic, queueData.BrokerName, i));
            }
        }

        return queues;
    }

    /// <summary>Subscribe queues: each readable QueueData, queue ids 0..readQueueNums−1, in sorted order.</summary>
    public static List<MessageQueue> SubscribeQueues(string topic, TopicRouteData route)
    {
        var queues = new List<MessageQueue>();
        foreach (var queueData in route.QueueDatas)
        {
            if (!Perm.IsReadable(queueData.Perm))
            {
                continue;
            }

            for (int i = 0; i < queueData.ReadQueueNums; i++)
            {
                queues.Add(new MessageQueue(topic, queueData.BrokerName, i));
            }
        }

        queues.Sort(CompareQueues);
        return queues;
    }

    /// <summary>Java MessageQueue order: topic, broker name, queue id.</summary>
    public static int CompareQueues(MessageQueue a, MessageQueue b)
    {
        int c = string.CompareOrdinal(a.Topic, b.Topic);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(a.BrokerName, b.BrokerName);
        return c != 0 ? c : a.QueueId.CompareTo(b.QueueId);
    }

    private static bool HasMaster(TopicRouteData route, string brokerName)
    {
        foreach (var broker in route.BrokerDatas)
        {
            if (broker.BrokerName == brokerName)
            {
                return broker.BrokerAddrs.ContainsKey(0);
            }
        }

        return false;
    }
}

/// <summary>
/// A topic's publish queues and the round-robin cursor over them (Java TopicPublishInfo). On a
/// retry the queue of the broker that just failed is skipped when another broker has one.
/// </summary>
public sealed class TopicPublishInfo
{
    private int _cursor;

    public TopicPublishInfo(IReadOnlyList<MessageQueue> queues, int startIndex = -1)
    {
        Queues = queues;
        _cursor = startIndex >= 0 ? startIndex : Random.Shared.Next(0, 1 << 20);
    }

    public IReadOnlyList<MessageQueue> Queues { get; }

    /// <summary>The next queue; when <paramref name="lastBrokerName"/> is set, the next one on another broker if any.</summary>
    public MessageQueue SelectOneMessageQueue(string? lastBrokerName = null)
    {
        if (Queues.Count == 0)
        {
            throw new MQClientException("No publish queue.");
        }

        if (lastBrokerName is not null)
        {
            for (int i = 0; i < Queues.Count; i++)
            {
                var queue = Next();
                if (queue.BrokerName != lastBrokerName)
                {
                    return queue;
                }
            }
        }

        return Next();
    }

    private MessageQueue Next()
    {
        int index = Interlocked.Increment(ref _cursor) & int.MaxValue;
        return Queues[index % Queues.Count];
    }
}

/// <summary>
/// Java's AllocateMessageQueueAveragely (wire doc 7.3): with n queues, k clients and own index i,
/// mod = n mod k; size = 1 when n ≤ k, else n/k (+1 when i &lt; mod); start = i×size when
/// i &lt; mod, else i×size + mod; take min(size, n − start) queues from start.
/// Both lists must already be sorted.
/// </summary>
public static class AllocateMessageQueueAveragely
{
    public static List<MessageQueue> Allocate(string currentClientId, IReadOnlyList<MessageQueue> queues, IReadOnlyList<string> clientIds)
    {
        var result = new List<MessageQueue>();
        int index = -1;
        for (int i = 0; i < clientIds.Count; i++)
        {
            if (clientIds[i] == currentClientId)
            {
                index = i;
                break;
            }
        }

        if (index < 0 || queues.Count == 0)
        {
            return result;
        }

        int n = queues.Count;
        int k = clientIds.Count;
        int mod = n % k;
        int size = n <= k ? 1 : (n / k) + (index < mod ? 1 : 0);
        int start = index < mod ? index * size : (index * size) + mod;
        int range = Math.Min(size, n - start);
        for (int i = 0; i < range; i++)
        {
            result.Add(queues[(start + i) % n]);
        }

        return result;
    }
}
