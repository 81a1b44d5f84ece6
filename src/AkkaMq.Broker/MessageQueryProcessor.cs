using System.Buffers;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;

namespace AkkaMq.Broker;

/// <summary>VIEW_MESSAGE_BY_ID (33) and QUERY_MESSAGE (12): stored records by commit-log offset, key or unique key.</summary>
internal sealed class MessageQueryProcessor(BrokerContext context)
{
    private const int UniqueKeyMaxNum = 32;

    public RemotingCommand ViewMessageById(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<ViewMessageRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(context.MaxRecordSize);
        try
        {
            if (!context.Store.TryReadMessage(header.Offset, buffer, out int size))
            {
                return BrokerResponses.Refuse(request, Refusal.MessageNotFoundAtOffset, header.Offset);
            }

            var response = request.CreateResponse(ResponseCode.Success);
            response.Body = buffer.AsSpan(0, size).ToArray();
            return response;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public RemotingCommand QueryMessage(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<QueryMessageRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        bool unique = string.Equals(request.GetExtField(QueryMessageRequestHeader.UniqueKeyQueryField), "true", StringComparison.OrdinalIgnoreCase);
        var hits = unique
            ? context.Store.QueryByUniqueId(header.Topic, header.Key, header.BeginTimestamp, header.EndTimestamp, UniqueKeyMaxNum)
            : context.Store.QueryByKey(header.Topic, header.Key, header.BeginTimestamp, header.EndTimestamp, Math.Max(1, header.MaxNum));
        int total = 0;
        foreach (var hit in hits)
        {
            total += hit.Size;
        }

        var body = new byte[total];
        int written = 0;
        foreach (var hit in hits)
        {
            if (context.Store.TryGetMessage(hit.CommitLogOffset, hit.Size, out StoredBytes record))
            {
                using (record)
                {
                    record.Span.CopyTo(body.AsSpan(written));
                    written += record.Length;
                }
            }
        }

        if (written == 0)
        {
            return BrokerResponses.Refuse(request, Refusal.QueryNotFound);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new QueryMessageResponseHeader { IndexLastUpdateTimestamp = 0, IndexLastUpdatePhyoffset = context.Store.MaxPhysicalOffset }, response);
        response.Body = body.AsMemory(0, written);
        return response;
    }
}
