using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Client;

/// <summary>Name-server KV config (100–102), e.g. the <c>ORDER_TOPIC_CONFIG</c> namespace of ordered topics.</summary>
public sealed partial class AdminClient
{
    /// <summary>Namespace holding <c>brokerName:queueNums;…</c> per ordered topic (wire doc 2.7).</summary>
    public const string OrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

    /// <summary>PUT_KV_CONFIG (100) to every name server.</summary>
    public async Task PutKvConfigAsync(string ns, string key, string value, CancellationToken cancellationToken = default)
    {
        var header = new PutKvConfigRequestHeader { Namespace = ns, Key = key, Value = value };
        foreach (var nameServer in _instance.Options.NameServerList)
        {
            await InvokeBrokerAsync(nameServer, CommandHeader.CreateRequest(RequestCode.PutKvConfig, header), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>GET_KV_CONFIG (101) from the first name server that answers; null when not found (22).</summary>
    public async Task<string?> GetKvConfigAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        var header = new KvConfigKeyRequestHeader { Namespace = ns, Key = key };
        var response = await _instance.InvokeNameServerAsync(CommandHeader.CreateRequest(RequestCode.GetKvConfig, header), cancellationToken).ConfigureAwait(false);
        return response.Code switch
        {
            (int)ResponseCode.Success => CommandHeader.Decode<GetKvConfigResponseHeader>(response).Value,
            (int)ResponseCode.QueryNotFound => null,
            _ => throw new MQBrokerException(response.Code, response.Remark),
        };
    }

    /// <summary>DELETE_KV_CONFIG (102) on every name server.</summary>
    public async Task DeleteKvConfigAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        var header = new KvConfigKeyRequestHeader { Namespace = ns, Key = key };
        foreach (var nameServer in _instance.Options.NameServerList)
        {
            await InvokeBrokerAsync(nameServer, CommandHeader.CreateRequest(RequestCode.DeleteKvConfig, header), cancellationToken).ConfigureAwait(false);
        }
    }
}
