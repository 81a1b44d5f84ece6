using System.Globalization;
using Akka.Actor;
using AkkaMq.Broker.Protocol;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker;

/// <summary>Admin requests: topic create/delete (17, 215), topic config (21), runtime info (28), stats (202, 208), consumers of a topic (300).</summary>
internal sealed class AdminProcessor(BrokerContext context)
{
    public async ValueTask<RemotingCommand?> CreateTopicAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<CreateTopicRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (TopicNames.Validate(header.Topic) is { } problem)
        {
            return BrokerResponses.Refuse(request, Refusal.IllegalTopic, problem);
        }

        if (IsSystemTopic(header.Topic))
        {
            return BrokerResponses.Refuse(request, Refusal.SystemTopic, header.Topic);
        }

        var config = new TopicConfig(
            header.Topic, header.ReadQueueNums, header.WriteQueueNums, header.Perm,
            header.TopicFilterType == "MULTI_TAG" ? TopicFilterType.MultiTag : TopicFilterType.SingleTag,
            header.TopicSysFlag ?? 0, header.Order);
        var result = await RouteRegistryRequests.ChangeAsync(context.RouteRegistry, new UpsertTopic(context.Group, config), ct).ConfigureAwait(false);
        return result.IsAccepted
            ? request.CreateResponse(ResponseCode.Success)
            : BrokerResponses.Refuse(request, Refusal.RouteChangeRejected, result.Rejection);
    }

    public async ValueTask<RemotingCommand?> DeleteTopicAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<DeleteTopicRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (IsSystemTopic(header.Topic))
        {
            return BrokerResponses.Refuse(request, Refusal.SystemTopic, header.Topic);
        }

        if (TopicResolver.Find(context, header.Topic) is not null)
        {
            var result = await RouteRegistryRequests.ChangeAsync(context.RouteRegistry, new DeleteTopic(header.Topic), ct).ConfigureAwait(false);
            if (!result.IsAccepted)
            {
                return BrokerResponses.Refuse(request, Refusal.RouteChangeRejected, result.Rejection);
            }
        }

        context.StatsService.OnTopicDeleted(header.Topic);
        return request.CreateResponse(ResponseCode.Success);
    }

    public RemotingCommand GetAllTopicConfig(RemotingCommand request)
    {
        var table = context.Routes.Current;
        var body = new TopicConfigTableBody { DataVersionCounter = table.Version, DataVersionTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        foreach (var (topic, perGroup) in table.Topics)
        {
            if (perGroup.TryGetValue(context.Group, out var c))
            {
                body.Topics.Add(new TopicConfigInfo(
                    topic, c.ReadQueueNums, c.WriteQueueNums, c.Perm, c.FilterType == TopicFilterType.MultiTag ? "MULTI_TAG" : "SINGLE_TAG", c.TopicSysFlag, c.Order));
            }
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    public RemotingCommand GetBrokerRuntimeInfo(RemotingCommand request)
    {
        var store = context.Store;
        var stats = context.StatsService;
        double seconds = Math.Max(1, (stats.Time.GetUtcNow() - stats.BootTime).TotalSeconds);
        string putTps = Stats.BrokerStatsService.FormatRates(stats.PutTps());
        string getTps = Stats.BrokerStatsService.FormatRates(stats.GetTps());
        var body = new KvTableBody();
        var t = body.Table;
        t["brokerVersionDesc"] = "V4_9_8";
        t["brokerVersion"] = Text(RemotingVersion.V4_9_8);
        t["putTps"] = putTps;
        t["getTransferedTps"] = getTps;
        t["getFoundTps"] = getTps;
        t["getMissTps"] = Tps(0);
        t["getTotalTps"] = getTps;
        t["sendThreadPoolQueueSize"] = "0";
        t["sendThreadPoolQueueCapacity"] = "10000";
        t["pullThreadPoolQueueSize"] = "0";
        t["pullThreadPoolQueueCapacity"] = "100000";
        t["queryThreadPoolQueueSize"] = "0";
        t["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
        t["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
        t["queryThreadPoolQueueHeadWaitTimeMills"] = "0";
        t["pageCacheLockTimeMills"] = "0";
        t["earliestMessageTimeStamp"] = Text(Math.Max(0, store.GetEarliestMessageTime()));
        t["commitLogDiskRatio"] = DiskRatio(store.Settings.Dir);
        t["commitLogMinOffset"] = Text(store.MinPhysicalOffset);
        t["commitLogMaxOffset"] = Text(store.MaxPhysicalOffset);
        t["dispatchBehindBytes"] = "0";
        t["msgPutTotalYesterdayMorning"] = "0";
        t["msgPutTotalTodayMorning"] = "0";
        t["msgPutTotalTodayNow"] = Text(stats.PutTotal);
        t["msgGetTotalYesterdayMorning"] = "0";
        t["msgGetTotalTodayMorning"] = "0";
        t["msgGetTotalTodayNow"] = Text(stats.GetTotal);
        t["bootTimestamp"] = Text(stats.BootTime.ToUnixTimeMilliseconds());
        t["brokerActive"] = "true";

        // Not in 4.9.8's runtime info (there brokerRole is a config key); added so clusterList can show each member's role.
        var membership = context.Membership.State;
        t["brokerRole"] = Membership.BrokerMembership.RoleName(membership, context.Settings.Replication.Mode);
        t["brokerId"] = Text(membership.BrokerId);
        t["masterEpoch"] = Text(membership.MasterEpoch);
        if (!membership.IsMaster && membership.MasterAddress is { } master)
        {
            t["masterAddr"] = master;
        }

        t["runtime"] = "[ " + Text((long)seconds) + " seconds ]";
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    public RemotingCommand GetTopicStats(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetTopicStatsInfoRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        if (TopicResolver.Find(context, header.Topic) is not { } config)
        {
            return BrokerResponses.Refuse(request, Refusal.TopicNotExist, header.Topic);
        }

        var body = new TopicStatsTableBody();
        for (int q = 0; q < config.WriteQueueNums; q++)
        {
            long max = context.Store.GetMaxOffset(header.Topic, q);
            long last = max > 0 ? Math.Max(0, context.Store.GetMessageStoreTimestamp(header.Topic, q, max - 1)) : 0;
            body.OffsetTable[new MessageQueue(header.Topic, context.Group, q)] = new TopicOffset
            {
                MinOffset = context.Store.GetMinOffset(header.Topic, q),
                MaxOffset = max,
                LastUpdateTimestamp = last,
            };
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    public async ValueTask<RemotingCommand?> GetConsumeStatsAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<GetConsumeStatsRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var offsets = await context.Offsets.Ask<GroupOffsetTable>(new GetGroupOffsets(header.ConsumerGroup), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(header.Topic))
        {
            topics.Add(header.Topic);
        }
        else
        {
            topics.UnionWith(offsets.Topics.Keys);

            // A broadcasting group keeps its offsets on its consumers; like RocketMQ, list only what the broker holds.
            if (!context.Subscriptions.IsBroadcasting(header.ConsumerGroup)
                && context.Subscriptions.Groups.TryGetValue(header.ConsumerGroup, out var subscribed))
            {
                topics.UnionWith(subscribed.Keys);
            }
        }

        var body = new ConsumeStatsBody();
        foreach (string topic in topics)
        {
            AddConsumeStats(body, topic, offsets);
            body.ConsumeTps += context.StatsService.GroupGetTps(topic, header.ConsumerGroup);
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = body.Encode();
        return response;
    }

    public async ValueTask<RemotingCommand?> QueryTopicConsumeByWhoAsync(RemotingCommand request, CancellationToken ct)
    {
        if (!CommandHeader.TryDecode<QueryTopicConsumeByWhoRequestHeader>(request, out var header, out var error))
        {
            return BrokerResponses.BadHeader(request, error);
        }

        var groups = await context.Offsets.Ask<TopicGroupList>(new GetTopicGroups(header.Topic), BrokerContext.AskTimeout, ct).ConfigureAwait(false);
        var names = new SortedSet<string>(groups.Groups, StringComparer.Ordinal);
        foreach (var (group, topics) in context.Subscriptions.Groups)
        {
            if (topics.ContainsKey(header.Topic))
            {
                names.Add(group);
            }
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = new GroupListBody { GroupList = [.. names] }.Encode();
        return response;
    }

    internal void AddConsumeStats(ConsumeStatsBody body, string topic, GroupOffsetTable offsets)
    {
        if (TopicResolver.Find(context, topic) is not { } config)
        {
            return;
        }

        offsets.Topics.TryGetValue(topic, out var committed);
        for (int q = 0; q < config.ReadQueueNums; q++)
        {
            long consumer = committed is not null && committed.TryGetValue(q, out long c) ? Math.Max(0, c) : 0;
            long last = consumer > 0 ? Math.Max(0, context.Store.GetMessageStoreTimestamp(topic, q, consumer - 1)) : 0;
            body.OffsetTable[new MessageQueue(topic, context.Group, q)] = new OffsetWrapper
            {
                BrokerOffset = Math.Max(0, context.Store.GetMaxOffset(topic, q)),
                ConsumerOffset = consumer,
                LastTimestamp = last,
            };
        }
    }

    /// <summary>
    /// Topics the broker keeps for itself; admin may not create or delete them. As RocketMQ's system
    /// topic set, this includes the names a Java broker gives its cluster, group and reply topics.
    /// </summary>
    private bool IsSystemTopic(string topic) =>
        topic is TopicNames.AutoCreateTemplate or OffsetSnapshot.Topic or BenchmarkTopic
        || TopicNames.IsNotSendable(topic)
        || topic.StartsWith("rmq_sys_", StringComparison.OrdinalIgnoreCase)
        || topic == context.ClusterName || topic == context.Group || topic == context.ClusterName + ReplyTopicSuffix;

    /// <summary>RocketMQ's RMQ_SYS_BENCHMARK_TOPIC, reserved even though this broker does not create it.</summary>
    private const string BenchmarkTopic = "BenchmarkTest";

    private const string ReplyTopicSuffix = "_REPLY_TOPIC";

    private static string Tps(double value)
    {
        string one = value.ToString("0.00", CultureInfo.InvariantCulture);
        return one + " " + one + " " + one;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string DiskRatio(string dir)
    {
        var drive = new DriveInfo(Path.GetFullPath(dir));
        double ratio = drive.TotalSize == 0 ? 0 : 1.0 - ((double)drive.AvailableFreeSpace / drive.TotalSize);
        return ratio.ToString("0.0###", CultureInfo.InvariantCulture);
    }
}
