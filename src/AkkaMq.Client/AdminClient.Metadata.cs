using System.Text.Json;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>One broker's TopicConfig as GET_ALL_TOPIC_CONFIG (21) reports it.</summary>
public sealed record TopicConfigData(string TopicName, int ReadQueueNums, int WriteQueueNums, int Perm, string TopicFilterType, int TopicSysFlag, bool Order);

/// <summary>A broker's user topics and subscription groups, as mqadmin exportMetadata reads them.</summary>
public sealed partial class AdminClient
{
    /// <summary>The groups mqadmin leaves out of an export (RocketMQ's own groups), besides those starting <c>CID_RMQ_SYS_</c>.</summary>
    private static readonly HashSet<string> SystemGroups = new(StringComparer.Ordinal)
    {
        "DEFAULT_CONSUMER", "DEFAULT_PRODUCER", "TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "__MONITOR_CONSUMER", "CLIENT_INNER_PRODUCER",
        "SELF_TEST_P_GROUP", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER", "CID_ONSAPI_PULL",
        GroupNames.SystemGroupPrefix + "TRANS",
    };

    /// <summary>GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305): the topics a broker keeps for itself.</summary>
    public async Task<IReadOnlyList<string>> GetSystemTopicListFromBrokerAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetSystemTopicListFromBroker), cancellationToken).ConfigureAwait(false);
        return TopicListBody.Decode(response.Body.Span).TopicList;
    }

    /// <summary>GET_ALL_TOPIC_CONFIG (21): every topic a broker serves, by name.</summary>
    public async Task<SortedDictionary<string, TopicConfigData>> GetAllTopicConfigAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var response = await InvokeBrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetAllTopicConfig), cancellationToken).ConfigureAwait(false);
        var table = new SortedDictionary<string, TopicConfigData>(StringComparer.Ordinal);
        using var document = FastJson.Parse(response.Body.Span);
        foreach (var entry in FastJson.GetObject(document.RootElement, "topicConfigTable"))
        {
            table[entry.Name] = ReadTopicConfig(entry.Name, entry.Value);
        }

        return table;
    }

    /// <summary>
    /// mqadmin's getUserTopicConfig: 21 less the broker's system topics (305) and, unless
    /// <paramref name="specialTopics"/>, less retry and dead-letter topics.
    /// </summary>
    public async Task<SortedDictionary<string, TopicConfigData>> GetUserTopicConfigAsync(string brokerAddress, bool specialTopics, CancellationToken cancellationToken = default)
    {
        var table = await GetAllTopicConfigAsync(brokerAddress, cancellationToken).ConfigureAwait(false);
        var system = await GetSystemTopicListFromBrokerAsync(brokerAddress, cancellationToken).ConfigureAwait(false);
        foreach (var name in table.Keys.ToList())
        {
            if (system.Contains(name) || (!specialTopics && (name.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal) || name.StartsWith(TopicNames.DeadLetterPrefix, StringComparison.Ordinal))))
            {
                table.Remove(name);
            }
        }

        return table;
    }

    /// <summary>mqadmin's getUserSubscriptionGroup: 201 less RocketMQ's own groups.</summary>
    public async Task<SortedDictionary<string, SubscriptionGroupConfig>> GetUserSubscriptionGroupAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        var table = new SortedDictionary<string, SubscriptionGroupConfig>(StringComparer.Ordinal);
        foreach (var (name, config) in await GetAllSubscriptionGroupConfigAsync(brokerAddress, cancellationToken).ConfigureAwait(false))
        {
            if (!SystemGroups.Contains(name) && !GroupNames.IsSystemGroup(name))
            {
                table[name] = config;
            }
        }

        return table;
    }

    private static TopicConfigData ReadTopicConfig(string name, JsonElement e) => new(
        FastJson.GetString(e, "topicName") ?? name,
        FastJson.GetInt32(e, "readQueueNums"),
        FastJson.GetInt32(e, "writeQueueNums"),
        FastJson.GetInt32(e, "perm"),
        FastJson.GetString(e, "topicFilterType") ?? "SINGLE_TAG",
        FastJson.GetInt32(e, "topicSysFlag"),
        FastJson.GetBoolean(e, "order"));
}
