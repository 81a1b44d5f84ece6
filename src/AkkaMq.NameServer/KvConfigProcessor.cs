using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.NameServer;

/// <summary>Nameserver KV config (100, 101, 102, 219): reads from the route table, changes through the registry.</summary>
internal sealed class KvConfigProcessor(RouteTableFeed routes, IActorRef registry)
{
    public async ValueTask<RemotingCommand?> PutKvConfigAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<PutKvConfigRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var result = await RouteRegistryRequests.ChangeAsync(registry, new PutKv(header.Namespace, header.Key, header.Value), ct).ConfigureAwait(false);
        return result.IsAccepted
            ? request.CreateResponse(ResponseCode.Success)
            : request.CreateResponse(ResponseCode.SystemError, result.Rejection);
    }

    public RemotingCommand GetKvConfig(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<KvConfigKeyRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        string? value = routes.Current.FindKv(header.Namespace, header.Key);
        if (value is null)
        {
            return request.CreateResponse(ResponseCode.QueryNotFound, "No config item, Namespace: " + header.Namespace + " Key: " + header.Key);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new GetKvConfigResponseHeader { Value = value }, response);
        return response;
    }

    public async ValueTask<RemotingCommand?> DeleteKvConfigAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<KvConfigKeyRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var result = await RouteRegistryRequests.ChangeAsync(registry, new DeleteKv(header.Namespace, header.Key), ct).ConfigureAwait(false);
        return result.IsAccepted
            ? request.CreateResponse(ResponseCode.Success)
            : request.CreateResponse(ResponseCode.SystemError, result.Rejection);
    }

    public RemotingCommand GetKvListByNamespace(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetKvListByNamespaceRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        if (!routes.Current.Kv.TryGetValue(header.Namespace, out var entries))
        {
            return request.CreateResponse(ResponseCode.QueryNotFound, "No config item, Namespace: " + header.Namespace);
        }

        var body = new KvTableBody();
        foreach (var (key, value) in entries)
        {
            body.Table[key] = value;
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }
}
