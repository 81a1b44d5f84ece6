using Akka.Actor;
using Akka.Cluster;
using AkkaMq.Broker;
using AkkaMq.Broker.Membership;
using AkkaMq.Node.Configuration;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// What a node's health endpoint answers: its cluster membership, the roles it started and, on a
/// broker node, the role the Controller gave its broker. Read from any thread: the cluster's view
/// and the broker's published membership are lock-free reads; the group member actor is asked.
/// </summary>
public sealed class NodeHealth
{
    /// <summary>How long a health request waits for the broker's group member to answer.</summary>
    private static readonly TimeSpan MemberAskTimeout = TimeSpan.FromSeconds(2);

    private readonly NodeSettings _settings;
    private readonly ActorSystem _system;
    private NodeRoles? _roles;

    public NodeHealth(NodeSettings settings, ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(system);
        _settings = settings;
        _system = system;
    }

    /// <summary>The node's roles have started; from now on readiness looks at them.</summary>
    public void RolesStarted(NodeRoles roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        Volatile.Write(ref _roles, roles);
    }

    /// <summary>The liveness answer: the process runs and its HTTP listener answers.</summary>
    public LiveReport Live() => new("live", _settings.NodeName);

    /// <summary>The node's state now, with <see cref="HealthReport.Ready"/> and the reasons it is not ready.</summary>
    public async Task<HealthReport> ReportAsync(CancellationToken ct)
    {
        var reasons = new List<string>();
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var status = cluster.SelfMember.Status;
        if (CoordinatedShutdown.Get(_system).ShutdownReason is not null)
        {
            reasons.Add("the node is shutting down");
        }

        if (status != MemberStatus.Up)
        {
            reasons.Add($"cluster membership is {status.ToString().ToLowerInvariant()}, not up");
        }

        var groups = new List<GroupHealth>();
        var roles = Volatile.Read(ref _roles);
        if (roles is null)
        {
            reasons.Add("the node's roles are still starting");
        }
        else if (roles.Broker is { } broker)
        {
            groups.Add(await BrokerGroupAsync(broker, roles.BrokerMember, reasons, ct).ConfigureAwait(false));
        }

        var names = new List<string>(_settings.Roles.Count);
        foreach (var role in _settings.Roles)
        {
            names.Add(role.ToString().ToLowerInvariant());
        }

        var unreachable = new List<string>();
        foreach (var member in cluster.State.Unreachable)
        {
            unreachable.Add(member.Address.ToString());
        }

        return new HealthReport(reasons.Count == 0, _settings.NodeName, _settings.ClusterName, cluster.SelfAddress.ToString(),
            status.ToString().ToLowerInvariant(), names, groups, unreachable, reasons);
    }

    private async Task<GroupHealth> BrokerGroupAsync(BrokerRole broker, IActorRef? member, List<string> reasons, CancellationToken ct)
    {
        var group = _settings.Broker.Group;
        var failure = broker.StoreFailure;
        if (failure is not null)
        {
            reasons.Add($"the store of broker group {group} failed: {failure}");
        }

        var assignment = member is null ? null : await AssignmentAsync(member, group, reasons, ct).ConfigureAwait(false);
        if (assignment is null)
        {
            reasons.Add($"broker group {group}: no role from the controller yet");
        }

        var state = broker.Membership;
        var role = assignment is null ? "none" : assignment.IsMaster ? "master" : "follower";
        return new GroupHealth(group, role, state.BrokerId, assignment?.MasterEpoch ?? state.MasterEpoch,
            assignment?.MasterBrokerAddress, failure is null ? "open" : "failed");
    }

    private static async Task<AkkaMq.Cluster.Coordination.BrokerGroupAssignment?> AssignmentAsync(
        IActorRef member, string group, List<string> reasons, CancellationToken ct)
    {
        try
        {
            var answer = await member.Ask<MemberAssignment>(GetMemberAssignment.Instance, MemberAskTimeout, ct).ConfigureAwait(false);
            return answer.Assignment;
        }
        catch (AskTimeoutException)
        {
            reasons.Add($"broker group {group}: its group member did not answer within {MemberAskTimeout.TotalSeconds:0}s");
            return null;
        }
    }
}

/// <summary>The body of <c>GET /health/live</c>.</summary>
public sealed record LiveReport(string Status, string Node);

/// <summary>
/// The body of <c>GET /health</c> and <c>GET /health/ready</c>: <paramref name="Ready"/> with the
/// <paramref name="Reasons"/> it is not (empty when ready), the node's name, cluster, Akka address,
/// membership status (up, joining, leaving, ...), configured roles, its broker group, if any, and
/// the Akka addresses of the members this node's failure detector currently marks unreachable.
/// </summary>
public sealed record HealthReport(
    bool Ready, string Node, string Cluster, string Address, string Membership,
    IReadOnlyList<string> Roles, IReadOnlyList<GroupHealth> Groups, IReadOnlyList<string> Unreachable, IReadOnlyList<string> Reasons);

/// <summary>
/// A broker group as this node serves it: <paramref name="Role"/> master, follower or none (no
/// assignment from the Controller yet), the broker id it registers under (0 while master), the
/// master epoch, the master's broker address when known, and its store (open or failed).
/// </summary>
public sealed record GroupHealth(string Group, string Role, long BrokerId, int MasterEpoch, string? MasterAddress, string Store);
