using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors;

/// <summary>The phases of <see cref="CoordinatedShutdown"/>, run in this order.</summary>
public enum ShutdownPhase
{
    /// <summary>Stop taking new work: close listeners, refuse new requests.</summary>
    StopAccepting,

    /// <summary>Finish work in flight: answer pending requests, hand over leadership.</summary>
    Drain,

    /// <summary>Tasks added here run first; then every actor stops, children before parents.</summary>
    StopActors,

    /// <summary>After all actors stopped: flush files, close stores and clients.</summary>
    Flush,
}

/// <summary>
/// Orderly, phased shutdown of an <see cref="ActorSystem"/>. Tasks of one phase run concurrently;
/// the next phase starts when they have all finished or the phase timeout
/// (<see cref="ActorSystemOptions.ShutdownPhaseTimeout"/>, wall clock) has passed. Failures and
/// timeouts are logged and do not stop the sequence. The node host calls <see cref="RunAsync"/>
/// on SIGINT/SIGTERM.
/// </summary>
public sealed class CoordinatedShutdown
{
    private static readonly ShutdownPhase[] s_phases = Enum.GetValues<ShutdownPhase>();

    private readonly ActorSystem _system;
    private readonly object _gate = new();
    private readonly List<(ShutdownPhase Phase, string Name, Func<CancellationToken, Task> Task)> _tasks = [];
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;

    internal CoordinatedShutdown(ActorSystem system) => _system = system;

    /// <summary>The reason given to the first <see cref="RunAsync"/>, or null while not started.</summary>
    public string? Reason { get; private set; }

    /// <summary>Completes when every phase has run and every actor has stopped.</summary>
    public Task WhenFinished => _finished.Task;

    /// <summary>Adds a task to a phase. Not allowed once shutdown has started.</summary>
    public void AddTask(ShutdownPhase phase, string name, Func<CancellationToken, Task> task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException($"Shutdown already started; cannot add task '{name}'");
            }

            _tasks.Add((phase, name, task));
        }
    }

    /// <summary>Starts shutdown (once; later calls return the same task) and completes when it has finished.</summary>
    public Task RunAsync(string reason)
    {
        lock (_gate)
        {
            if (_run is null)
            {
                Reason = reason;
                _run = Task.Run(() => RunPhasesAsync(reason));
            }

            return _run;
        }
    }

    private async Task RunPhasesAsync(string reason)
    {
        _system.Log.LogInformation("Coordinated shutdown of {System} started: {Reason}", _system.Name, reason);
        try
        {
            foreach (ShutdownPhase phase in s_phases)
            {
                await RunPhaseAsync(phase).ConfigureAwait(false);
            }

            await WithTimeoutAsync("root", _system.StopRootAsync()).ConfigureAwait(false);
            _system.Log.LogInformation("Coordinated shutdown of {System} finished", _system.Name);
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    private async Task RunPhaseAsync(ShutdownPhase phase)
    {
        TimeSpan timeout = _system.Options.ShutdownPhaseTimeout;
        using var cts = new CancellationTokenSource(timeout);
        var running = new List<Task>();
        foreach (var (taskPhase, name, task) in _tasks)
        {
            if (taskPhase == phase)
            {
                running.Add(RunTaskAsync(phase, name, task, cts.Token));
            }
        }

        await WithTimeoutAsync(phase.ToString(), Task.WhenAll(running)).ConfigureAwait(false);
        if (phase == ShutdownPhase.StopActors)
        {
            await WithTimeoutAsync("StopActors (actors)", _system.StopGuardiansAsync()).ConfigureAwait(false);
        }
    }

    private async Task RunTaskAsync(ShutdownPhase phase, string name, Func<CancellationToken, Task> task, CancellationToken token)
    {
        try
        {
            await task(token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A failing task must not stop the shutdown: logged, and the sequence goes on.
            _system.Log.LogError(ex, "Shutdown task {Name} in phase {Phase} failed", name, phase);
        }
    }

    private async Task WithTimeoutAsync(string what, Task task)
    {
        try
        {
            await task.WaitAsync(_system.Options.ShutdownPhaseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _system.Log.LogWarning("Shutdown phase {Phase} timed out after {Timeout}; continuing", what, _system.Options.ShutdownPhaseTimeout);
        }
    }
}
