using System.Threading.Channels;
using AkkaMq.Actors;
using BenchmarkDotNet.Attributes;

namespace AkkaMq.Benchmarks.Actors;

/// <summary>Four senders on their own threads telling one actor (the store's shape), against four writers on one channel.</summary>
[MemoryDiagnoser]
public class FanInBenchmarks
{
    private const int Senders = 4;
    private const int MessagesPerSender = 25_000;
    private const int Messages = Senders * MessagesPerSender;
    private readonly Countdown _kernelCount = new();
    private readonly Countdown _channelCount = new();
    private readonly Task[] _senders = new Task[Senders];
    private ActorSystem _system = null!;
    private IActorRef _actor = null!;
    private Channel<object> _channel = null!;
    private Task _consumer = null!;
    private Action _tellLoop = null!;
    private Action _writeLoop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _actor = _system.ActorOf(CountingActor.Props(_kernelCount), "counter");
        _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        _consumer = ChannelConsumer.CountAsync(_channel.Reader, _channelCount);
        _tellLoop = TellLoop;
        _writeLoop = WriteLoop;
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
        return RunSendersAsync(_writeLoop, _channelCount);
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task ActorTell()
    {
        _kernelCount.Reset(Messages);
        return RunSendersAsync(_tellLoop, _kernelCount);
    }

    private async Task RunSendersAsync(Action loop, Countdown countdown)
    {
        for (int i = 0; i < Senders; i++)
        {
            _senders[i] = Task.Run(loop);
        }

        await Task.WhenAll(_senders);
        await countdown.Done;
    }

    private void TellLoop()
    {
        IActorRef actor = _actor;
        for (int i = 0; i < MessagesPerSender; i++)
        {
            actor.Tell(Ping.Instance);
        }
    }

    private void WriteLoop()
    {
        ChannelWriter<object> writer = _channel.Writer;
        for (int i = 0; i < MessagesPerSender; i++)
        {
            writer.TryWrite(Ping.Instance);
        }
    }
}
