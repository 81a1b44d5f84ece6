using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>RocketMQ 5's GET_BROKER_HA_STATUS.</summary>
public sealed partial class AdminClient
{
    /// <summary>RocketMQ 5's RequestCode.GET_BROKER_HA_STATUS.</summary>
    public const int GetBrokerHaStatusCode = 907;

    /// <summary>A broker's replication status (mqadmin haStatus): as master, its followers; as follower, its master link.</summary>
    public async Task<HaRuntimeInfoBody> GetBrokerHaStatusAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(GetBrokerHaStatusCode), cancellationToken).ConfigureAwait(false);
        return HaRuntimeInfoBody.Decode(response.Body.Span);
    }
}
