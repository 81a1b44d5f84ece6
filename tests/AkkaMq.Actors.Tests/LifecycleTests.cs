namespace AkkaMq.Actors.Tests;

public sealed class LifecycleTests : ActorTestKit
{
    [Fact]
    public async Task FactoryThatThrows_StopsTheActor_UnderTheDefaultStrategy()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<SilentActor>(() => throw new InvalidOperationException("no config")), "broken");
        Watch(actor);
        await TestActor.ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task FaultedAsyncHandler_IsSupervised_AndRestartResetsState()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new AsyncFailingActor()), "async-fail");
        actor.Tell("inc");
        actor.Tell("fail");
        TestActor.Send(actor, "get");
        Assert.Equal(0, await ExpectMsgAsync<int>());
    }

    [Fact]
    public async Task Restart_WaitsForChildrenToStop_SoTheNewInstanceCanReuseTheirNames()
    {
        IActorRef parent = Sys.ActorOf(Props.Create(() => new ParentActor(TestActor)), "broker");
        Assert.Equal("PreStart akkamq://test/user/broker/store", await ExpectMsgAsync<string>());
        parent.Tell("fail");
        Assert.Equal("PostStop akkamq://test/user/broker/store", await ExpectMsgAsync<string>());
        Assert.Equal("PreStart akkamq://test/user/broker/store", await ExpectMsgAsync<string>());
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task PoisonPill_LetsEarlierMessagesThrough_AndLaterOnesBecomeDeadLetters()
    {
        TestProbe deadLetters = CreateTestProbe();
        Sys.DeadLetters.Subscribe(deadLetters);
        IActorRef actor = Sys.ActorOf(ForwardActor.Props(TestActor), "pill");
        actor.Tell("before");
        actor.Tell(PoisonPill.Instance);
        actor.Tell("after");
        Assert.Equal("before", await ExpectMsgAsync<string>());
        Assert.Equal("after", (await deadLetters.ExpectMsgAsync<DeadLetter>()).Message);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task ReplyToNoSender_GoesToDeadLetters()
    {
        TestProbe deadLetters = CreateTestProbe();
        Sys.DeadLetters.Subscribe(deadLetters);
        IActorRef actor = Sys.ActorOf(ReplyActor.Props(m => "re:" + m), "replier");
        actor.Tell("hello", IActorRef.NoSender);
        DeadLetter letter = await deadLetters.ExpectMsgAsync<DeadLetter>();
        Assert.Equal("re:hello", letter.Message);
        Assert.Same(actor, letter.Sender);
    }

    [Fact]
    public void Actor_CannotBeCreatedWithNew()
    {
        Assert.Throws<InvalidOperationException>(() => new SilentActor());
    }

    private sealed class AsyncFailingActor : ReceiveActor
    {
        private int _count;

        public AsyncFailingActor()
        {
            Receive<string>(s => s == "inc", _ => _count++);
            Receive<string>(s => s == "get", _ => Sender.Tell(_count));
            ReceiveAsync<string>(
                async _ =>
                {
                    await Task.Yield();
                    throw new InvalidOperationException("async boom");
                },
                s => s == "fail");
        }
    }

    private sealed class ParentActor : ReceiveActor
    {
        public ParentActor(IActorRef probe)
        {
            Context.ActorOf(Props.Create(() => new HookActor(probe)), "store");
            Receive<string>(_ => throw new InvalidOperationException("parent boom"));
        }
    }

    private sealed class HookActor(IActorRef probe) : ReceiveActor
    {
        protected override void PreStart() => probe.Tell("PreStart " + Self.Path);

        protected override void PostStop() => probe.Tell("PostStop " + Self.Path);
    }
}
