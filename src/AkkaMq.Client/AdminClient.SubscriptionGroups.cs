using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>A subscription group as an operator declares it (RocketMQ's SubscriptionGroupConfig, Java's defaults).</summary>
public sealed record SubscriptionGroupOptions(string GroupName)
{
    public bool ConsumeEnable { get; init; } = true;

    public bool ConsumeFromMinEnable { get; init; } = true;

    public bool ConsumeBroadcastEnable { get; init; } = true;

    public int RetryQueueNums { get; init; } = 1;

    public int RetryMaxTimes { get; init; } = 16;

    public long BrokerId { get; init; }

    public long WhichBrokerWhenConsumeSlowly { get; init; } = 1;

    public bool NotifyConsumerIdsChangedEnable { get; init; } = true;

    internal byte[] Encode() => new FastJsonWriter(256).StartObject()
        .Property("groupName", GroupName)
        .Property("consumeEnable", ConsumeEnable)
        .Property("consumeFromMinEnable", ConsumeFromMinEnable)
        .Property("consumeBroadcastEnable", ConsumeBroadcastEnable)
        .Property("retryQueueNums", RetryQueueNums)
        .Property("retryMaxTimes", RetryMaxTimes)
        .Property("brokerId", BrokerId)
        .Property("whichBrokerWhenConsumeSlowly", WhichBrokerWhenConsumeSlowly)
        .Property("notifyConsumerIdsChangedEnable", NotifyConsumerIdsChangedEnable)
        .EndObject().ToArray();
}

/// <summary>Subscription groups: create or update (200) and delete (207).</summary>
public sealed partial class AdminClient
{
    /// <summary>UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) to one broker.</summary>
    public async Task CreateOrUpdateSubscriptionGroupAsync(string brokerAddress, SubscriptionGroupOptions group, CancellationToken cancellationToken = default)
    {
        var request = RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateSubscriptionGroup, null, group.Encode());
        await InvokeBrokerAsync(brokerAddress, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>106, then 200 to every master of the cluster; returns the masters written to.</summary>
    public async Task<IReadOnlyList<string>> CreateOrUpdateSubscriptionGroupInClusterAsync(string clusterName, SubscriptionGroupOptions group, CancellationToken cancellationToken = default)
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
        var fields = new OrderedDictionary<string, string> { ["groupName"] = groupName };
        await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.DeleteSubscriptionGroup, fields), cancellationToken).ConfigureAwait(false);
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
