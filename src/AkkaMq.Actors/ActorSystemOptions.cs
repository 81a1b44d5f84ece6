using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Actors;

/// <summary>Settings of an <see cref="ActorSystem"/>. Immutable.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>Where the kernel logs (failures, dead letters, shutdown). Default: no logging.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// The clock of every actor timer, scheduler entry, restart back-off and ask timeout. A test
    /// passes a virtual clock to run timers instantly.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How many user messages an actor processes before it checks whether other work is waiting
    /// for a thread-pool thread; if so it yields, otherwise it carries on. Default 256: a
    /// neighbour waits at most that many messages' worth of work.
    /// </summary>
    public int Throughput { get; init; } = 256;

    /// <summary>
    /// How long each coordinated-shutdown phase may take before the next one starts anyway.
    /// Measured on the wall clock (not <see cref="TimeProvider"/>), so that a frozen virtual
    /// clock cannot hang shutdown. Default 10 s.
    /// </summary>
    public TimeSpan ShutdownPhaseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
