using Akka.Actor;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Store;

namespace AkkaMq.Broker.SubscriptionGroups;

/// <summary>
/// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) and
/// DELETE_SUBSCRIPTIONGROUP (207), and the existence check other processors make when
/// <c>auto-create-subscription-group</c> is off.
/// </summary>
internal sealed class SubscriptionGroupProcessor(BrokerContext context)
{
    public async ValueTask<RemotingCommand?> CreateAsync(RemotingCommand request, CancellationToken ct)
    {
        SubscriptionGroupConfig? config;
        try
        {
            using var document = FastJson.Parse(request.Body.Span);
            config = SubscriptionGroupConfig.Read(document.RootElement);
        }
        catch (System.Text.Json.JsonException e)
        {
            return BrokerResponses.Refuse(request, Refusal.InvalidBody, e.Message);
        }

        if (config is null || TopicNames.Validate(config.GroupName) is not null)
        {
            return BrokerResponses.Refuse(request, Refusal.IllegalGroupName, config?.GroupName);
        }

        return await ChangeAsync(request, new UpsertSubscriptionGroup(config), ct).ConfigureAwait(false);
    }

    public async ValueTask<RemotingCommand?> DeleteAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<DeleteSubscriptionGroupRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        context.StatsService.OnGroupDeleted(header.GroupName);
        if (!context.SubscriptionGroups.Current.ContainsKey(header.GroupName))
        {
            return request.CreateResponse(ResponseCode.Success);
        }

        return await ChangeAsync(request, new RemoveSubscriptionGroup(header.GroupName), ct).ConfigureAwait(false);
    }

    public RemotingCommand GetAll(RemotingCommand request)
    {
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = SubscriptionGroupConfig.EncodeTable(context.SubscriptionGroups.Current, 0);
        return response;
    }

    /// <summary>
    /// Null when <paramref name="group"/> may consume here: auto-create is on, the group was created,
    /// or it is a RocketMQ system group. Otherwise SUBSCRIPTION_GROUP_NOT_EXIST (26) with
    /// <paramref name="refusal"/>'s remark.
    /// </summary>
    public static RemotingCommand? RefuseUnknown(BrokerContext context, RemotingCommand request, string group, Refusal refusal) =>
        MayConsume(context, group) ? null : BrokerResponses.Refuse(request, refusal, group);

    /// <summary>True when auto-create is on, the group was created, or it is a RocketMQ system group.</summary>
    public static bool MayConsume(BrokerContext context, string group) =>
        context.Settings.AutoCreateSubscriptionGroup || IsSystemGroup(group) || context.SubscriptionGroups.Current.ContainsKey(group);

    /// <summary>Groups RocketMQ always accepts, whatever auto-create says (MixAll.isSysConsumerGroup).</summary>
    public static bool IsSystemGroup(string group) => GroupNames.IsSystemGroup(group);

    /// <summary>
    /// The checks RocketMQ makes before a pull: the group exists (<see cref="RefuseUnknown"/>), a
    /// declared group has not been closed with consumeEnable=false, and a group declared with
    /// consumeBroadcastEnable=false is not consumed by broadcasting consumers (both NO_PERMISSION;
    /// like RocketMQ, the broadcasting check applies to pulls that rely on the heartbeat's
    /// subscription). Null when it may pull.
    /// </summary>
    public static RemotingCommand? RefusePull(BrokerContext context, RemotingCommand request, string group, bool subscriptionInRequest)
    {
        if (RefuseUnknown(context, request, group, Refusal.SubscriptionGroupNotExist) is { } unknown)
        {
            return unknown;
        }

        if (!context.SubscriptionGroups.Current.TryGetValue(group, out var config))
        {
            return null;
        }

        if (!config.ConsumeEnable)
        {
            return BrokerResponses.Refuse(request, Refusal.SubscriptionGroupNoPermission, group);
        }

        return !subscriptionInRequest && !config.ConsumeBroadcastEnable && context.Subscriptions.IsBroadcasting(group)
            ? BrokerResponses.Refuse(request, Refusal.BroadcastConsumptionForbidden, group)
            : null;
    }

    /// <summary>The group's config, or RocketMQ's defaults for a group nobody declared.</summary>
    public static SubscriptionGroupConfig ConfigOf(BrokerContext context, string group) =>
        context.SubscriptionGroups.Current.TryGetValue(group, out var config) ? config : new SubscriptionGroupConfig(group);

    private async Task<RemotingCommand> ChangeAsync(RemotingCommand request, object change, CancellationToken ct)
    {
        // Groups are records in the log; a follower's come from its master.
        if (Membership.FollowerFence.RefuseWrite(context, request) is { } follower)
        {
            return follower;
        }

        var changed = await context.SubscriptionGroupsActor.Ask<SubscriptionGroupsChanged>(change, BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        if (changed.Status == AppendStatus.Ok)
        {
            return request.CreateResponse(ResponseCode.Success);
        }

        var (code, remark) = BrokerResponses.ForAppend(changed.Status);
        return request.CreateResponse(code, remark);
    }
}
