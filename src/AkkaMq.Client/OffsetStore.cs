using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>
/// Consumer offsets. Clustering consumers keep them on the broker (Java RemoteBrokerOffsetStore):
/// the in-memory table is what consumption has reached; <see cref="PersistAsync"/> sends it (15,
/// one-way) to the master. Broadcasting consumers keep them in a <see cref="LocalOffsetFile"/>
/// (Java LocalFileOffsetStore) and never send offsets to the broker.
/// </summary>
internal sealed class OffsetStore(ClientInstance instance, string group, LocalOffsetFile? localFile = null)
{
    private readonly ConcurrentDictionary<MessageQueue, long> _offsets = new();
    private readonly Lock _savedLock = new();
    private Dictionary<MessageQueue, long> _saved = [];

    /// <summary>The local file of a broadcasting consumer; null when offsets live on the broker.</summary>
    public LocalOffsetFile? LocalFile => localFile;

    public void Update(MessageQueue queue, long offset, bool increaseOnly)
    {
        _offsets.AddOrUpdate(queue, offset, (_, old) => increaseOnly && old > offset ? old : offset);
    }

    /// <summary>The offset in memory, or -1.</summary>
    public long ReadFromMemory(MessageQueue queue) => _offsets.TryGetValue(queue, out long offset) ? offset : -1;

    public void Remove(MessageQueue queue) => _offsets.TryRemove(queue, out _);

    /// <summary>A copy of the in-memory offsets of the topic's queues (Java cloneOffsetTable).</summary>
    public Dictionary<MessageQueue, long> TableOf(string topic)
    {
        var table = new Dictionary<MessageQueue, long>();
        foreach (var (queue, offset) in _offsets)
        {
            if (queue.Topic == topic)
            {
                table[queue] = offset;
            }
        }

        return table;
    }

    /// <summary>Reads the local file of a broadcasting consumer (nothing to do for broker-kept offsets).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (localFile is null)
        {
            return;
        }

        var saved = await localFile.LoadAsync(cancellationToken).ConfigureAwait(false);
        lock (_savedLock)
        {
            _saved = saved;
        }
    }

    /// <summary>
    /// The stored offset: from the local file for a broadcasting consumer, else QUERY_CONSUMER_OFFSET
    /// (14). -1 when none is stored or the broker answers an error code (e.g. 22); throws on network errors.
    /// </summary>
    public async Task<long> ReadFromStoreAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        if (localFile is not null)
        {
            long local;
            lock (_savedLock)
            {
                local = _saved.TryGetValue(queue, out long saved) ? saved : -1;
            }

            if (local >= 0)
            {
                Update(queue, local, increaseOnly: false);
            }

            return local;
        }

        string address = await BrokerCalls.OffsetAddressAsync(instance, queue, cancellationToken).ConfigureAwait(false);
        var header = new QueryConsumerOffsetRequestHeader
        {
            ConsumerGroup = group,
            Topic = queue.Topic,
            QueueId = queue.QueueId,
            BrokerName = queue.BrokerName,
        };
        var request = CommandHeader.CreateRequest(RequestCode.QueryConsumerOffset, header);
        var response = await instance.Remoting.InvokeAsync(address, request, instance.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (response.Code != (int)ResponseCode.Success
            || !CommandHeader.TryDecode<QueryConsumerOffsetResponseHeader>(response, out var result, out _))
        {
            return -1;
        }

        Update(queue, result.Offset, increaseOnly: false);
        return result.Offset;
    }

    /// <summary>UPDATE_CONSUMER_OFFSET (15), one-way like Java's timer, for one queue with an offset in memory.</summary>
    public async Task PersistAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        if (!_offsets.TryGetValue(queue, out long offset))
        {
            return;
        }

        string address = await BrokerCalls.OffsetAddressAsync(instance, queue, cancellationToken).ConfigureAwait(false);
        var header = new UpdateConsumerOffsetRequestHeader
        {
            ConsumerGroup = group,
            Topic = queue.Topic,
            QueueId = queue.QueueId,
            CommitOffset = offset,
            BrokerName = queue.BrokerName,
        };
        var request = CommandHeader.CreateRequest(RequestCode.UpdateConsumerOffset, header);
        await instance.Remoting.InvokeOnewayAsync(address, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Persists the given queues; failures are logged per queue.</summary>
    public async Task PersistAllAsync(IEnumerable<MessageQueue> queues, CancellationToken cancellationToken)
    {
        if (localFile is not null)
        {
            await SaveLocalAsync(localFile, queues, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var queue in queues)
        {
            try
            {
                await PersistAsync(queue, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ClientInstance.IsNetworkError(ex) || ex is MQClientException)
            {
                Log.OffsetCommitFailed(instance.Logger, queue.ToString(), ex.Message);
            }
        }
    }

    /// <summary>Writes the file with the in-memory offsets of <paramref name="queues"/> over those saved before.</summary>
    private async Task SaveLocalAsync(LocalOffsetFile file, IEnumerable<MessageQueue> queues, CancellationToken cancellationToken)
    {
        Dictionary<MessageQueue, long> table;
        lock (_savedLock)
        {
            foreach (var queue in queues)
            {
                if (_offsets.TryGetValue(queue, out long offset))
                {
                    _saved[queue] = offset;
                }
            }

            table = new Dictionary<MessageQueue, long>(_saved);
        }

        try
        {
            await file.SaveAsync(table, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.OffsetCommitFailed(instance.Logger, file.Path, ex.Message);
        }
    }
}

/// <summary>Small broker requests shared by the consumers.</summary>
internal static class BrokerCalls
{
    /// <summary>
    /// Where a group's offsets of the queue are read and committed: the master (id 0); when the
    /// fresh route lists none, any member of the group (a follower serves them while the master is away), as Java's offset store.
    /// </summary>
    public static async Task<string> OffsetAddressAsync(ClientInstance instance, MessageQueue queue, CancellationToken cancellationToken)
    {
        if (instance.FindMasterAddress(queue.BrokerName) is { } master)
        {
            return master;
        }

        await instance.UpdateTopicRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        var found = instance.FindBrokerAddress(queue.BrokerName, 0);
        return found?.Address ?? throw new MQClientException("The broker[" + queue.BrokerName + "] not exist");
    }

    /// <summary>The master address of the queue's broker, refreshing the topic's route once when unknown.</summary>
    public static async Task<string> MasterAsync(ClientInstance instance, MessageQueue queue, CancellationToken cancellationToken)
    {
        string? address = instance.FindMasterAddress(queue.BrokerName);
        if (address is null)
        {
            await instance.UpdateTopicRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
            address = instance.FindMasterAddress(queue.BrokerName);
        }

        return address ?? throw new MQClientException("The broker[" + queue.BrokerName + "] not exist");
    }

    /// <summary>GET_MAX_OFFSET (30): the next index to write.</summary>
    public static async Task<long> MaxOffsetAsync(ClientInstance instance, MessageQueue queue, CancellationToken cancellationToken)
    {
        var header = new GetMaxOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, BrokerName = queue.BrokerName };
        var response = await InvokeMasterAsync(instance, queue, CommandHeader.CreateRequest(RequestCode.GetMaxOffset, header), cancellationToken).ConfigureAwait(false);
        return CommandHeader.Decode<GetMaxOffsetResponseHeader>(response).Offset;
    }

    /// <summary>GET_MIN_OFFSET (31).</summary>
    public static async Task<long> MinOffsetAsync(ClientInstance instance, MessageQueue queue, CancellationToken cancellationToken)
    {
        var header = new GetMinOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, BrokerName = queue.BrokerName };
        var response = await InvokeMasterAsync(instance, queue, CommandHeader.CreateRequest(RequestCode.GetMinOffset, header), cancellationToken).ConfigureAwait(false);
        return CommandHeader.Decode<GetMinOffsetResponseHeader>(response).Offset;
    }

    /// <summary>SEARCH_OFFSET_BY_TIMESTAMP (29).</summary>
    public static async Task<long> SearchOffsetAsync(ClientInstance instance, MessageQueue queue, long timestamp, CancellationToken cancellationToken)
    {
        var header = new SearchOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, Timestamp = timestamp, BrokerName = queue.BrokerName };
        var response = await InvokeMasterAsync(instance, queue, CommandHeader.CreateRequest(RequestCode.SearchOffsetByTimestamp, header), cancellationToken).ConfigureAwait(false);
        return CommandHeader.Decode<SearchOffsetResponseHeader>(response).Offset;
    }

    /// <summary>Invokes on the queue's master; an error code becomes <see cref="MQBrokerException"/>.</summary>
    public static async Task<RemotingCommand> InvokeMasterAsync(ClientInstance instance, MessageQueue queue, RemotingCommand request, CancellationToken cancellationToken)
    {
        string address = await MasterAsync(instance, queue, cancellationToken).ConfigureAwait(false);
        var response = await instance.Remoting.InvokeAsync(address, request, instance.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (response.Code != (int)ResponseCode.Success)
        {
            throw new MQBrokerException(response.Code, response.Remark, address);
        }

        return response;
    }

    /// <summary>Subscription data of a selector: tags get Java hash codes; SQL92 goes as written.</summary>
    public static SubscriptionData BuildSubscription(string topic, MessageSelector selector)
    {
        if (!selector.IsSql92)
        {
            return BuildSubscription(topic, selector.Expression);
        }

        return new SubscriptionData
        {
            Topic = topic,
            SubString = selector.Expression,
            SubVersion = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ExpressionType = MessageSelector.Sql92Type,
        };
    }

    /// <summary>Parses <c>*</c> or <c>a || b</c> into subscription data with Java hash codes.</summary>
    public static SubscriptionData BuildSubscription(string topic, string? expression)
    {
        var data = new SubscriptionData
        {
            Topic = topic,
            SubString = string.IsNullOrWhiteSpace(expression) ? "*" : expression.Trim(),
            SubVersion = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ExpressionType = "TAG",
        };
        if (data.SubString == "*")
        {
            return data;
        }

        foreach (var part in data.SubString.Split("||"))
        {
            string tag = part.Trim();
            if (tag.Length > 0 && !data.TagsSet.Contains(tag))
            {
                data.TagsSet.Add(tag);
                data.CodeSet.Add(JavaHash.StringHashCode(tag));
            }
        }

        return data;
    }
}
