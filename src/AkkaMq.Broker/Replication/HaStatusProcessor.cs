using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

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
        response.Body = ToBody(status).Encode();
        return response;
    }

    /// <summary>RocketMQ 5's HARuntimeInfo for a replication status.</summary>
    public static HaRuntimeInfoBody ToBody(ReplicationStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var connections = status.Followers.Select(f => new HaConnectionInfo(f.Address, f.WrittenOffset, f.LagBytes, f.InSync, f.BytesPerSecond, f.TransferFromOffset)).ToList();
        ReplicationFollowerStatus? c = status.Follower;
        HaClientInfo client = c is null
            ? new HaClientInfo(null, 0, 0, 0, 0, 0, false)
            : new HaClientInfo(c.MasterAddress, c.BytesPerSecond, c.WrittenOffset, c.LastFetched?.ToUnixTimeMilliseconds() ?? 0,
                c.LastAppended?.ToUnixTimeMilliseconds() ?? 0, c.MasterFlushedOffset, c.Connected);
        return new HaRuntimeInfoBody(status.IsMaster, status.MasterMaxOffset, connections.Count(x => x.InSync), connections, client);
    }
}
