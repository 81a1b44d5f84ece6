using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Tests.Cluster;

/// <summary>
/// Asks one broker directly (not through the route), as a test must to tell a master's answers from
/// its follower's: end offset, pulls, consumer offsets; and reads a store's commit log from disk.
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly RemotingClient _client = new();

    /// <summary>The broker's commit-log end (GET_BROKER_RUNTIME_INFO's <c>commitLogMaxOffset</c>).</summary>
    public static async Task<long> CommitLogEndAsync(AdminClient admin, string brokerAddress)
    {
        var info = await admin.GetBrokerRuntimeInfoAsync(brokerAddress);
        return long.Parse(info.Table["commitLogMaxOffset"], CultureInfo.InvariantCulture);
    }

    /// <summary>The first <paramref name="length"/> bytes of the commit log in <paramref name="directory"/> (segment files named by start offset).</summary>
    public static byte[] ReadCommitLog(string directory, long length)
    {
        var bytes = new byte[length];
        var segments = Directory.GetFiles(directory)
            .Where(f => Path.GetFileName(f).Length == 20 && Path.GetFileName(f).All(char.IsAsciiDigit))
            .Select(f => (Start: long.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture), Path: f))
            .OrderBy(s => s.Start)
            .ToList();
        long position = 0;
        foreach (var (start, path) in segments)
        {
            if (position >= length)
            {
                break;
            }

            Assert.True(start <= position, $"commit log {directory}: no segment holds offset {position}");
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            file.Position = position - start;
            var take = (int)Math.Min(length - position, file.Length - (position - start));
            file.ReadExactly(bytes, (int)position, take);
            position += take;
        }

        Assert.True(position == length, $"commit log {directory}: only {position} of {length} bytes on disk");
        return bytes;
    }

    /// <summary>Every message of one queue from offset 0, pulled (PULL_MESSAGE with its own subscription <c>*</c>) from exactly <paramref name="brokerAddress"/>.</summary>
    public async Task<List<MessageExt>> PullAllAsync(string brokerAddress, string brokerName, string group, string topic, int queueId)
    {
        var messages = new List<MessageExt>();
        long offset = 0;
        while (true)
        {
            var header = new PullMessageRequestHeader
            {
                ConsumerGroup = group,
                Topic = topic,
                QueueId = queueId,
                QueueOffset = offset,
                MaxMsgNums = 32,
                SysFlag = PullSysFlag.Subscription,
                CommitOffset = 0,
                SuspendTimeoutMillis = 0,
                Subscription = "*",
                SubVersion = 0,
                ExpressionType = "TAG",
                BrokerName = brokerName,
            };
            var response = await _client.InvokeAsync(brokerAddress, CommandHeader.CreateRequest(RequestCode.PullMessage, header), Timeout);
            if (response.Code is (int)ResponseCode.PullNotFound or (int)ResponseCode.PullOffsetMoved)
            {
                return messages;
            }

            Assert.True(response.Code == (int)ResponseCode.Success, $"pull from {brokerAddress} answered {response.Code}: {response.Remark}");
            Assert.True(CommandHeader.TryDecode<PullMessageResponseHeader>(response, out var answer, out var error), error);
            messages.AddRange(MessageDecoder.DecodeAll(response.Body));
            if (answer.NextBeginOffset <= offset)
            {
                return messages;
            }

            offset = answer.NextBeginOffset;
        }
    }

    /// <summary>QUERY_CONSUMER_OFFSET at exactly <paramref name="brokerAddress"/>; null when the broker has none (answer 22).</summary>
    public async Task<long?> QueryConsumerOffsetAsync(string brokerAddress, string group, string topic, int queueId)
    {
        var header = new QueryConsumerOffsetRequestHeader { ConsumerGroup = group, Topic = topic, QueueId = queueId };
        var response = await _client.InvokeAsync(brokerAddress, CommandHeader.CreateRequest(RequestCode.QueryConsumerOffset, header), Timeout);
        if (response.Code == (int)ResponseCode.QueryNotFound)
        {
            return null;
        }

        Assert.True(response.Code == (int)ResponseCode.Success, $"query offset at {brokerAddress} answered {response.Code}: {response.Remark}");
        Assert.True(CommandHeader.TryDecode<QueryConsumerOffsetResponseHeader>(response, out var answer, out var error), error);
        return answer.Offset;
    }

    /// <summary>UPDATE_CONSUMER_OFFSET at exactly <paramref name="brokerAddress"/>; returns the answer code (0 = stored).</summary>
    public async Task<int> UpdateConsumerOffsetAsync(string brokerAddress, string group, string topic, int queueId, long offset)
    {
        var header = new UpdateConsumerOffsetRequestHeader { ConsumerGroup = group, Topic = topic, QueueId = queueId, CommitOffset = offset };
        var response = await _client.InvokeAsync(brokerAddress, CommandHeader.CreateRequest(RequestCode.UpdateConsumerOffset, header), Timeout);
        return response.Code;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
