namespace AkkaMq.Actors.Tests;

public sealed class AskTests : ActorTestKit
{
    [Fact]
    public async Task Ask_CompletesWithTheReply()
    {
        IActorRef actor = Sys.ActorOf(ReplyActor.Props(m => "echo:" + m), "echo");
        Assert.Equal("echo:hi", await actor.Ask<string>("hi", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Ask_FailsWithAskTimeout_NamingThePathAndTheMessageType()
    {
        IActorRef actor = Sys.ActorOf(SilentActor.Props(), "silent");
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => actor.Ask<string>(new Ping(), TimeSpan.FromMilliseconds(100)));
        Assert.Contains("akkamq://test/user/silent", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(Ping), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_FailsWithTheCause_OfAStatusFailureReply()
    {
        IActorRef actor = Sys.ActorOf(ReplyActor.Props(_ => new Status.Failure(new InvalidOperationException("refused"))), "fails");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => actor.Ask<string>("x", TimeSpan.FromSeconds(3)));
        Assert.Equal("refused", ex.Message);
    }

    [Fact]
    public async Task Ask_Fails_WhenTheReplyHasTheWrongType()
    {
        IActorRef actor = Sys.ActorOf(ReplyActor.Props(_ => 42), "number");
        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => actor.Ask<string>("x", TimeSpan.FromSeconds(3)));
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_TimesOutOnTheSystemClock_UnderVirtualTime()
    {
        await using var kit = new ActorTestKit(virtualTime: true);
        IActorRef actor = kit.Sys.ActorOf(SilentActor.Props(), "silent");
        Task<string> ask = actor.Ask<string>("x", TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        Assert.False(ask.IsCompleted);
        kit.Time.Advance(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
    }

    private sealed record Ping;
}
