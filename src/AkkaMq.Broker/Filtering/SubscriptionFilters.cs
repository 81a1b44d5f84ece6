using System.Text.Json;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// The filter of one pull: tag hash codes checked in the consume queue then the exact tag, or
/// an SQL92 selector evaluated on each record's properties (it cannot use the tag codes).
/// </summary>
internal readonly struct PullFilter(TagFilter tags, SqlFilter? sql)
{
    /// <summary>Tag codes for the consume-queue scan; empty (scan everything) for SQL92.</summary>
    public int[] Codes => sql is null ? tags.Codes : [];

    public bool IsSql => sql is not null;

    public bool Matches(ReadOnlySpan<byte> record) => sql?.MatchesRecord(record) ?? tags.Matches(record);
}

/// <summary>
/// Which filter a subscription asks for, and the broker's answers when it cannot serve it. The
/// codes and remarks are RocketMQ's: property filtering switched off is SYSTEM_ERROR; a bad
/// selector is SUBSCRIPTION_PARSE_FAILED when it comes with the pull or CHECK_CLIENT_CONFIG,
/// and FILTER_DATA_NOT_EXIST when it came by heartbeat (the broker then has no compiled filter).
/// </summary>
internal static class SubscriptionFilters
{
    public const string Tag = "TAG";
    public const string Sql92 = "SQL92";

    public static bool IsTag(string? type) => string.IsNullOrEmpty(type) || string.Equals(type, Tag, StringComparison.OrdinalIgnoreCase);

    public static bool IsSql92(string? type) => string.Equals(type, Sql92, StringComparison.OrdinalIgnoreCase);

    /// <summary>The filter of a pull, or the refusal to send back (null when <paramref name="filter"/> is usable).</summary>
    public static RemotingCommand? Resolve(BrokerContext context, RemotingCommand request, PullMessageRequestHeader header, out PullFilter filter)
    {
        filter = new PullFilter(TagFilter.All, null);
        bool fromRequest = (header.SysFlag & PullSysFlag.Subscription) != 0;
        string? expression;
        string? type;
        long version;
        if (fromRequest)
        {
            (expression, type, version) = (header.Subscription, header.ExpressionType, header.SubVersion);
        }
        else if (context.Subscriptions.Find(header.ConsumerGroup, header.Topic) is { } subscription)
        {
            (expression, type, version) = (subscription.SubString, subscription.ExpressionType, subscription.SubVersion);
        }
        else
        {
            return BrokerResponses.Refuse(request, Refusal.SubscriptionNotExist);
        }

        if (IsTag(type))
        {
            filter = new PullFilter(TagFilter.Parse(expression), null);
            return null;
        }

        if (!IsSql92(type))
        {
            return BrokerResponses.Refuse(request, Refusal.FilterNotSupported, type);
        }

        if (!context.Settings.EnablePropertyFilter)
        {
            return PropertyFilterDisabled(request, type);
        }

        var compiled = context.SqlFilters.Get(header.ConsumerGroup, header.Topic, expression, version);
        if (compiled.Filter is null)
        {
            return fromRequest
                ? request.CreateResponse(ResponseCode.SubscriptionParseFailed, "parse the consumer's subscription failed: " + compiled.Error?.Message)
                : request.CreateResponse(
                    ResponseCode.FilterDataNotExist,
                    "The broker's consumer filter data is not exist!Your expression may be wrong! " + compiled.Error?.Message);
        }

        filter = new PullFilter(TagFilter.All, compiled.Filter);
        return null;
    }

    /// <summary>
    /// CHECK_CLIENT_CONFIG (46): SUCCESS for a TAG subscription or an SQL92 selector that
    /// compiles; SUBSCRIPTION_PARSE_FAILED naming the error and its position otherwise.
    /// </summary>
    public static RemotingCommand CheckClientConfig(BrokerContext context, RemotingCommand request)
    {
        CheckClientRequestBody body;
        try
        {
            body = CheckClientRequestBody.Decode(request.Body.Span);
        }
        catch (JsonException e)
        {
            return BrokerResponses.Refuse(request, Refusal.InvalidBody, e.Message);
        }

        var subscription = body.SubscriptionData;
        if (subscription is null || IsTag(subscription.ExpressionType))
        {
            return request.CreateResponse(ResponseCode.Success);
        }

        if (!context.Settings.EnablePropertyFilter)
        {
            return PropertyFilterDisabled(request, subscription.ExpressionType);
        }

        if (!IsSql92(subscription.ExpressionType))
        {
            return BrokerResponses.Refuse(request, Refusal.FilterNotSupported, subscription.ExpressionType);
        }

        var compiled = context.SqlFilters.Get(body.Group, subscription.Topic, subscription.SubString, subscription.SubVersion);
        if (compiled.Error is { } error)
        {
            context.Log.LogWarning(
                "Client {ClientId} of group {Group} checked an SQL92 filter that does not compile: {Expression}: {Error}",
                body.ClientId, body.Group, subscription.SubString, error.Message);
            return request.CreateResponse(ResponseCode.SubscriptionParseFailed, error.Message);
        }

        return request.CreateResponse(ResponseCode.Success);
    }

    /// <summary>
    /// Compiles the SQL92 subscriptions of a heartbeat. RocketMQ keeps the registration and only
    /// logs a selector that does not compile; pulls with it are then refused.
    /// </summary>
    public static void CompileHeartbeat(BrokerContext context, HeartbeatData data)
    {
        foreach (var consumer in data.ConsumerDataSet)
        {
            foreach (var subscription in consumer.SubscriptionDataSet)
            {
                if (!IsSql92(subscription.ExpressionType) || !context.Settings.EnablePropertyFilter)
                {
                    continue;
                }

                var compiled = context.SqlFilters.Get(consumer.GroupName, subscription.Topic, subscription.SubString, subscription.SubVersion);
                if (compiled.Error is { } error)
                {
                    context.Log.LogWarning(
                        "Consumer {ClientId} of group {Group} subscribes to {Topic} with an SQL92 filter that does not compile; its pulls will be refused: {Error}",
                        data.ClientId, consumer.GroupName, subscription.Topic, error.Message);
                }
            }
        }
    }

    private static RemotingCommand PropertyFilterDisabled(RemotingCommand request, string? type) =>
        request.CreateResponse(ResponseCode.SystemError, "The broker does not support consumer to filter message by " + type);
}
