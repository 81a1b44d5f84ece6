namespace AkkaMq.Actors.Tests;

public sealed class SupervisionTests : ActorTestKit
{
    public SupervisionTests()
        : base(virtualTime: true)
    {
    }

    [Fact]
    public async Task Resume_KeepsTheInstanceAndItsState()
    {
        IActorRef child = await StartChildAsync(_ => Directive.Resume);
        child.Tell("inc");
        child.Tell("inc");
        child.Tell("fail");
        TestActor.Send(child, "get");
        Assert.Equal(2, await ExpectMsgAsync<int>());
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Restart_ResetsState_AndRunsTheHooksInOrder()
    {
        IActorRef child = await StartChildAsync(_ => Directive.Restart);
        child.Tell("inc");
        child.Tell("fail");
        Assert.Equal("PreRestart: boom after fail", await ExpectMsgAsync<string>());
        Assert.Equal("PostStop", await ExpectMsgAsync<string>());
        Assert.Equal("PostRestart: boom", await ExpectMsgAsync<string>());
        Assert.Equal("PreStart", await ExpectMsgAsync<string>());
        TestActor.Send(child, "get");
        Assert.Equal(0, await ExpectMsgAsync<int>());
    }

    [Fact]
    public async Task Stop_StopsTheChild()
    {
        IActorRef child = await StartChildAsync(_ => Directive.Stop);
        TestProbe watcher = CreateTestProbe();
        watcher.Watch(child);
        child.Tell("fail");
        Assert.Equal("PostStop", await ExpectMsgAsync<string>());
        await watcher.ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Escalate_FailsTheParent_WithTheChildsException()
    {
        TestProbe decisions = CreateTestProbe();
        IActorRef top = Sys.ActorOf(Props.Create(() => new SupervisorActor(TestActor, ex =>
        {
            decisions.Tell(ex.Message);
            return Directive.Stop;
        })), "top");
        top.Tell(Props.Create(() => new SupervisorActor(TestActor, _ => Directive.Escalate)));
        var middle = await ExpectMsgAsync<IActorRef>();
        middle.Tell(Props.Create(() => new CounterActor(TestActor)));
        var child = await ExpectMsgAsync<IActorRef>();
        Assert.Equal("PreStart", await ExpectMsgAsync<string>());
        Watch(middle);

        child.Tell("fail");
        Assert.Equal("boom", await decisions.ExpectMsgAsync<string>());
        Assert.Equal("PostStop", await ExpectMsgAsync<string>());
        await TestActor.ExpectTerminatedAsync(middle);
    }

    [Fact]
    public async Task Restart_WithBackoff_WaitsLongerAfterEachConsecutiveFailure()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 2.0);
        IActorRef child = await StartChildAsync(_ => Directive.Restart, backoff);

        child.Tell("fail");
        await ExpectRestartAfterAsync(TimeSpan.FromSeconds(1));
        child.Tell("fail");
        await ExpectRestartAfterAsync(TimeSpan.FromSeconds(2));
        child.Tell("fail");
        await ExpectRestartAfterAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), backoff.DelayFor(10));
    }

    [Fact]
    public async Task DefaultStrategy_RestartsTheChild_AndLogsTheExceptionWithThePath()
    {
        var logs = new CapturingLoggerFactory();
        await using var kit = new ActorTestKit(loggerFactory: logs);
        IActorRef child = kit.Sys.ActorOf(Props.Create(() => new CounterActor(kit.TestActor)), "counter");
        Assert.Equal("PreStart", await kit.ExpectMsgAsync<string>());
        child.Tell("inc");
        child.Tell("fail");
        Assert.Equal("PreRestart: boom after fail", await kit.ExpectMsgAsync<string>());
        await kit.AwaitConditionAsync(() => logs.Entries.Any(e =>
            e.Exception?.Message == "boom" && e.Message.Contains("akkamq://test/user/counter", StringComparison.Ordinal)));
        kit.TestActor.Send(child, "get");
        Assert.Equal(0, await kit.TestActor.FishForMessageAsync<int>(_ => true));
    }

    [Fact]
    public async Task Kill_StopsTheActor_UnderTheDefaultStrategy()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new CounterActor(TestActor)), "victim");
        Assert.Equal("PreStart", await ExpectMsgAsync<string>());
        Watch(actor);
        actor.Tell(Kill.Instance);
        Assert.Equal("PostStop", await ExpectMsgAsync<string>());
        await TestActor.ExpectTerminatedAsync(actor);
    }

    private async Task ExpectRestartAfterAsync(TimeSpan delay)
    {
        // The failed instance stays suspended (messages wait in the mailbox) until the delay has passed.
        await AwaitConditionAsync(() => Time.ActiveTimers == 1);
        Time.Advance(delay - TimeSpan.FromMilliseconds(1));
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.StartsWith("PreRestart", await ExpectMsgAsync<string>(), StringComparison.Ordinal);
        Assert.Equal("PostStop", await ExpectMsgAsync<string>());
        Assert.StartsWith("PostRestart", await ExpectMsgAsync<string>(), StringComparison.Ordinal);
        Assert.Equal("PreStart", await ExpectMsgAsync<string>());
    }

    private async Task<IActorRef> StartChildAsync(Func<Exception, Directive> decider, RestartBackoff? backoff = null)
    {
        IActorRef parent = Sys.ActorOf(Props.Create(() => new SupervisorActor(TestActor, decider, backoff)), "parent");
        parent.Tell(Props.Create(() => new CounterActor(TestActor)));
        var child = await ExpectMsgAsync<IActorRef>();
        Assert.Equal("PreStart", await ExpectMsgAsync<string>());
        return child;
    }

    private sealed class SupervisorActor : ReceiveActor
    {
        private readonly SupervisorStrategy _strategy;

        public SupervisorActor(IActorRef probe, Func<Exception, Directive> decider, RestartBackoff? backoff = null)
        {
            _strategy = new OneForOneStrategy(decider, "test decides", backoff);
            Receive<Props>(props => probe.Tell(Context.ActorOf(props, "child")));
        }

        protected override SupervisorStrategy SupervisorStrategy() => _strategy;
    }

    private sealed class CounterActor : ReceiveActor
    {
        private readonly IActorRef _probe;
        private int _count;

        public CounterActor(IActorRef probe)
        {
            _probe = probe;
            Receive<string>(s => s == "inc", _ => _count++);
            Receive<string>(s => s == "get", _ => Sender.Tell(_count));
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("boom"));
        }

        protected override void PreStart() => _probe.Tell("PreStart");

        protected override void PostStop() => _probe.Tell("PostStop");

        protected override void PreRestart(Exception reason, object? message)
        {
            _probe.Tell($"PreRestart: {reason.Message} after {message}");
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell("PostRestart: " + reason.Message);
            base.PostRestart(reason);
        }
    }
}
