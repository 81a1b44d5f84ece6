using AkkaMq.Cluster.Routing;

namespace AkkaMq.Broker;

/// <summary>Outcome of looking a topic up for a send.</summary>
internal enum TopicLookupStatus
{
    Found,
    NotExist,
    Rejected,
}

/// <summary>Finds this group's config of a topic, creating it through the route registry when RocketMQ would.</summary>
internal static class TopicResolver
{
    /// <summary>Retry and dead-letter topics: one queue, read + write (wire doc 6.6).</summary>
    public static TopicConfig RetryTopicConfig(string topic) => new(topic, 1, 1, Perm.ReadWrite);

    public static TopicConfig? Find(BrokerContext context, string topic) => context.Routes.Current.FindTopic(topic, context.Group);

    /// <summary>
    /// The topic's config for a send: existing; auto-created from the <paramref name="template"/>
    /// (which must exist here with the INHERIT bit) when auto-create is on; retry and dead-letter
    /// topics are always created. Otherwise <see cref="TopicLookupStatus.NotExist"/>.
    /// </summary>
    public static async ValueTask<(TopicLookupStatus Status, TopicConfig? Config, string? Problem)> ResolveForSendAsync(
        BrokerContext context, string topic, string? template, int requestedQueues, CancellationToken ct)
    {
        if (Find(context, topic) is { } existing)
        {
            return (TopicLookupStatus.Found, existing, null);
        }

        TopicConfig? created = null;
        if (topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal) || topic.StartsWith(TopicNames.DeadLetterPrefix, StringComparison.Ordinal))
        {
            created = RetryTopicConfig(topic);
        }
        else if (context.Settings.AutoCreateTopic && template is not null && Find(context, template) is { } model && (model.Perm & Perm.Inherit) != 0)
        {
            int queues = requestedQueues > 0 ? Math.Min(requestedQueues, model.WriteQueueNums) : context.Settings.DefaultQueuesPerTopic;
            created = new TopicConfig(topic, queues, queues, model.Perm & ~Perm.Inherit);
        }

        if (created is null)
        {
            return (TopicLookupStatus.NotExist, null, null);
        }

        return await EnsureAsync(context, created, ct).ConfigureAwait(false);
    }

    /// <summary>Creates <paramref name="config"/> on this group unless the topic is already there.</summary>
    public static async ValueTask<(TopicLookupStatus Status, TopicConfig? Config, string? Problem)> EnsureAsync(
        BrokerContext context, TopicConfig config, CancellationToken ct)
    {
        if (Find(context, config.TopicName) is { } existing)
        {
            return (TopicLookupStatus.Found, existing, null);
        }

        var result = await RouteRegistryRequests.ChangeAsync(context.RouteRegistry, new UpsertTopic(context.Group, config), ct).ConfigureAwait(false);
        return result.IsAccepted
            ? (TopicLookupStatus.Found, result.Table!.FindTopic(config.TopicName, context.Group) ?? config, null)
            : (TopicLookupStatus.Rejected, null, result.Rejection);
    }
}
