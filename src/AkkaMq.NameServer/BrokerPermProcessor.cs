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
    public ValueTask<RemotingCommand?> WipeWritePermAsync(RemotingCommand request, CancellationToken ct) =>
        ChangeWritePermAsync(request, writable: false, static (response, count) => CommandHeader.Encode(new WipeWritePermResponseHeader { WipeTopicCount = count }, response), ct);

    public ValueTask<RemotingCommand?> AddWritePermAsync(RemotingCommand request, CancellationToken ct) =>
        ChangeWritePermAsync(request, writable: true, static (response, count) => CommandHeader.Encode(new AddWritePermResponseHeader { AddTopicCount = count }, response), ct);

    /// <summary>Both requests: the same header and answer, the count under each one's own response field.</summary>
    private async ValueTask<RemotingCommand?> ChangeWritePermAsync(
        RemotingCommand request, bool writable, Action<RemotingCommand, int> encodeCount, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<BrokerWritePermRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        var (count, rejection) = await ChangeAsync(header.BrokerName, writable, ct).ConfigureAwait(false);
        if (rejection is not null)
        {
            return request.CreateResponse(ResponseCode.SystemError, rejection);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        encodeCount(response, count);
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
