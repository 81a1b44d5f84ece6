using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Replication;

/// <summary>
/// GET_BROKER_HA_STATUS (907, RocketMQ 5): this node's replication as HARuntimeInfo JSON, from the
/// status source the node plugs in (<see cref="BrokerRoleOptions.ReplicationStatus"/>). A node with
/// none, or whose source answers null, is a master without followers.
/// </summary>
internal sealed class HaStatusProcessor(BrokerContext context)
{
    /// <summary>RocketMQ 5's RequestCode.GET_BROKER_HA_STATUS.</summary>
    public const int GetBrokerHaStatus = 907;

    public RemotingCommand GetHaStatus(RemotingCommand request)
    {
        ReplicationStatus status = context.ReplicationStatus?.Invoke() ?? ReplicationStatus.Standalone(context.Store.MaxPhysicalOffset);
        RemotingCommand response = request.CreateResponse(ResponseCode.Success);
        response.Body = HaRuntimeInfoBody.From(status).Encode();
        return response;
    }
}
