using System.Threading.Channels;
using AkkaMq.Actors;
using BenchmarkDotNet.Attributes;

namespace AkkaMq.Benchmarks.Actors;

/// <summary>
/// Two actors bouncing one message (a round trip per operation), against two channel loops
/// doing the same. Measures hand-off latency between two mailboxes, not throughput.
/// </summary>
[MemoryDiagnoser]
public class PingPongBenchmarks
{
    private const int RoundTrips = 20_000;
    private readonly Countdown _kernelCount = new();
    private readonly Countdown _channelCount = new();
    private ActorSystem _system = null!;
    private IActorRef _ping = null!;
    private IActorRef _pong = null!;
    private Channel<object> _toPing = null!;
    private Channel<object> _toPong = null!;
    private Task[] _loops = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _pong = _system.ActorOf(Props.Create(() => new PongActor()), "pong");
        _ping = _system.ActorOf(Props.Create(() => new PingActor(_kernelCount)), "ping");
        _toPing = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        _toPong = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        _loops = [PingLoopAsync(), PongLoopAsync()];
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _toPing.Writer.Complete();
        _toPong.Writer.Complete();
        await Task.WhenAll(_loops);
        await _system.TerminateAsync("benchmark done");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips)]
    public Task RawChannel()
    {
        _channelCount.Reset(RoundTrips);
        _toPong.Writer.TryWrite(Ping.Instance);
        return _channelCount.Done;
    }

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public Task ActorPingPong()
    {
        _kernelCount.Reset(RoundTrips);
        _pong.Tell(Ping.Instance, _ping);
        return _kernelCount.Done;
    }

    private async Task PingLoopAsync()
    {
        ChannelReader<object> reader = _toPing.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out object? message))
            {
                if (!_channelCount.Done.IsCompleted)
                {
                    _channelCount.Signal();
                    if (!_channelCount.Done.IsCompleted)
                    {
                        _toPong.Writer.TryWrite(message);
                    }
                }
            }
        }
    }

    private async Task PongLoopAsync()
    {
        ChannelReader<object> reader = _toPong.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out object? message))
            {
                _toPing.Writer.TryWrite(message);
            }
        }
    }

    private sealed class PingActor : ReceiveActor
    {
        public PingActor(Countdown countdown)
        {
            Receive<Ping>(ping =>
            {
                countdown.Signal();
                if (!countdown.Done.IsCompleted)
                {
                    Sender.Tell(ping, Self);
                }
            });
        }
    }

    private sealed class PongActor : ReceiveActor
    {
        public PongActor() => Receive<Ping>(ping => Sender.Tell(ping, Self));
    }
}
