namespace AkkaMq.Actors.Tests;

public sealed class BehaviourTests : ActorTestKit
{
    [Fact]
    public async Task Become_ReplacesTheBehaviour_AndBecomeStackedCanBeUndone()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new MoodActor()), "mood");
        TestActor.Send(actor, "state");
        Assert.Equal("happy", await ExpectMsgAsync<string>());
        TestActor.Send(actor, "sad");
        TestActor.Send(actor, "state");
        Assert.Equal("sad", await ExpectMsgAsync<string>());
        TestActor.Send(actor, "angry");
        TestActor.Send(actor, "state");
        Assert.Equal("angry", await ExpectMsgAsync<string>());
        TestActor.Send(actor, "calm");
        TestActor.Send(actor, "state");
        Assert.Equal("sad", await ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task Receive_WithPredicate_FallsThroughToTheNextHandler()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new ParityActor()), "parity");
        TestActor.Send(actor, 2);
        TestActor.Send(actor, 3);
        TestActor.Send(actor, "x");
        Assert.Equal("even 2", await ExpectMsgAsync<string>());
        Assert.Equal("odd 3", await ExpectMsgAsync<string>());
        Assert.Equal("any x", await ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task UnstashAll_ReplaysStashedMessagesInOrder_BeforeLaterOnes()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new GateActor(TestActor)), "gate");
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell(Open.Instance);
        actor.Tell("c");
        Assert.Equal("a", await ExpectMsgAsync<string>());
        Assert.Equal("b", await ExpectMsgAsync<string>());
        Assert.Equal("c", await ExpectMsgAsync<string>());
    }

    private sealed record Open
    {
        public static Open Instance { get; } = new();
    }

    private sealed class GateActor : ReceiveActor
    {
        public GateActor(IActorRef probe)
        {
            Receive<string>(_ => Stash.Stash());
            Receive<Open>(_ =>
            {
                Become(() => Receive<string>(s => probe.Tell(s)));
                Stash.UnstashAll();
            });
        }
    }

    private sealed class ParityActor : ReceiveActor
    {
        public ParityActor()
        {
            Receive<int>(i => i % 2 == 0, i => Sender.Tell("even " + i));
            Receive<int>(i => Sender.Tell("odd " + i));
            ReceiveAny(m => Sender.Tell("any " + m));
        }
    }

    private sealed class MoodActor : ReceiveActor
    {
        public MoodActor() => Happy();

        private void Happy()
        {
            Receive<string>(s => s == "state", _ => Sender.Tell("happy"));
            Receive<string>(s => s == "sad", _ => Become(Sad));
        }

        private void Sad()
        {
            Receive<string>(s => s == "state", _ => Sender.Tell("sad"));
            Receive<string>(s => s == "angry", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "state", _ => Sender.Tell("angry"));
                Receive<string>(s => s == "calm", _ => UnbecomeStacked());
            }));
        }
    }
}
