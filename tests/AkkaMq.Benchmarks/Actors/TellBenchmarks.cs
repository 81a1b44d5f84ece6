using System.Threading.Channels;
using AkkaMq.Actors;
using BenchmarkDotNet.Attributes;

namespace AkkaMq.Benchmarks.Actors;

/// <summary>One sender telling one actor, against one writer on a raw unbounded channel.</summary>
[MemoryDiagnoser]
public class TellBenchmarks
{
    private const int Messages = 100_000;
    private readonly Countdown _kernelCount = new();
    private readonly Countdown _channelCount = new();
    private ActorSystem _system = null!;
    private IActorRef _actor = null!;
    private Channel<object> _channel = null!;
    private Task _consumer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _actor = _system.ActorOf(CountingActor.Props(_kernelCount), "counter");
        _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        _consumer = ChannelConsumer.CountAsync(_channel.Reader, _channelCount);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _channel.Writer.Complete();
        await _consumer;
        await _system.TerminateAsync("benchmark done");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public Task RawChannel()
    {
        _channelCount.Reset(Messages);
        ChannelWriter<object> writer = _channel.Writer;
        for (int i = 0; i < Messages; i++)
        {
            writer.TryWrite(Ping.Instance);
        }

        return _channelCount.Done;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task ActorTell()
    {
        _kernelCount.Reset(Messages);
        for (int i = 0; i < Messages; i++)
        {
            _actor.Tell(Ping.Instance);
        }

        return _kernelCount.Done;
    }
}
