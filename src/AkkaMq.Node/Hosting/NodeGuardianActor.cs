using Akka.Actor;
using AkkaMq.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// The root of a node's actors (/user/node): starts each role's actors as its children (in the
/// order <see cref="NodeRoles"/> asks for them) and supervises them. A role actor that stops
/// while the node is not shutting down leaves the node unable to serve it, so the guardian then
/// runs the node's coordinated shutdown rather than keep a half-working node up.
/// </summary>
public sealed class NodeGuardianActor : ReceiveActor
{
    private readonly NodeSettings _settings;
    private readonly ILogger _log;

    public NodeGuardianActor(NodeSettings settings, ILogger log)
    {
        _settings = settings;
        _log = log;
        Receive<StartRoleActor>(m =>
        {
            var child = Context.ActorOf(m.Props, m.Name);
            Context.Watch(child);
            Sender.Tell(new RoleActorStarted(child), Self);
        });
        Receive<Terminated>(t => OnRoleStopped(t.ActorRef));
    }

    public static Props Props(NodeSettings settings, ILogger log) =>
        Akka.Actor.Props.Create(() => new NodeGuardianActor(settings, log));

    /// <summary>
    /// A role actor whose own start fails (its store cannot be read, its children cannot be
    /// built) is stopped, not restarted: building it again would fail the same way, and a
    /// restart would reload its state from disk over what it held. Any other failure that
    /// reaches here is logged and the role actor resumes with its state.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
    {
        _log.LogError(cause, "Node {Node}: a role actor failed", _settings.NodeName);
        return cause is ActorInitializationException ? Directive.Stop : Directive.Resume;
    });

    protected override void PreStart() =>
        _log.LogInformation("Node {Node} of cluster {Cluster} up: roles {Roles}",
            _settings.NodeName, _settings.ClusterName, string.Join(", ", _settings.Roles).ToLowerInvariant());

    protected override void PostStop() =>
        _log.LogInformation("Node {Node}: all actors stopped", _settings.NodeName);

    private void OnRoleStopped(IActorRef role)
    {
        var shutdown = CoordinatedShutdown.Get(Context.System);
        if (shutdown.ShutdownReason is null)
        {
            _log.LogCritical("Node {Node}: role actor {Role} stopped unexpectedly; the node shuts down", _settings.NodeName, role.Path.Name);
            shutdown.Run(RoleStoppedReason.Instance);
        }
    }
}

/// <summary>Start <paramref name="Props"/> as a child called <paramref name="Name"/>; replies <see cref="RoleActorStarted"/>.</summary>
public sealed record StartRoleActor(Props Props, string Name);

public sealed record RoleActorStarted(IActorRef Actor);

/// <summary>The coordinated-shutdown reason when a role actor stopped by itself.</summary>
public sealed class RoleStoppedReason : CoordinatedShutdown.Reason
{
    public static readonly RoleStoppedReason Instance = new();

    private RoleStoppedReason()
    {
    }

    /// <summary>Not used: the node sets its own exit code (exit-clr is off).</summary>
    public override int ExitCode => 1;
}
