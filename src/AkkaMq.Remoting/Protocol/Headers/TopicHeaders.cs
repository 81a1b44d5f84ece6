namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>GET_ROUTEINFO_BY_TOPIC (105) request.</summary>
public sealed class GetRouteInfoRequestHeader : ICommandHeader<GetRouteInfoRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public bool? AcceptStandardJsonOnly { get; set; }

    public static HeaderTable<GetRouteInfoRequestHeader> Table { get; } = new HeaderTable<GetRouteInfoRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .Boolean("acceptStandardJsonOnly", static h => h.AcceptStandardJsonOnly, static (h, v) => h.AcceptStandardJsonOnly = v);
}

/// <summary>UPDATE_AND_CREATE_TOPIC (17) request; topicFilterType is SINGLE_TAG or MULTI_TAG.</summary>
public sealed class CreateTopicRequestHeader : ICommandHeader<CreateTopicRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public string DefaultTopic { get; set; } = string.Empty;

    public int ReadQueueNums { get; set; }

    public int WriteQueueNums { get; set; }

    public int Perm { get; set; }

    public string TopicFilterType { get; set; } = string.Empty;

    public int? TopicSysFlag { get; set; }

    public bool Order { get; set; }

    public static HeaderTable<CreateTopicRequestHeader> Table { get; } = new HeaderTable<CreateTopicRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true)
        .String("defaultTopic", static h => h.DefaultTopic, static (h, v) => h.DefaultTopic = v, required: true)
        .Int32("readQueueNums", static h => h.ReadQueueNums, static (h, v) => h.ReadQueueNums = v, required: true)
        .Int32("writeQueueNums", static h => h.WriteQueueNums, static (h, v) => h.WriteQueueNums = v, required: true)
        .Int32("perm", static h => h.Perm, static (h, v) => h.Perm = v, required: true)
        .String("topicFilterType", static h => h.TopicFilterType, static (h, v) => h.TopicFilterType = v, required: true)
        .Int32("topicSysFlag", static h => h.TopicSysFlag, static (h, v) => h.TopicSysFlag = v)
        .Boolean("order", static h => h.Order, static (h, v) => h.Order = v, required: true);
}

/// <summary>DELETE_TOPIC_IN_BROKER (215) / DELETE_TOPIC_IN_NAMESRV (216) request.</summary>
public sealed class DeleteTopicRequestHeader : ICommandHeader<DeleteTopicRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public static HeaderTable<DeleteTopicRequestHeader> Table { get; } = new HeaderTable<DeleteTopicRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true);
}

/// <summary>GET_TOPICS_BY_CLUSTER (224) request to the name server; the answer is a TopicList body.</summary>
public sealed class GetTopicsByClusterRequestHeader : ICommandHeader<GetTopicsByClusterRequestHeader>
{
    public string Cluster { get; set; } = string.Empty;

    public static HeaderTable<GetTopicsByClusterRequestHeader> Table { get; } = new HeaderTable<GetTopicsByClusterRequestHeader>()
        .String("cluster", static h => h.Cluster, static (h, v) => h.Cluster = v, required: true);
}

/// <summary>QUERY_TOPIC_CONSUME_BY_WHO (300) request; the answer is a GroupList body.</summary>
public sealed class QueryTopicConsumeByWhoRequestHeader : ICommandHeader<QueryTopicConsumeByWhoRequestHeader>
{
    public string Topic { get; set; } = string.Empty;

    public static HeaderTable<QueryTopicConsumeByWhoRequestHeader> Table { get; } = new HeaderTable<QueryTopicConsumeByWhoRequestHeader>()
        .String("topic", static h => h.Topic, static (h, v) => h.Topic = v, required: true);
}
