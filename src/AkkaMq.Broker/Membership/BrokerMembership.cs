namespace AkkaMq.Broker.Membership;

/// <summary>One published state of this broker in its group; replaced as a whole, never changed in place.</summary>
/// <param name="BrokerId">The id the broker registers under: 0 while master, its follower id (>= 1) otherwise.</param>
/// <param name="IsMaster">Whether this broker accepts writes (sends, send-backs, end-transactions, its own records).</param>
/// <param name="MasterEpoch">The epoch of the group's master as last learned (0 when none was ever given).</param>
/// <param name="MasterAddress">The master's broker address (<c>ip:port</c>) if known; this broker's own while master.</param>
public sealed record MembershipState(long BrokerId, bool IsMaster, int MasterEpoch, string? MasterAddress);

/// <summary>
/// Whether this broker is its group's master or a follower, read lock-free by the request
/// processors and the broker's actors. Only <see cref="BrokerRole"/>'s transitions publish a new state.
/// </summary>
public sealed class BrokerMembership
{
    private MembershipState _state;

    public BrokerMembership(MembershipState initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _state = initial;
    }

    /// <summary>A master with broker id 0 and no epoch yet: a single broker, as before replication.</summary>
    public static BrokerMembership StandaloneMaster() => new(new MembershipState(0, true, 0, null));

    public MembershipState State => Volatile.Read(ref _state);

    public long BrokerId => State.BrokerId;

    public bool IsMaster => State.IsMaster;

    public int MasterEpoch => State.MasterEpoch;

    public string? MasterAddress => State.MasterAddress;

    /// <summary>RocketMQ's name of the role: SLAVE on a follower, SYNC_MASTER or ASYNC_MASTER on a master per the replication mode.</summary>
    public static string RoleName(MembershipState state, ReplicationMode mode) =>
        !state.IsMaster ? "SLAVE" : mode == ReplicationMode.Sync ? "SYNC_MASTER" : "ASYNC_MASTER";

    internal void Publish(MembershipState next) => Volatile.Write(ref _state, next);
}
