namespace AkkaMq.Actors.Tests;

public sealed class TimerTests : ActorTestKit
{
    public TimerTests()
        : base(virtualTime: true)
    {
    }

    [Fact]
    public async Task SingleTimer_FiresOnceAfterTheDelay()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)), "timer");
        TestActor.Send(actor, new StartSingle(TimeSpan.FromSeconds(5)));
        Assert.Equal("started", await ExpectMsgAsync<string>());

        Time.Advance(TimeSpan.FromMilliseconds(4999));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("tick", await ExpectMsgAsync<string>());
        Time.Advance(TimeSpan.FromSeconds(60));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        TestActor.Send(actor, "active?");
        Assert.False(await ExpectMsgAsync<bool>());
    }

    [Fact]
    public async Task PeriodicTimer_FiresEveryInterval_UntilCancelled()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)), "timer");
        TestActor.Send(actor, new StartPeriodic(TimeSpan.FromSeconds(1)));
        Assert.Equal("started", await ExpectMsgAsync<string>());

        Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("tick", await ExpectMsgAsync<string>());
        Assert.Equal("tick", await ExpectMsgAsync<string>());
        Assert.Equal("tick", await ExpectMsgAsync<string>());
        TestActor.Send(actor, "active?");
        Assert.True(await ExpectMsgAsync<bool>());

        TestActor.Send(actor, "cancel");
        Assert.Equal("cancelled", await ExpectMsgAsync<string>());
        Time.Advance(TimeSpan.FromSeconds(10));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Timers_AreCancelled_WhenTheActorStops()
    {
        TestProbe deadLetters = CreateTestProbe();
        Sys.DeadLetters.Subscribe(deadLetters);
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)), "timer");
        TestActor.Send(actor, new StartPeriodic(TimeSpan.FromSeconds(1)));
        Assert.Equal("started", await ExpectMsgAsync<string>());
        Assert.Equal(1, Time.ActiveTimers);

        Watch(actor);
        Sys.Stop(actor);
        await TestActor.ExpectTerminatedAsync(actor);
        Assert.Equal(0, Time.ActiveTimers);
        Time.Advance(TimeSpan.FromSeconds(10));
        await deadLetters.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Scheduler_TellsOnce_AndRepeatedly_UntilCancelled()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(2), TestActor, "once");
        ICancelable repeated = Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TestActor, "again");

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("again", await ExpectMsgAsync<string>());
        Time.Advance(TimeSpan.FromSeconds(1));
        var both = new[] { await ExpectMsgAsync<string>(), await ExpectMsgAsync<string>() };
        Assert.Equal(["again", "once"], both.Order());

        repeated.Cancel();
        Assert.True(repeated.IsCancellationRequested);
        Time.Advance(TimeSpan.FromSeconds(5));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    private sealed record StartSingle(TimeSpan Delay);

    private sealed record StartPeriodic(TimeSpan Interval);

    private sealed class TimerActor : ReceiveActor
    {
        public TimerActor(IActorRef probe)
        {
            Receive<StartSingle>(m =>
            {
                Timers.StartSingleTimer("key", "tick", m.Delay);
                Sender.Tell("started");
            });
            Receive<StartPeriodic>(m =>
            {
                Timers.StartPeriodicTimer("key", "tick", m.Interval);
                Sender.Tell("started");
            });
            Receive<string>(s => s == "tick", s => probe.Tell(s));
            Receive<string>(s => s == "active?", _ => Sender.Tell(Timers.IsTimerActive("key")));
            Receive<string>(s => s == "cancel", _ =>
            {
                Timers.Cancel("key");
                Sender.Tell("cancelled");
            });
        }
    }
}
