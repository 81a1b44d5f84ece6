using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>Subscription groups: create or update (200) and delete (207).</summary>
public sealed partial class AdminClient
{
    /// <summary>UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) to one broker.</summary>
    public async Task CreateOrUpdateSubscriptionGroupAsync(string brokerAddress, SubscriptionGroupConfig group, CancellationToken cancellationToken = default)
    {
        var request = RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateSubscriptionGroup, null, group.Encode());
        await InvokeBrokerAsync(brokerAddress, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>106, then 200 to every master of the cluster; returns the masters written to.</summary>
    public async Task<IReadOnlyList<string>> CreateOrUpdateSubscriptionGroupInClusterAsync(string clusterName, SubscriptionGroupConfig group, CancellationToken cancellationToken = default)
    {
        var masters = await MastersOfClusterAsync(clusterName, cancellationToken).ConfigureAwait(false);
        foreach (var address in masters)
        {
            await CreateOrUpdateSubscriptionGroupAsync(address, group, cancellationToken).ConfigureAwait(false);
        }

        return masters;
    }

    /// <summary>DELETE_SUBSCRIPTIONGROUP (207) to one broker.</summary>
    public async Task DeleteSubscriptionGroupAsync(string brokerAddress, string groupName, CancellationToken cancellationToken = default)
    {
        var request = CommandHeader.CreateRequest(RequestCode.DeleteSubscriptionGroup, new DeleteSubscriptionGroupRequestHeader { GroupName = groupName });
        await InvokeBrokerAsync(brokerAddress, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>106, then 207 to every master of the cluster; returns the masters written to.</summary>
    public async Task<IReadOnlyList<string>> DeleteSubscriptionGroupInClusterAsync(string clusterName, string groupName, CancellationToken cancellationToken = default)
    {
        var masters = await MastersOfClusterAsync(clusterName, cancellationToken).ConfigureAwait(false);
        foreach (var address in masters)
        {
            await DeleteSubscriptionGroupAsync(address, groupName, cancellationToken).ConfigureAwait(false);
        }

        return masters;
    }
}
