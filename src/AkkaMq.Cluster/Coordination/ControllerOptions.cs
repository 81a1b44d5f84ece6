namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// Settings of the <see cref="ControllerActor"/>. <paramref name="AllowUncleanElection"/>: when no member of the
/// in-sync set is online, elect any online member (the node key <c>akkamq.controller.allow-unclean-election</c>);
/// acknowledged messages the new master lacks are then lost. Off by default: the group stays read-only instead.
/// </summary>
public sealed record ControllerOptions(bool AllowUncleanElection = false)
{
    public static ControllerOptions Default { get; } = new();
}
