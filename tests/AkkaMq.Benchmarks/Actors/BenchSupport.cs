using System.Threading.Channels;
using AkkaMq.Actors;

namespace AkkaMq.Benchmarks.Actors;

/// <summary>The one message instance every benchmark sends, so neither side pays for allocating it.</summary>
public sealed record Ping
{
    public static Ping Instance { get; } = new();
}

/// <summary>Counts messages down to zero and then completes <see cref="Done"/>. Reset before each run.</summary>
public sealed class Countdown
{
    private int _remaining;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    public void Reset(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _remaining = count;
    }

    /// <summary>Called by exactly one consumer (actor or channel loop) at a time.</summary>
    public void Signal()
    {
        if (--_remaining == 0)
        {
            _done.SetResult();
        }
    }
}

/// <summary>Counts the messages it receives.</summary>
public sealed class CountingActor : ReceiveActor
{
    public CountingActor(Countdown countdown) => Receive<Ping>(_ => countdown.Signal());

    public static Props Props(Countdown countdown) => AkkaMq.Actors.Props.Create(() => new CountingActor(countdown));
}

/// <summary>The raw-channel baseline consumer: one reader loop, as an actor's mailbox has.</summary>
public static class ChannelConsumer
{
    public static async Task CountAsync(ChannelReader<object> reader, Countdown countdown)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out object? message))
            {
                if (message is Ping)
                {
                    countdown.Signal();
                }
            }
        }
    }
}
