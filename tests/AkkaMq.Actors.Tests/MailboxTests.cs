namespace AkkaMq.Actors.Tests;

public sealed class MailboxTests : ActorTestKit
{
    [Fact]
    public async Task Tell_DeliversMessagesFromOneSenderInOrder()
    {
        IActorRef actor = Sys.ActorOf(ForwardActor.Props(TestActor), "forward");
        for (int i = 0; i < 2000; i++)
        {
            actor.Tell(i);
        }

        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(i, await ExpectMsgAsync<int>());
        }
    }

    [Fact]
    public async Task ReceiveAsync_ProcessesOneMessageAtATime_UntilTheHandlerTaskCompletes()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new ConcurrencyProbeActor(TestActor)), "async");
        for (int i = 0; i < 50; i++)
        {
            actor.Tell(i);
        }

        actor.Tell("report");
        var (maxInFlight, order) = await ExpectMsgAsync<(int, int[])>();
        Assert.Equal(1, maxInFlight);
        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public async Task ReceiveBatch_DrainsAllQueuedMessagesOfTheType_StoppingAtAnotherType()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef actor = Sys.ActorOf(Props.Create(() => new BatchActor(TestActor)), "batch");
        actor.Tell(gate.Task);
        await ExpectMsgAsync<string>(s => s == "blocked");
        for (int i = 0; i < 10; i++)
        {
            actor.Tell(new Append(i));
        }

        actor.Tell("other");
        actor.Tell(new Append(10));
        gate.SetResult();

        Assert.Equal(Enumerable.Range(0, 10), await ExpectMsgAsync<int[]>());
        Assert.Equal("other", await ExpectMsgAsync<string>());
        Assert.Equal(new[] { 10 }, await ExpectMsgAsync<int[]>());
    }

    [Fact]
    public async Task BoundedMailbox_TellAsyncWaitsForRoom_AndTellToAFullMailboxIsADeadLetter()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TestProbe deadLetters = CreateTestProbe();
        Sys.DeadLetters.Subscribe(deadLetters);
        IActorRef actor = Sys.ActorOf(Props.Create(() => new BatchActor(TestActor)).WithBoundedMailbox(2), "bounded");
        actor.Tell(gate.Task);
        await ExpectMsgAsync<string>(s => s == "blocked");

        Assert.True(actor.TellAsync("m1").IsCompleted);
        Assert.True(actor.TellAsync("m2").IsCompleted);
        Task third = actor.TellAsync("m3").AsTask();
        actor.Tell("dropped");
        Assert.Equal("dropped", (await deadLetters.ExpectMsgAsync<DeadLetter>()).Message);
        await Task.Delay(100);
        Assert.False(third.IsCompleted);

        gate.SetResult();
        await third.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("m1", await ExpectMsgAsync<string>());
        Assert.Equal("m2", await ExpectMsgAsync<string>());
        Assert.Equal("m3", await ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task PingPong_ManyRoundTrips_NeverLosesAWakeUp()
    {
        // Stresses the hand-off between "mailbox empty, release the loop" and "message arrives":
        // a lost wake-up there leaves a message in a mailbox nobody processes and this times out.
        const int RoundTrips = 300_000;
        IActorRef pong = Sys.ActorOf(ReplyActor.Props(m => m), "pong");
        IActorRef ping = Sys.ActorOf(Props.Create(() => new BouncerActor(RoundTrips, TestActor)), "ping");
        pong.Tell(0, ping);
        Assert.Equal(RoundTrips, await ExpectMsgAsync<int>(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task FanIn_FromManyThreads_DeliversEveryMessage()
    {
        const int Senders = 4;
        const int PerSender = 100_000;
        IActorRef counter = Sys.ActorOf(Props.Create(() => new CountingActor(Senders * PerSender, TestActor)), "counter");
        var senders = new Task[Senders];
        for (int s = 0; s < Senders; s++)
        {
            senders[s] = Task.Run(() =>
            {
                for (int i = 0; i < PerSender; i++)
                {
                    counter.Tell(i);
                }
            });
        }

        await Task.WhenAll(senders);
        Assert.Equal(Senders * PerSender, await ExpectMsgAsync<int>(TimeSpan.FromSeconds(20)));
    }

    private sealed record Append(int Value);

    private sealed class BouncerActor : ReceiveActor
    {
        private int _count;

        public BouncerActor(int roundTrips, IActorRef probe)
        {
            Receive<int>(_ =>
            {
                if (++_count == roundTrips)
                {
                    probe.Tell(_count);
                }
                else
                {
                    Sender.Tell(_count, Self);
                }
            });
        }
    }

    private sealed class CountingActor : ReceiveActor
    {
        private int _count;

        public CountingActor(int expected, IActorRef probe)
        {
            Receive<int>(_ =>
            {
                if (++_count == expected)
                {
                    probe.Tell(_count);
                }
            });
        }
    }

    private sealed class BatchActor : ReceiveActor
    {
        public BatchActor(IActorRef probe)
        {
            ReceiveAsync<Task>(async gate =>
            {
                probe.Tell("blocked");
                await gate;
            });
            ReceiveBatch<Append>(batch =>
            {
                var values = new int[batch.Count];
                for (int i = 0; i < batch.Count; i++)
                {
                    values[i] = batch[i].Value;
                }

                probe.Tell(values);
                return Task.CompletedTask;
            });
            Receive<string>(s => probe.Tell(s));
        }
    }

    private sealed class ConcurrencyProbeActor : ReceiveActor
    {
        private readonly List<int> _order = [];
        private int _inFlight;
        private int _maxInFlight;

        public ConcurrencyProbeActor(IActorRef probe)
        {
            ReceiveAsync<int>(async i =>
            {
                int now = Interlocked.Increment(ref _inFlight);
                _maxInFlight = Math.Max(_maxInFlight, now);
                await Task.Delay(1);
                _order.Add(i);
                Interlocked.Decrement(ref _inFlight);
            });
            Receive<string>(_ => probe.Tell((_maxInFlight, _order.ToArray())));
        }
    }
}
