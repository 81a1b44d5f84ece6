using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.NameServer;

/// <summary>
/// WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327): take write permission away
/// from every topic of a broker group, or give read and write back, in the route registry. Routes
/// then show the group's queues as not writable, so producers send elsewhere, and the group's brokers
/// refuse sends to those topics. Unlike RocketMQ's name server, which forgets a wipe when it restarts,
/// the change is stored: it holds until addWritePerm.
/// </summary>
internal sealed class BrokerPermProcessor(RouteTableFeed routes, IActorRef registry)
{
    public async ValueTask<RemotingCommand?> WipeWritePermAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<BrokerWritePermRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var (count, rejection) = await ChangeAsync(header.BrokerName, writable: false, ct).ConfigureAwait(false);
        if (rejection is not null)
        {
            return request.CreateResponse(ResponseCode.SystemError, rejection);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new WipeWritePermResponseHeader { WipeTopicCount = count }, response);
        return response;
    }

    public async ValueTask<RemotingCommand?> AddWritePermAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<BrokerWritePermRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var (count, rejection) = await ChangeAsync(header.BrokerName, writable: true, ct).ConfigureAwait(false);
        if (rejection is not null)
        {
            return request.CreateResponse(ResponseCode.SystemError, rejection);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        CommandHeader.Encode(new AddWritePermResponseHeader { AddTopicCount = count }, response);
        return response;
    }

    /// <summary>
    /// The count is RocketMQ's: every topic the group serves. A group the table does not know is
    /// answered with 0 and changes nothing, as RocketMQ does.
    /// </summary>
    private async Task<(int Count, string? Rejection)> ChangeAsync(string brokerName, bool writable, CancellationToken ct)
    {
        if (!routes.Current.Groups.ContainsKey(brokerName))
        {
            return (0, null);
        }

        var result = await RouteRegistryRequests.ChangeAsync(registry, new ChangeBrokerWritePerm(brokerName, writable), ct).ConfigureAwait(false);
        return result.IsAccepted ? (result.Table!.CountTopicsOf(brokerName), null) : (0, result.Rejection);
    }
}
