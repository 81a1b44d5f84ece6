using Akka.Actor;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker;

/// <summary>GET_ALL_PRODUCER_INFO (328): every producer group with a live client on this broker (mqadmin <c>producer</c>).</summary>
internal sealed class ProducerTableProcessor(BrokerContext context)
{
    public async ValueTask<RemotingCommand?> GetAllProducerInfoAsync(RemotingCommand request, CancellationToken ct)
    {
        var table = await context.Clients.Ask<EncodedBody>(GetProducerTable.Instance, BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = table.Body;
        return response;
    }
}
