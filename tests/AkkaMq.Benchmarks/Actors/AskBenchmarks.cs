using System.Threading.Channels;
using AkkaMq.Actors;
using BenchmarkDotNet.Attributes;

namespace AkkaMq.Benchmarks.Actors;

/// <summary>
/// Sequential request-reply latency: Ask against a channel request carrying a
/// TaskCompletionSource, both waiting with the same timeout mechanism.
/// </summary>
[MemoryDiagnoser]
public class AskBenchmarks
{
    private const int Requests = 1_000;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);
    private ActorSystem _system = null!;
    private IActorRef _actor = null!;
    private Channel<TaskCompletionSource<object>> _requests = null!;
    private Task _responder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _actor = _system.ActorOf(Props.Create(() => new EchoActor()), "echo");
        _requests = Channel.CreateUnbounded<TaskCompletionSource<object>>(new UnboundedChannelOptions { SingleReader = true });
        _responder = RespondAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _requests.Writer.Complete();
        await _responder;
        await _system.TerminateAsync("benchmark done");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public async Task RawChannel()
    {
        for (int i = 0; i < Requests; i++)
        {
            var reply = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            _requests.Writer.TryWrite(reply);
            await reply.Task.WaitAsync(s_timeout).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Requests)]
    public async Task ActorAsk()
    {
        for (int i = 0; i < Requests; i++)
        {
            await _actor.Ask<Ping>(Ping.Instance, s_timeout).ConfigureAwait(false);
        }
    }

    private async Task RespondAsync()
    {
        ChannelReader<TaskCompletionSource<object>> reader = _requests.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out TaskCompletionSource<object>? reply))
            {
                reply.TrySetResult(Ping.Instance);
            }
        }
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => Receive<Ping>(ping => Sender.Tell(ping, Self));
    }
}
