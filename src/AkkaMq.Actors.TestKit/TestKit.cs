using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors.TestKit;

/// <summary>
/// Base class for actor tests: one <see cref="ActorSystem"/> per test (shut down on dispose), a
/// default probe <see cref="TestActor"/>, expectations, <c>Within</c> and <c>AwaitAssert</c>.
/// With <c>virtualTime: true</c> the system's timers run on <see cref="Time"/>, which moves only
/// on <see cref="VirtualTimeProvider.Advance"/>. Expectations always wait on the wall clock.
/// </summary>
/// <remarks>
/// Code in a namespace under <c>AkkaMq.Actors</c> sees the namespace <c>AkkaMq.Actors.TestKit</c>
/// before this class; there, use an alias (<c>using ActorTestKit = AkkaMq.Actors.TestKit.TestKit;</c>).
/// </remarks>
public class TestKit : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan s_defaultInterval = TimeSpan.FromMilliseconds(10);
    private int _probes;
    private bool _disposed;

    /// <summary>Creates the system for one test.</summary>
    /// <param name="virtualTime">Run the system's timers on a <see cref="VirtualTimeProvider"/>.</param>
    /// <param name="loggerFactory">Where the system logs; none by default.</param>
    /// <param name="systemName">The system's name.</param>
    /// <param name="defaultTimeout">How long expectations wait by default (3 s).</param>
    public TestKit(bool virtualTime = false, ILoggerFactory? loggerFactory = null, string systemName = "test", TimeSpan? defaultTimeout = null)
    {
        DefaultTimeout = defaultTimeout ?? TimeSpan.FromSeconds(3);
        VirtualTime = virtualTime ? new VirtualTimeProvider() : null;
        var options = new ActorSystemOptions
        {
            TimeProvider = VirtualTime ?? TimeProvider.System,
            ShutdownPhaseTimeout = TimeSpan.FromSeconds(5),
        };
        if (loggerFactory is not null)
        {
            options = options with { LoggerFactory = loggerFactory };
        }

        Sys = ActorSystem.Create(systemName, options);
        TestActor = CreateTestProbe("testActor");
    }

    /// <summary>The system under test.</summary>
    public ActorSystem Sys { get; }

    /// <summary>The virtual clock, or null when the test runs on real time.</summary>
    public VirtualTimeProvider? VirtualTime { get; }

    /// <summary>The virtual clock; throws when the test was not created with virtual time.</summary>
    public VirtualTimeProvider Time => VirtualTime ?? throw new InvalidOperationException("Create the TestKit with virtualTime: true");

    /// <summary>The default probe; the expectation helpers of this class read from it.</summary>
    public TestProbe TestActor { get; }

    /// <summary>How long expectations wait when no maximum is given.</summary>
    public TimeSpan DefaultTimeout { get; }

    /// <summary>A new probe in this test's system.</summary>
    public TestProbe CreateTestProbe(string? name = null)
    {
        int id = Interlocked.Increment(ref _probes);
        var probe = new TestProbe(Sys, name ?? "testProbe-" + id, DefaultTimeout);
        Sys.CoordinatedShutdown.AddTask(ShutdownPhase.Flush, "stop " + probe.Path.Name, _ =>
        {
            probe.NotifyWatchers();
            return Task.CompletedTask;
        });
        return probe;
    }

    /// <summary>See <see cref="TestProbe.ExpectMsgAsync{T}(TimeSpan?)"/> on <see cref="TestActor"/>.</summary>
    public Task<T> ExpectMsgAsync<T>(TimeSpan? max = null) => TestActor.ExpectMsgAsync<T>(max);

    /// <summary>See <see cref="TestProbe.ExpectMsgAsync{T}(Func{T, bool}, TimeSpan?)"/> on <see cref="TestActor"/>.</summary>
    public Task<T> ExpectMsgAsync<T>(Func<T, bool> predicate, TimeSpan? max = null) => TestActor.ExpectMsgAsync(predicate, max);

    /// <summary>See <see cref="TestProbe.ExpectNoMsgAsync"/> on <see cref="TestActor"/>.</summary>
    public Task ExpectNoMsgAsync(TimeSpan duration) => TestActor.ExpectNoMsgAsync(duration);

    /// <summary>See <see cref="TestProbe.FishForMessageAsync{T}"/> on <see cref="TestActor"/>.</summary>
    public Task<T> FishForMessageAsync<T>(Func<T, bool> predicate, TimeSpan? max = null) => TestActor.FishForMessageAsync(predicate, max);

    /// <summary>Blocking form on <see cref="TestActor"/>.</summary>
    public T ExpectMsg<T>(TimeSpan? max = null) => TestActor.ExpectMsg<T>(max);

    /// <summary>Blocking form on <see cref="TestActor"/>.</summary>
    public T ExpectMsg<T>(Func<T, bool> predicate, TimeSpan? max = null) => TestActor.ExpectMsg(predicate, max);

    /// <summary>Blocking form on <see cref="TestActor"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration) => TestActor.ExpectNoMsg(duration);

    /// <summary>Makes <see cref="TestActor"/> watch <paramref name="subject"/>.</summary>
    public IActorRef Watch(IActorRef subject) => TestActor.Watch(subject);

    /// <summary>
    /// Runs <paramref name="block"/>, which must finish within <paramref name="max"/>; expectations
    /// inside wait at most for what is left.
    /// </summary>
    public async Task WithinAsync(TimeSpan max, Func<Task> block)
    {
        ArgumentNullException.ThrowIfNull(block);
        DateTime? outer = WithinScope.Deadline;
        var watch = Stopwatch.StartNew();
        WithinScope.Deadline = DateTime.UtcNow + max;
        try
        {
            await block().ConfigureAwait(false);
        }
        finally
        {
            WithinScope.Deadline = outer;
        }

        if (watch.Elapsed > max)
        {
            throw new TestKitAssertionException($"The block took {watch.Elapsed.TotalMilliseconds:F0} ms, more than {max.TotalMilliseconds:F0} ms");
        }
    }

    /// <summary>Same as <see cref="WithinAsync"/>.</summary>
    public Task Within(TimeSpan max, Func<Task> block) => WithinAsync(max, block);

    /// <summary>Blocking form of <see cref="WithinAsync"/>.</summary>
    public void Within(TimeSpan max, Action block)
    {
        ArgumentNullException.ThrowIfNull(block);
        WithinAsync(max, () =>
        {
            block();
            return Task.CompletedTask;
        }).GetAwaiter().GetResult();
    }

    /// <summary>Retries <paramref name="assertion"/> every <paramref name="interval"/> until it passes or <paramref name="max"/> runs out.</summary>
    public async Task AwaitAssertAsync(Action assertion, TimeSpan? max = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        TimeSpan limit = WithinScope.Remaining(max ?? DefaultTimeout);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception ex)
            {
                // Any exception is the assertion failing; retried until the limit, then reported.
                if (watch.Elapsed >= limit)
                {
                    throw new TestKitAssertionException($"Assertion still failing after {limit.TotalMilliseconds:F0} ms", ex);
                }
            }

            await Task.Delay(interval ?? s_defaultInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Blocking form of <see cref="AwaitAssertAsync"/>.</summary>
    public void AwaitAssert(Action assertion, TimeSpan? max = null, TimeSpan? interval = null) =>
        AwaitAssertAsync(assertion, max, interval).GetAwaiter().GetResult();

    /// <summary>Waits until <paramref name="condition"/> holds, polling every <paramref name="interval"/>.</summary>
    public async Task AwaitConditionAsync(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan limit = WithinScope.Remaining(max ?? DefaultTimeout);
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed >= limit)
            {
                throw new TestKitAssertionException(message ?? $"Condition not met within {limit.TotalMilliseconds:F0} ms");
            }

            await Task.Delay(interval ?? s_defaultInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Shuts the system down (coordinated shutdown) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Blocking form of <see cref="DisposeAsync"/> for frameworks that only call Dispose.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Shuts the system down; override to release more, calling the base.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Sys.TerminateAsync("test finished").ConfigureAwait(false);
    }

    /// <summary>Blocking shutdown; sync-over-async is acceptable here, in test code only.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsyncCore().AsTask().GetAwaiter().GetResult();
        }
    }
}
