using System.Collections.Immutable;

namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The cluster's routing state at one version: broker groups with their members, every topic's
/// queues per group, and the nameserver's key/value configuration. Immutable; the
/// <see cref="RouteRegistryActor"/> makes a new one per change and publishes it through a
/// <see cref="RouteTableFeed"/>, so readers never lock.
/// </summary>
public sealed class RouteTable
{
    public static RouteTable Empty { get; } = new(
        0,
        ImmutableSortedDictionary<string, BrokerGroup>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, TopicConfig>>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, string>>.Empty.WithComparers(StringComparer.Ordinal));

    public RouteTable(
        long version,
        ImmutableSortedDictionary<string, BrokerGroup> groups,
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, TopicConfig>> topics,
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, string>> kv)
    {
        Version = version;
        Groups = groups;
        Topics = topics;
        Kv = kv;
    }

    /// <summary>Increases by one with every change.</summary>
    public long Version { get; }

    /// <summary>Broker groups by name.</summary>
    public ImmutableSortedDictionary<string, BrokerGroup> Groups { get; }

    /// <summary>Topic → broker group → that group's queues of the topic.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, TopicConfig>> Topics { get; }

    /// <summary>Namespace → key → value (RocketMQ's namesrv KV config, e.g. ORDER_TOPIC_CONFIG).</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, string>> Kv { get; }

    public bool TryGetTopic(string topic, out ImmutableSortedDictionary<string, TopicConfig> perGroup) =>
        Topics.TryGetValue(topic, out perGroup!);

    public TopicConfig? FindTopic(string topic, string group) =>
        Topics.TryGetValue(topic, out var perGroup) && perGroup.TryGetValue(group, out var config) ? config : null;

    public string? FindKv(string ns, string key) =>
        Kv.TryGetValue(ns, out var table) && table.TryGetValue(key, out var value) ? value : null;

    public RouteTable WithTopic(string group, TopicConfig config)
    {
        var perGroup = Topics.TryGetValue(config.TopicName, out var existing)
            ? existing
            : ImmutableSortedDictionary<string, TopicConfig>.Empty.WithComparers(StringComparer.Ordinal);
        return new RouteTable(Version + 1, Groups, Topics.SetItem(config.TopicName, perGroup.SetItem(group, config)), Kv);
    }

    public RouteTable WithoutTopic(string topic) =>
        new(Version + 1, Groups, Topics.Remove(topic), Kv);

    public RouteTable WithGroup(BrokerGroup group) =>
        new(Version + 1, Groups.SetItem(group.GroupName, group), Topics, Kv);

    public RouteTable WithKv(string ns, string key, string value)
    {
        var table = Kv.TryGetValue(ns, out var existing)
            ? existing
            : ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        return new RouteTable(Version + 1, Groups, Topics, Kv.SetItem(ns, table.SetItem(key, value)));
    }

    public RouteTable WithoutKv(string ns, string key)
    {
        if (!Kv.TryGetValue(ns, out var table) || !table.ContainsKey(key))
        {
            return this;
        }

        var left = table.Remove(key);
        return new RouteTable(Version + 1, Groups, Topics, left.IsEmpty ? Kv.Remove(ns) : Kv.SetItem(ns, left));
    }

    /// <summary>
    /// Topics that <paramref name="group"/> serves (RocketMQ's count of queue data a perm change touches).
    /// </summary>
    public int CountTopicsOf(string group)
    {
        int count = 0;
        foreach (var perGroup in Topics.Values)
        {
            if (perGroup.ContainsKey(group))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Every topic of <paramref name="group"/> with the write bit cleared (<paramref name="writable"/> false)
    /// or the read and write bits set (true); other bits (inherit, priority) are kept. Returns this same
    /// table when no topic's perm changes.
    /// </summary>
    public RouteTable WithGroupWritePerm(string group, bool writable)
    {
        var topics = Topics;
        foreach (var (name, perGroup) in Topics)
        {
            if (!perGroup.TryGetValue(group, out var config))
            {
                continue;
            }

            int perm = writable ? config.Perm | Routing.Perm.ReadWrite : config.Perm & ~Routing.Perm.Write;
            if (perm != config.Perm)
            {
                topics = topics.SetItem(name, perGroup.SetItem(group, config with { Perm = perm }));
            }
        }

        return ReferenceEquals(topics, Topics) ? this : new RouteTable(Version + 1, Groups, topics, Kv);
    }
}
