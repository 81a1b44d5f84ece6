using Akka.Actor;
using Akka.Cluster;

namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// Where the Controller runs, as RocketMQ 5's controller metadata tells it (getControllerMetaData):
/// the node hosting the singleton (the oldest member that may host it), whether that is this node,
/// and every node that may host it (the peers, in age order).
/// </summary>
/// <param name="Group">The controller group: the cluster's name.</param>
/// <param name="LeaderAddress">The Akka address of the node hosting the Controller; null while no eligible node is up.</param>
public sealed record ControllerPlacement(string Group, string? LeaderAddress, bool IsLeader, IReadOnlyList<string> Peers)
{
    /// <summary>
    /// The placement as this node's cluster state shows it: members Up (or leaving) with
    /// <paramref name="singletonRole"/> (any member when null), oldest first — the one Akka's singleton
    /// manager hosts the singletons on.
    /// </summary>
    public static ControllerPlacement Of(ActorSystem system, string group, string? singletonRole)
    {
        ArgumentNullException.ThrowIfNull(system);
        var cluster = Akka.Cluster.Cluster.Get(system);
        var eligible = cluster.State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving && (singletonRole is null || m.HasRole(singletonRole)))
            .ToList();
        eligible.Sort(static (a, b) => a.IsOlderThan(b) ? -1 : b.IsOlderThan(a) ? 1 : 0);
        var oldest = eligible.Count > 0 ? eligible[0].Address : null;
        return new ControllerPlacement(group, oldest?.ToString(), oldest is not null && oldest == cluster.SelfAddress,
            [.. eligible.Select(m => m.Address.ToString())]);
    }
}
