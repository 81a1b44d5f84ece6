using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>RocketMQ 5's GET_BROKER_EPOCH_CACHE.</summary>
public sealed partial class AdminClient
{
    /// <summary>RocketMQ 5's RequestCode.GET_BROKER_EPOCH_CACHE.</summary>
    public const int GetBrokerEpochCacheCode = 1007;

    /// <summary>A broker's epoch table and log end (mqadmin getBrokerEpoch).</summary>
    public async Task<EpochEntryCacheBody> GetBrokerEpochCacheAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(GetBrokerEpochCacheCode), cancellationToken).ConfigureAwait(false);
        return EpochEntryCacheBody.Decode(response.Body.Span);
    }
}
