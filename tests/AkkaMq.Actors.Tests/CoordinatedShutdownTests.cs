using System.Collections.Concurrent;

namespace AkkaMq.Actors.Tests;

public sealed class CoordinatedShutdownTests
{
    [Fact]
    public async Task RunAsync_RunsPhasesInOrder_StoppingChildrenBeforeParents()
    {
        var log = new ConcurrentQueue<string>();
        await using var kit = new ActorTestKit();
        kit.Sys.ActorOf(StopRecorderActor.Props("broker", log, ["store", "offsets"]), "broker");
        kit.Sys.ActorOf(StopRecorderActor.Props("gateway", log, []), "gateway");
        CoordinatedShutdown shutdown = kit.Sys.CoordinatedShutdown;
        shutdown.AddTask(ShutdownPhase.Flush, "flush", _ => Record(log, "Flush"));
        shutdown.AddTask(ShutdownPhase.StopActors, "before-actors", _ => Record(log, "StopActors task"));
        shutdown.AddTask(ShutdownPhase.Drain, "drain", async _ =>
        {
            await Task.Delay(20);
            log.Enqueue("Drain");
        });
        shutdown.AddTask(ShutdownPhase.StopAccepting, "close-listeners", _ => Record(log, "StopAccepting"));

        Task run = shutdown.RunAsync("test");
        Assert.Same(run, shutdown.RunAsync("again"));
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        string[] entries = log.ToArray();
        Assert.Equal(["StopAccepting", "Drain", "StopActors task"], entries[..3]);
        Assert.Equal("Flush", entries[^1]);
        string[] stops = entries[3..^1];
        Assert.Equal(5 - 1, stops.Length);
        Assert.True(Array.IndexOf(stops, "PostStop broker/store") < Array.IndexOf(stops, "PostStop broker"));
        Assert.True(Array.IndexOf(stops, "PostStop broker/offsets") < Array.IndexOf(stops, "PostStop broker"));
        Assert.Contains("PostStop gateway", stops);
        Assert.True(kit.Sys.WhenTerminated.IsCompletedSuccessfully);
        Assert.Equal("test", shutdown.Reason);
    }

    [Fact]
    public async Task RunAsync_ContinuesAfterAFailingTask_AndLogsIt()
    {
        var logs = new CapturingLoggerFactory();
        var log = new ConcurrentQueue<string>();
        await using var kit = new ActorTestKit(loggerFactory: logs);
        kit.Sys.CoordinatedShutdown.AddTask(ShutdownPhase.Drain, "broken", _ => throw new InvalidOperationException("drain failed"));
        kit.Sys.CoordinatedShutdown.AddTask(ShutdownPhase.Flush, "flush", _ => Record(log, "Flush"));

        await kit.Sys.CoordinatedShutdown.RunAsync("test").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["Flush"], log.ToArray());
        Assert.Contains(logs.Entries, e => e.Exception?.Message == "drain failed" && e.Message.Contains("broken", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => kit.Sys.CoordinatedShutdown.AddTask(ShutdownPhase.Flush, "late", _ => Task.CompletedTask));
    }

    [Fact]
    public async Task RunAsync_MovesOn_WhenAPhaseTimesOut()
    {
        await using var system = ActorSystem.Create("slow", new ActorSystemOptions { ShutdownPhaseTimeout = TimeSpan.FromMilliseconds(100) });
        var flushed = new TaskCompletionSource();
        system.CoordinatedShutdown.AddTask(ShutdownPhase.Drain, "hangs", token => Task.Delay(Timeout.Infinite, token));
        system.CoordinatedShutdown.AddTask(ShutdownPhase.Flush, "flush", _ =>
        {
            flushed.SetResult();
            return Task.CompletedTask;
        });

        await system.TerminateAsync("test").WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(flushed.Task.IsCompleted);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    private static Task Record(ConcurrentQueue<string> log, string entry)
    {
        log.Enqueue(entry);
        return Task.CompletedTask;
    }
}
