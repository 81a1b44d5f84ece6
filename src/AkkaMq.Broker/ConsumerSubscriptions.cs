using System.Collections.Immutable;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker;

/// <summary>
/// The consumer groups' subscriptions as last heart-beaten, for lock-free reads by the pull
/// path. Only the <see cref="ClientsActor"/> publishes; the published maps and the
/// <see cref="SubscriptionData"/> objects in them are never changed afterwards.
/// </summary>
public sealed class ConsumerSubscriptions
{
    private ImmutableDictionary<string, ImmutableDictionary<string, SubscriptionData>> _groups =
        ImmutableDictionary<string, ImmutableDictionary<string, SubscriptionData>>.Empty.WithComparers(StringComparer.Ordinal);

    private ImmutableHashSet<string> _broadcasting = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Group → topic → subscription.</summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, SubscriptionData>> Groups => Volatile.Read(ref _groups);

    /// <summary>Groups whose consumers heart-beat BROADCASTING: they keep their offsets themselves.</summary>
    public bool IsBroadcasting(string group) => Volatile.Read(ref _broadcasting).Contains(group);

    public SubscriptionData? Find(string group, string topic) =>
        Groups.TryGetValue(group, out var topics) && topics.TryGetValue(topic, out var subscription) ? subscription : null;

    internal void Publish(
        ImmutableDictionary<string, ImmutableDictionary<string, SubscriptionData>> groups, ImmutableHashSet<string> broadcasting)
    {
        Volatile.Write(ref _broadcasting, broadcasting);
        Volatile.Write(ref _groups, groups);
    }
}
