using Akka.Actor;
using Akka.Cluster;

namespace AkkaMq.Cluster;

/// <summary>
/// One incarnation of a cluster node: its Akka address and the unique id its actor system drew at
/// start, as <c>akka.tcp://system@host:port#uid</c>. A node restarted on the same address is a new
/// incarnation, so what the old one registered (a broker in the routes) is not taken for the new one's.
/// </summary>
public static class ClusterNodeId
{
    public static string Of(UniqueAddress node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Address + "#" + node.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>This node's incarnation.</summary>
    public static string Of(ActorSystem system) => Of(Akka.Cluster.Cluster.Get(system).SelfUniqueAddress);
}
