using AkkaMq.Cluster.Coordination;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.NameServer;

/// <summary>
/// CONTROLLER_GET_METADATA_INFO (1005, RocketMQ 5), answered by every nameserver: where the
/// Controller runs (the node hosting the singleton) and the nodes that may host it, in the fields of
/// RocketMQ's GetMetaDataResponseHeader. A nameserver outside a node (tests) has no placement to
/// report and answers SYSTEM_ERROR.
/// </summary>
internal sealed class ControllerMetadataProcessor(Func<ControllerPlacement>? placement)
{
    /// <summary>RocketMQ 5's RequestCode.CONTROLLER_GET_METADATA_INFO.</summary>
    public const int ControllerGetMetadataInfo = 1005;

    public RemotingCommand GetMetadata(RemotingCommand request)
    {
        if (placement is null)
        {
            return request.CreateResponse(ResponseCode.SystemError, "this nameserver runs without a controller");
        }

        var p = placement();
        RemotingCommand response = request.CreateResponse(ResponseCode.Success);
        response.ExtFields["group"] = p.Group;
        if (p.LeaderAddress is { } leader)
        {
            response.ExtFields["controllerLeaderId"] = leader;
            response.ExtFields["controllerLeaderAddress"] = leader;
        }

        response.ExtFields["isLeader"] = p.IsLeader ? "true" : "false";
        response.ExtFields["peers"] = string.Join(';', p.Peers);
        return response;
    }
}
