using System.Net;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Client;

/// <summary>Message lookup: by offset id (33), by key and by unique key (12).</summary>
public sealed partial class AdminClient
{
    /// <summary>Decodes the store address and commit-log offset from an offset message id and asks that address (33).</summary>
    public async Task<MessageExt> ViewMessageAsync(string offsetMsgId, CancellationToken cancellationToken = default)
    {
        if (!MessageId.TryParseAnyHost(offsetMsgId, out var storeHost, out long offset))
        {
            throw new MQClientException("Not a valid offset message id: " + offsetMsgId);
        }

        var header = new ViewMessageRequestHeader { Offset = offset };
        var response = await InvokeBrokerAsync(FormatAddress(storeHost), CommandHeader.CreateRequest(RequestCode.ViewMessageById, header), cancellationToken).ConfigureAwait(false);
        var messages = MessageDecoder.DecodeAll(response.Body);
        return messages.Count > 0 ? messages[0] : throw new MQClientException("The broker returned no message for " + offsetMsgId);
    }

    /// <summary>QUERY_MESSAGE (12) to every broker of the topic; only messages whose KEYS contain <paramref name="key"/> are kept.</summary>
    public async Task<IReadOnlyList<MessageExt>> QueryMessageByKeyAsync(
        string topic,
        string key,
        int maxNum,
        DateTimeOffset begin,
        DateTimeOffset end,
        CancellationToken cancellationToken = default)
    {
        var header = new QueryMessageRequestHeader
        {
            Topic = topic,
            Key = key,
            MaxNum = maxNum,
            BeginTimestamp = begin.ToUnixTimeMilliseconds(),
            EndTimestamp = end.ToUnixTimeMilliseconds(),
        };
        var found = await QueryAllBrokersAsync(topic, header, uniqueKey: false, cancellationToken).ConfigureAwait(false);
        return found.FindAll(m => m.Keys is { } keys && Array.IndexOf(keys.Split(' '), key) >= 0);
    }

    /// <summary>QUERY_MESSAGE (12) with <c>_UNIQUE_KEY_QUERY</c>; the first message whose UNIQ_KEY matches, or null.</summary>
    public async Task<MessageExt?> QueryMessageByUniqueKeyAsync(string topic, string uniqueKey, CancellationToken cancellationToken = default)
    {
        var found = await QueryMessagesByUniqueKeyAsync(topic, uniqueKey, cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>
    /// QUERY_MESSAGE (12) with <c>_UNIQUE_KEY_QUERY</c>: every stored copy in <paramref name="topic"/> whose
    /// UNIQ_KEY matches (a message re-stored by a delay keeps its unique key), oldest first; empty when none.
    /// </summary>
    public async Task<IReadOnlyList<MessageExt>> QueryMessagesByUniqueKeyAsync(string topic, string uniqueKey, CancellationToken cancellationToken = default)
    {
        var header = new QueryMessageRequestHeader
        {
            Topic = topic,
            Key = uniqueKey,
            MaxNum = 32,
            BeginTimestamp = 0,
            EndTimestamp = long.MaxValue,
        };
        var found = await QueryAllBrokersAsync(topic, header, uniqueKey: true, cancellationToken).ConfigureAwait(false);
        found.RemoveAll(m => m.UniqueKey != uniqueKey || m.Topic != topic);
        found.Sort((a, b) => a.StoreTimestamp.CompareTo(b.StoreTimestamp));
        return found;
    }

    private async Task<List<MessageExt>> QueryAllBrokersAsync(string topic, QueryMessageRequestHeader header, bool uniqueKey, CancellationToken cancellationToken)
    {
        var route = await GetTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        var found = new List<MessageExt>();
        foreach (var address in PreferredAddresses(route))
        {
            var request = CommandHeader.CreateRequest(RequestCode.QueryMessage, header);
            if (uniqueKey)
            {
                request.ExtFields[QueryMessageRequestHeader.UniqueKeyQueryField] = "true";
            }

            RemotingCommand response;
            try
            {
                response = await InvokeBrokerAsync(address, request, cancellationToken).ConfigureAwait(false);
            }
            catch (MQBrokerException ex) when (ex.ResponseCode == (int)ResponseCode.QueryNotFound)
            {
                continue; // this broker has no match; others may
            }

            found.AddRange(MessageDecoder.DecodeAll(response.Body));
        }

        return found;
    }

    private static string FormatAddress(IPEndPoint endPoint) =>
        (endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address) + ":" + endPoint.Port;
}
