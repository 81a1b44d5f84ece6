using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors;

/// <summary>
/// A tree of actors under a root guardian (<c>akkamq://name</c>) with two guardians: <c>/user</c>
/// for application actors and <c>/system</c> for kernel actors. Disposing it runs
/// <see cref="CoordinatedShutdown"/>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _user;
    private readonly ActorCell _system;

    private ActorSystem(string name, ActorSystemOptions options)
    {
        Name = name;
        Options = options;
        TimeProvider = options.TimeProvider;
        Throughput = options.Throughput;
        Log = options.LoggerFactory.CreateLogger("AkkaMq.Actors");
        DeadLetters = new DeadLetterOffice(ActorPath.Root(name).Child("deadLetters"), Log);
        Scheduler = new Scheduler(TimeProvider);
        _root = new ActorCell(this, null, ActorPath.Root(name), Props.Create(() => new GuardianActor()));
        _root.SendSystem(Actors.Create.Instance);
        _user = ((LocalActorRef)_root.ActorOf(Props.Create(() => new GuardianActor()), "user")).Cell;
        _system = ((LocalActorRef)_root.ActorOf(Props.Create(() => new GuardianActor()), "system")).Cell;
        CoordinatedShutdown = new CoordinatedShutdown(this);
    }

    /// <summary>The system's name, the authority of every path.</summary>
    public string Name { get; }

    /// <summary>The settings the system was created with.</summary>
    public ActorSystemOptions Options { get; }

    /// <summary>The clock of all timers and the scheduler.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Undeliverable messages; subscribe to watch them.</summary>
    public DeadLetterOffice DeadLetters { get; }

    /// <summary>Tells messages later or repeatedly, on <see cref="TimeProvider"/>.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>Ordered, phased shutdown of this system.</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Completes when shutdown has finished and every actor has stopped.</summary>
    public Task WhenTerminated => CoordinatedShutdown.WhenFinished;

    internal ILogger Log { get; }

    internal int Throughput { get; }

    /// <summary>Creates and starts a system.</summary>
    public static ActorSystem Create(string name, ActorSystemOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A system name cannot contain '/'", nameof(name));
        }

        options ??= new ActorSystemOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Throughput, 1);
        return new ActorSystem(name, options);
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _user.ActorOf(props, name);

    /// <summary>Creates a kernel actor under <c>/system</c>.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _system.ActorOf(props, name);

    /// <summary>Stops an actor (children first, then its PostStop).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is IInternalActorRef target)
        {
            target.SendSystemMessage(Terminate.Instance);
        }
    }

    /// <summary>Runs coordinated shutdown and waits for it.</summary>
    public Task TerminateAsync(string reason = "terminate requested") => CoordinatedShutdown.RunAsync(reason);

    /// <summary>Runs coordinated shutdown and waits for it.</summary>
    public async ValueTask DisposeAsync() => await CoordinatedShutdown.RunAsync("actor system disposed").ConfigureAwait(false);

    /// <summary>Stops <c>/user</c>, then <c>/system</c>, each tree children first.</summary>
    internal async Task StopGuardiansAsync()
    {
        _user.SendSystem(Terminate.Instance);
        await _user.WhenTerminated.ConfigureAwait(false);
        _system.SendSystem(Terminate.Instance);
        await _system.WhenTerminated.ConfigureAwait(false);
    }

    internal Task StopRootAsync()
    {
        _root.SendSystem(Terminate.Instance);
        return _root.WhenTerminated;
    }

    /// <summary>A guardian has no behaviour of its own; it only supervises.</summary>
    private sealed class GuardianActor : ReceiveActor
    {
    }
}
