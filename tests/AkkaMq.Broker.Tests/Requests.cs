using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker.Tests;

/// <summary>Raw RocketMQ requests built the way the wire doc says clients build them.</summary>
internal static class Requests
{
    public static string Props(params (string Key, string Value)[] properties)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in properties)
        {
            builder.Append(key).Append('\u0001').Append(value).Append('\u0002');
        }

        return builder.Length == 0 ? string.Empty : builder.ToString(0, builder.Length - 1);
    }

    public static SendMessageRequestHeader SendHeader(string topic, int queueId = -1, string? properties = null) => new()
    {
        ProducerGroup = "PG",
        Topic = topic,
        DefaultTopic = "TBW102",
        DefaultTopicQueueNums = 4,
        QueueId = queueId,
        SysFlag = 0,
        BornTimestamp = 1_700_000_000_000,
        Flag = 3,
        Properties = properties,
    };

    public static RemotingCommand SendV1(string topic, string body, int queueId = -1, string? properties = null) =>
        CommandHeader.CreateRequest(RequestCode.SendMessage, SendHeader(topic, queueId, properties), Encoding.UTF8.GetBytes(body));

    public static RemotingCommand SendV2(string topic, string body, int queueId = -1, string? properties = null) =>
        CommandHeader.CreateRequest(RequestCode.SendMessageV2, SendHeader(topic, queueId, properties), Encoding.UTF8.GetBytes(body), HeaderKeyStyle.Short);

    /// <summary>SEND_BATCH_MESSAGE body per wire doc 4.4.</summary>
    public static RemotingCommand SendBatch(string topic, int queueId, params (string Body, string Properties)[] items)
    {
        var stream = new MemoryStream();
        foreach (var (body, props) in items)
        {
            byte[] b = Encoding.UTF8.GetBytes(body);
            byte[] p = Encoding.UTF8.GetBytes(props);
            var item = new byte[20 + b.Length + 2 + p.Length];
            BinaryPrimitives.WriteInt32BigEndian(item, item.Length);
            BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(12), 5);
            BinaryPrimitives.WriteInt32BigEndian(item.AsSpan(16), b.Length);
            b.CopyTo(item, 20);
            BinaryPrimitives.WriteInt16BigEndian(item.AsSpan(20 + b.Length), (short)p.Length);
            p.CopyTo(item, 22 + b.Length);
            stream.Write(item);
        }

        var header = SendHeader(topic, queueId);
        header.Batch = true;
        return CommandHeader.CreateRequest(RequestCode.SendBatchMessage, header, stream.ToArray(), HeaderKeyStyle.Short);
    }

    public static RemotingCommand Pull(string group, string topic, int queueId, long offset, int sysFlag = 0x4, string subscription = "*", long suspendMillis = 0, long commitOffset = 0) =>
        CommandHeader.CreateRequest(RequestCode.PullMessage, new PullMessageRequestHeader
        {
            ConsumerGroup = group,
            Topic = topic,
            QueueId = queueId,
            QueueOffset = offset,
            MaxMsgNums = 32,
            SysFlag = sysFlag,
            CommitOffset = commitOffset,
            SuspendTimeoutMillis = suspendMillis,
            Subscription = subscription,
            SubVersion = 0,
        });

    public static RemotingCommand Heartbeat(string clientId, string consumerGroup, params string[] topics)
    {
        var consumer = new ConsumerData { GroupName = consumerGroup };
        foreach (var topic in topics)
        {
            consumer.SubscriptionDataSet.Add(new SubscriptionData { Topic = topic, SubString = "*" });
        }

        var data = new HeartbeatData { ClientId = clientId, ConsumerDataSet = [consumer], ProducerGroups = ["PG"] };
        return RemotingCommand.CreateRequest(RequestCode.HeartBeat, null, data.Encode());
    }

    public static long Long(RemotingCommand response, string key) =>
        long.Parse(response.GetExtField(key) ?? throw new InvalidOperationException("missing " + key), CultureInfo.InvariantCulture);

    /// <summary>Splits a pull/query body into records.</summary>
    public static List<StoredMessage> Records(ReadOnlyMemory<byte> body)
    {
        var list = new List<StoredMessage>();
        var span = body.Span;
        while (span.Length >= 4)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(span);
            list.Add(StoredMessage.Decode(span[..size]));
            span = span[size..];
        }

        return list;
    }
}
