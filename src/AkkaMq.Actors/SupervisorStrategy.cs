namespace AkkaMq.Actors;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; continue with the next message.</summary>
    Resume,

    /// <summary>Replace the instance (state is reset; PreRestart/PostRestart run).</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}

/// <summary>
/// How a parent handles a child's failure. The strategy states its reason, which is logged with
/// every decision.
/// </summary>
public abstract class SupervisorStrategy
{
    private protected SupervisorStrategy(string reason, RestartBackoff? backoff)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Reason = reason;
        Backoff = backoff;
    }

    /// <summary>
    /// Restarts on any failure, except a failed start (<see cref="ActorInitializationException"/>)
    /// or <see cref="Kill"/>, which stop the child: restarting those would only fail again.
    /// </summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(
        DefaultDecider, "default: restart a failed child, stop one that cannot start or was killed");

    /// <summary>Why this strategy decides as it does; logged with each decision.</summary>
    public string Reason { get; }

    /// <summary>Delays between consecutive restarts, or null to restart at once.</summary>
    public RestartBackoff? Backoff { get; }

    /// <summary>The decision of <see cref="Default"/>.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>The directive for a failure.</summary>
    public abstract Directive Decide(Exception cause);
}

/// <summary>Applies the decision only to the child that failed.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    private readonly Func<Exception, Directive> _decider;

    /// <summary>Creates the strategy.</summary>
    /// <param name="decider">Maps a failure to a directive.</param>
    /// <param name="reason">Why: logged with every decision.</param>
    /// <param name="backoff">Delays between consecutive restarts; null restarts at once.</param>
    public OneForOneStrategy(Func<Exception, Directive> decider, string reason, RestartBackoff? backoff = null)
        : base(reason, backoff)
    {
        ArgumentNullException.ThrowIfNull(decider);
        _decider = decider;
    }

    /// <inheritdoc />
    public override Directive Decide(Exception cause) => _decider(cause);
}

/// <summary>
/// Exponential restart delay: the first restart after <see cref="Min"/>, each further consecutive
/// one <see cref="Factor"/> times longer, never more than <see cref="Max"/>. A message handled
/// successfully resets the count.
/// </summary>
public sealed record RestartBackoff(TimeSpan Min, TimeSpan Max, double Factor = 2.0)
{
    /// <summary>The delay before restart number <paramref name="consecutiveFailures"/> (1-based).</summary>
    public TimeSpan DelayFor(int consecutiveFailures)
    {
        double ticks = Min.Ticks * Math.Pow(Factor, Math.Max(0, consecutiveFailures - 1));
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}
