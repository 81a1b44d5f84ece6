using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Replication;

/// <summary>How a send's answer reflects the wait for its replicas (RocketMQ 4.9's handlePutMessageResult statuses).</summary>
internal static class ReplicaAckResponses
{
    /// <summary>The gate to wait on for a send ending at <paramref name="endOffset"/>; null when sends are acknowledged after the local write (no gate, async mode).</summary>
    public static InSyncReplicas? GateFor(BrokerContext context, long endOffset) =>
        endOffset > 0 && context.InSync is { Options.Mode: ReplicationMode.Sync } gate ? gate : null;

    /// <summary>
    /// A send's SEND_OK answer turned into the outcome of its wait: FLUSH_SLAVE_TIMEOUT (12) and
    /// SLAVE_NOT_AVAILABLE (11) keep the send response header (msgId, queue, offset: the message is stored here,
    /// clients map the code to a send status and may retry another broker); not master: SERVICE_NOT_AVAILABLE (14).
    /// </summary>
    public static RemotingCommand ForSend(RemotingCommand response, ReplicaAck ack)
    {
        switch (ack)
        {
            case ReplicaAck.Ok:
                return response;
            case ReplicaAck.Timeout:
                response.Code = (int)ResponseCode.FlushSlaveTimeout;
                response.Remark = "wait for the in-sync replicas to store the message timed out";
                return response;
            case ReplicaAck.NotEnoughReplicas:
                response.Code = (int)ResponseCode.SlaveNotAvailable;
                response.Remark = "fewer in-sync replicas than min-in-sync-replicas; the message is not acknowledged";
                return response;
            default:
                response.Code = (int)ResponseCode.ServiceNotAvailable;
                response.Remark = "service not available now: not master";
                return response;
        }
    }

    /// <summary>A send-back's answer: RocketMQ answers SYSTEM_ERROR with the put status's name for anything but PUT_OK.</summary>
    public static RemotingCommand ForSendBack(RemotingCommand request, ReplicaAck ack) => ack switch
    {
        ReplicaAck.Ok => request.CreateResponse(ResponseCode.Success),
        ReplicaAck.Timeout => request.CreateResponse(ResponseCode.SystemError, "FLUSH_SLAVE_TIMEOUT"),
        ReplicaAck.NotEnoughReplicas => request.CreateResponse(ResponseCode.SystemError, "SLAVE_NOT_AVAILABLE"),
        _ => request.CreateResponse(ResponseCode.ServiceNotAvailable, "service not available now: not master"),
    };
}
