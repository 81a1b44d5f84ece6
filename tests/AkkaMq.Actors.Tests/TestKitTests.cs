namespace AkkaMq.Actors.Tests;

public sealed class TestKitTests : ActorTestKit
{
    [Fact]
    public void VirtualTimeProvider_FiresDueTimersInDueOrder_TiesInCreationOrder_WithTheClockAtEachDueTime()
    {
        var time = new VirtualTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        var fired = new List<(string, TimeSpan)>();
        using ITimer late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using ITimer early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using ITimer never = time.CreateTimer(_ => fired.Add(("never", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(
            [("early", TimeSpan.FromSeconds(1)), ("early", TimeSpan.FromSeconds(2)), ("late", TimeSpan.FromSeconds(3)), ("early", TimeSpan.FromSeconds(3))],
            fired);
        Assert.Equal(TimeSpan.FromSeconds(3), time.Elapsed);
    }

    [Fact]
    public async Task ExpectMsg_FailsWithTestKitAssertion_OnTimeoutAndOnWrongType()
    {
        await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync<string>(TimeSpan.FromMilliseconds(50)));
        TestActor.Tell(42);
        var ex = await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectMsgAsync<string>());
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectNoMsg_Fails_WhenAMessageArrives()
    {
        TestActor.Tell("surprise");
        await Assert.ThrowsAsync<TestKitAssertionException>(() => ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task Within_Fails_WhenTheBlockTakesTooLong_AndShortensExpectations()
    {
        await Assert.ThrowsAsync<TestKitAssertionException>(() => WithinAsync(TimeSpan.FromMilliseconds(50), () => Task.Delay(200)));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            WithinAsync(TimeSpan.FromMilliseconds(200), () => ExpectMsgAsync<string>(TimeSpan.FromSeconds(10))));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Within_Sync_PassesAFastBlock_AndFailsASlowOne()
    {
        TestActor.Tell("quick");
        Within(TimeSpan.FromSeconds(2), () => Assert.Equal("quick", ExpectMsg<string>()));
        Assert.Throws<TestKitAssertionException>(() => Within(TimeSpan.FromMilliseconds(20), () => Thread.Sleep(100)));
    }

    [Fact]
    public async Task AwaitAssert_RetriesUntilTheAssertionPasses_OrReportsTheLastFailure()
    {
        int calls = 0;
        await AwaitAssertAsync(() => Assert.True(++calls >= 3), TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, calls);
        var ex = await Assert.ThrowsAsync<TestKitAssertionException>(() =>
            AwaitAssertAsync(() => throw new InvalidOperationException("never"), TimeSpan.FromMilliseconds(50)));
        Assert.Equal("never", ex.InnerException?.Message);
    }

    [Fact]
    public async Task Probe_ReplyGoesToTheLastSender()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef asker = Sys.ActorOf(ForwardActor.Props(TestActor), "asker");
        probe.Tell("question", asker);
        Assert.Equal("question", await probe.ExpectMsgAsync<string>());
        Assert.Same(asker, probe.LastSender);
        probe.Reply("answer");
        Assert.Equal("answer", await ExpectMsgAsync<string>());
        Assert.Same(probe, TestActor.LastSender);
    }
}
