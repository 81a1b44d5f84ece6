using System.Collections.Concurrent;
using System.Net;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Client.Tests.Fakes;

/// <summary>
/// A scripted broker: an in-memory queue store for sends and pulls (long-polls up to the
/// suspend time), offsets for 14/15, consumer membership from heartbeats for 38 with a 40 to every
/// member when it changes.
/// </summary>
internal sealed class FakeBroker(string name) : FakeServer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Topic, int QueueId), List<(long CommitLogOffset, byte[] Record)>> _queues = [];
    private readonly Dictionary<string, Dictionary<string, RemotingConnection>> _groups = new(StringComparer.Ordinal);
    private long _commitLogOffset;

    public string Name { get; } = name;

    public ConcurrentDictionary<(string Group, string Topic, int QueueId), long> Offsets { get; } = new();

    /// <summary>Appends a message to a queue; returns its queue offset.</summary>
    public long Append(string topic, int queueId, byte[] body, Dictionary<string, string>? properties = null, int reconsumeTimes = 0, int sysFlag = 0)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue((topic, queueId), out var queue))
            {
                _queues[(topic, queueId)] = queue = [];
            }

            var record = new RecordBuilder
            {
                Topic = topic,
                QueueId = queueId,
                QueueOffset = queue.Count,
                CommitLogOffset = _commitLogOffset,
                Body = body,
                Properties = properties ?? [],
                StoreHost = new IPEndPoint(IPAddress.Loopback, Port),
                ReconsumeTimes = reconsumeTimes,
                SysFlag = sysFlag,
            }.Build();
            queue.Add((_commitLogOffset, record));
            _commitLogOffset += record.Length;
            return queue.Count - 1;
        }
    }

    /// <summary>Queue locks of orderly consumers: (group, queue) → client id. No lease expiry.</summary>
    public ConcurrentDictionary<(string Group, MessageQueue Queue), string> Locks { get; } = new();

    public IReadOnlyList<string> ClientsOf(string group)
    {
        lock (_lock)
        {
            return _groups.TryGetValue(group, out var clients) ? [.. clients.Keys] : [];
        }
    }

    protected override async ValueTask<RemotingCommand?> HandleCoreAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        switch (request.RequestCode)
        {
            case RequestCode.SendMessage:
            case RequestCode.SendMessageV2:
            case RequestCode.SendBatchMessage:
                return Send(request);
            case RequestCode.PullMessage:
                return await PullAsync(request, cancellationToken);
            case RequestCode.QueryConsumerOffset:
                var query = CommandHeader.Decode<QueryConsumerOffsetRequestHeader>(request);
                if (!Offsets.TryGetValue((query.ConsumerGroup, query.Topic, query.QueueId), out long offset))
                {
                    return request.CreateResponse(ResponseCode.QueryNotFound, "Not found, maybe this group consumer boot first");
                }

                return WithHeader(request, new QueryConsumerOffsetResponseHeader { Offset = offset });
            case RequestCode.UpdateConsumerOffset:
                var update = CommandHeader.Decode<UpdateConsumerOffsetRequestHeader>(request);
                Offsets[(update.ConsumerGroup, update.Topic, update.QueueId)] = update.CommitOffset;
                return request.CreateResponse(ResponseCode.Success);
            case RequestCode.GetMaxOffset:
                var max = CommandHeader.Decode<GetMaxOffsetRequestHeader>(request);
                return WithHeader(request, new GetMaxOffsetResponseHeader { Offset = Count(max.Topic, max.QueueId) });
            case RequestCode.HeartBeat:
                Heartbeat(connection, HeartbeatData.Decode(request.Body.Span));
                return request.CreateResponse(ResponseCode.Success);
            case RequestCode.UnregisterClient:
                var unregister = CommandHeader.Decode<UnregisterClientRequestHeader>(request);
                if (unregister.ConsumerGroup is { } group)
                {
                    ChangeMembership(group, unregister.ClientId, null);
                }

                return request.CreateResponse(ResponseCode.Success);
            case RequestCode.GetConsumerListByGroup:
                var list = CommandHeader.Decode<GetConsumerListByGroupRequestHeader>(request);
                var response = request.CreateResponse(ResponseCode.Success);
                response.Body = new ConsumerListBody { ConsumerIdList = [.. ClientsOf(list.ConsumerGroup)] }.Encode();
                return response;
            case RequestCode.ViewMessageById:
                return View(request);
            case RequestCode.GetConsumerRunningInfo:
                return await RelayToClientAsync(request);
            case RequestCode.LockBatchMq:
                return LockBatch(request, unlock: false);
            case RequestCode.UnlockBatchMq:
                return LockBatch(request, unlock: true);
            default:
                return request.CreateResponse(ResponseCode.Success);
        }
    }

    /// <summary>As the Java broker does for 307: forward to the client's channel and return its answer.</summary>
    private async Task<RemotingCommand> RelayToClientAsync(RemotingCommand request)
    {
        var header = CommandHeader.Decode<GetConsumerRunningInfoRequestHeader>(request);
        RemotingConnection? connection;
        lock (_lock)
        {
            connection = _groups.TryGetValue(header.ConsumerGroup, out var clients) && clients.TryGetValue(header.ClientId, out var found) ? found : null;
        }

        if (connection is null)
        {
            return request.CreateResponse(ResponseCode.SystemError, "The Consumer <" + header.ClientId + "> not online");
        }

        var forward = CommandHeader.CreateRequest(RequestCode.GetConsumerRunningInfo, header);
        var answer = await connection.InvokeAsync(forward, TimeSpan.FromSeconds(3));
        var response = request.CreateResponse((ResponseCode)answer.Code, answer.Remark);
        response.Body = answer.Body;
        return response;
    }

    private RemotingCommand LockBatch(RemotingCommand request, bool unlock)
    {
        var body = LockBatchRequestBody.Decode(request.Body.Span);
        var locked = new LockBatchResponseBody();
        foreach (var queue in body.MqSet)
        {
            var key = (body.ConsumerGroup, queue);
            if (unlock)
            {
                Locks.TryRemove(new KeyValuePair<(string, MessageQueue), string>(key, body.ClientId));
            }
            else if (Locks.GetOrAdd(key, body.ClientId) == body.ClientId)
            {
                locked.LockOKMQSet.Add(queue);
            }
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = unlock ? default : locked.Encode();
        return response;
    }

    private static RemotingCommand WithHeader<T>(RemotingCommand request, T header)
        where T : class, ICommandHeader<T>, new()
    {
        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(header, response);
        return response;
    }

    private RemotingCommand Send(RemotingCommand request)
    {
        if (!SendMessageRequestHeader.TryDecode(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        int queueId = Math.Max(0, header.QueueId);
        var properties = MessageProperties.Decode(header.Properties);
        long offset = Append(header.Topic, queueId, request.Body.ToArray(), properties, header.ReconsumeTimes ?? 0, header.SysFlag);
        return WithHeader(request, new SendMessageResponseHeader
        {
            MsgId = MessageId.Create(new IPEndPoint(IPAddress.Loopback, Port), offset),
            QueueId = queueId,
            QueueOffset = offset,
        });
    }

    private async Task<RemotingCommand> PullAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        var header = CommandHeader.Decode<PullMessageRequestHeader>(request);
        if ((header.SysFlag & 0x1) != 0)
        {
            Offsets[(header.ConsumerGroup, header.Topic, header.QueueId)] = header.CommitOffset;
        }

        var deadline = DateTime.UtcNow.AddMilliseconds((header.SysFlag & 0x2) != 0 ? header.SuspendTimeoutMillis : 0);
        while (true)
        {
            long count = Count(header.Topic, header.QueueId);
            if (header.QueueOffset > count)
            {
                return PullResponse(request, ResponseCode.PullOffsetMoved, count, count);
            }

            if (header.QueueOffset < count)
            {
                var response = PullResponse(request, ResponseCode.Success, header.QueueOffset, count);
                var records = Records(header.Topic, header.QueueId, header.QueueOffset, header.MaxMsgNums);
                response.Body = records.SelectMany(r => r).ToArray();
                CommandHeader.Encode(new PullMessageResponseHeader { NextBeginOffset = header.QueueOffset + records.Count, MaxOffset = count }, response);
                return response;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return PullResponse(request, ResponseCode.PullNotFound, header.QueueOffset, count);
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private static RemotingCommand PullResponse(RemotingCommand request, ResponseCode code, long next, long max)
    {
        var response = request.CreateResponse(code);
        CommandHeader.Encode(new PullMessageResponseHeader { NextBeginOffset = next, MinOffset = 0, MaxOffset = max }, response);
        return response;
    }

    private RemotingCommand View(RemotingCommand request)
    {
        var header = CommandHeader.Decode<ViewMessageRequestHeader>(request);
        lock (_lock)
        {
            foreach (var queue in _queues.Values)
            {
                foreach (var (offset, record) in queue)
                {
                    if (offset == header.Offset)
                    {
                        var response = request.CreateResponse(ResponseCode.Success);
                        response.Body = record;
                        return response;
                    }
                }
            }
        }

        return request.CreateResponse(ResponseCode.SystemError, "no message");
    }

    private long Count(string topic, int queueId)
    {
        lock (_lock)
        {
            return _queues.TryGetValue((topic, queueId), out var queue) ? queue.Count : 0;
        }
    }

    private List<byte[]> Records(string topic, int queueId, long from, int max)
    {
        lock (_lock)
        {
            return _queues[(topic, queueId)].Skip((int)from).Take(max).Select(e => e.Record).ToList();
        }
    }

    private void Heartbeat(RemotingConnection connection, HeartbeatData data)
    {
        foreach (var consumer in data.ConsumerDataSet)
        {
            ChangeMembership(consumer.GroupName, data.ClientId, connection);
        }
    }

    /// <summary>Adds (connection set) or removes a client; on change sends 40 to every remaining member.</summary>
    private void ChangeMembership(string group, string clientId, RemotingConnection? connection)
    {
        List<RemotingConnection> notify;
        lock (_lock)
        {
            if (!_groups.TryGetValue(group, out var clients))
            {
                _groups[group] = clients = new Dictionary<string, RemotingConnection>(StringComparer.Ordinal);
            }

            bool changed = connection is null ? clients.Remove(clientId) : clients.TryAdd(clientId, connection);
            if (!changed)
            {
                return;
            }

            notify = [.. clients.Values];
        }

        foreach (var member in notify)
        {
            var notice = CommandHeader.CreateRequest(RequestCode.NotifyConsumerIdsChanged, new NotifyConsumerIdsChangedRequestHeader { ConsumerGroup = group });
            if (!member.IsClosed)
            {
                member.InvokeOneway(notice);
            }
        }
    }
}
