namespace AkkaMq.Actors.Tests;

public sealed class DeathWatchTests : ActorTestKit
{
    [Fact]
    public async Task Watch_DeliversTerminated_WhenTheActorStops()
    {
        IActorRef actor = Sys.ActorOf(SilentActor.Props(), "doomed");
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        Terminated terminated = await ExpectMsgAsync<Terminated>();
        Assert.Same(actor, terminated.ActorRef);
    }

    [Fact]
    public async Task ContextWatch_DeliversTerminatedToTheActorsBehaviour()
    {
        IActorRef subject = Sys.ActorOf(SilentActor.Props(), "subject");
        IActorRef watcher = Sys.ActorOf(Props.Create(() => new WatcherActor(subject, TestActor)), "watcher");
        Assert.Equal("watching", await ExpectMsgAsync<string>());
        Sys.Stop(subject);
        Assert.Same(subject, (await ExpectMsgAsync<Terminated>()).ActorRef);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
        Assert.NotNull(watcher);
    }

    [Fact]
    public async Task Unwatch_PreventsTerminated()
    {
        IActorRef subject = Sys.ActorOf(SilentActor.Props(), "subject");
        IActorRef watcher = Sys.ActorOf(Props.Create(() => new WatcherActor(subject, TestActor)), "watcher");
        Assert.Equal("watching", await ExpectMsgAsync<string>());
        watcher.Tell("unwatch");
        Assert.Equal("unwatched", await ExpectMsgAsync<string>());
        Sys.Stop(subject);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Watch_OfAnAlreadyStoppedActor_DeliversTerminatedAtOnce()
    {
        IActorRef actor = Sys.ActorOf(SilentActor.Props(), "gone");
        TestProbe first = CreateTestProbe();
        first.Watch(actor);
        Sys.Stop(actor);
        await first.ExpectTerminatedAsync(actor);
        Watch(actor);
        await TestActor.ExpectTerminatedAsync(actor);
    }

    [Fact]
    public async Task MessagesToAStoppedActor_ArePublishedAsDeadLetters_WithSenderAndRecipient()
    {
        TestProbe deadLetters = CreateTestProbe();
        TestProbe sender = CreateTestProbe();
        Sys.DeadLetters.Subscribe(deadLetters);
        IActorRef actor = Sys.ActorOf(SilentActor.Props(), "stopped");
        Watch(actor);
        Sys.Stop(actor);
        await TestActor.ExpectTerminatedAsync(actor);

        actor.Tell("late", sender);
        DeadLetter letter = await deadLetters.ExpectMsgAsync<DeadLetter>();
        Assert.Equal("late", letter.Message);
        Assert.Same(sender, letter.Sender);
        Assert.Same(actor, letter.Recipient);
        Assert.True(Sys.DeadLetters.Count >= 1);
    }

    [Fact]
    public async Task Children_HaveUniqueNames_AndHierarchicalPaths()
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        IActorRef broker = Sys.ActorOf(StopRecorderActor.Props("broker", log, ["store"]), "broker");
        Assert.Equal("akkamq://test/user/broker", broker.Path.ToString());
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(SilentActor.Props(), "broker"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(SilentActor.Props(), "a/b"));

        IActorRef inspector = Sys.ActorOf(Props.Create(() => new ChildLookupActor()), "inspector");
        TestActor.Send(inspector, broker);
        Assert.Equal("akkamq://test/user/inspector/probe", (await ExpectMsgAsync<ActorPath>()).ToString());

        Watch(broker);
        Sys.Stop(broker);
        await TestActor.ExpectTerminatedAsync(broker);
        Assert.Equal(["PostStop broker/store", "PostStop broker"], log.ToArray());
        await AwaitAssertAsync(() => Sys.ActorOf(SilentActor.Props(), "broker"));
    }

    private sealed class ChildLookupActor : ReceiveActor
    {
        public ChildLookupActor()
        {
            Receive<IActorRef>(_ =>
            {
                IActorRef child = Context.ActorOf(SilentActor.Props(), "probe");
                Sender.Tell(Context.Child("probe") == child && Context.Children.Count == 1 ? child.Path : Self.Path);
            });
        }
    }

    private sealed class WatcherActor : ReceiveActor
    {
        public WatcherActor(IActorRef subject, IActorRef probe)
        {
            Context.Watch(subject);
            probe.Tell("watching");
            Receive<Terminated>(t => probe.Tell(t));
            Receive<string>(s => s == "unwatch", _ =>
            {
                Context.Unwatch(subject);
                probe.Tell("unwatched");
            });
        }
    }
}
