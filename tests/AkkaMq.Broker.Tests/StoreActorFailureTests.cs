using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests;

/// <summary>The store actor after a fatal disk error: every send is answered, none as stored, and shutdown flushes still get an answer.</summary>
public sealed class StoreActorFailureTests : TestKit, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly IPv4Endpoint Host = new(0x7F000001, 10911);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "akkamq-store-actor-failure-" + Guid.NewGuid().ToString("N"));

    void IDisposable.Dispose()
    {
        Shutdown();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(FlushMode.Async)]
    [InlineData(FlushMode.GroupCommit)]
    public async Task AfterADiskFault_SendsAreAnsweredAsFailed_AndAFlushRequestIsStillAnswered(FlushMode mode)
    {
        var device = new FaultableDevice();
        using var store = MessageStore.Open(new StoreSettings
        {
            Dir = _dir,
            CommitLogSegmentSize = 1 << 20,
            MaxMessageSize = 64 * 1024,
            FlushMode = mode,
            FlushInterval = TimeSpan.FromHours(1),
            DiskWatermarkRatio = 1.0,
            Device = device,
        });
        var actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));
        Assert.True((await SendAsync(actor, "before")).IsOk);

        device.FailWithIoError();
        // The first send after the fault meets it (its write fails): answered as failed, never as stored.
        var first = SendAsync(actor, "during");
        await Assert.ThrowsAnyAsync<IOException>(() => first);
        Assert.NotNull(store.FatalError);

        // Later sends are refused by the failed store, each with an answer.
        var later = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SendAsync(actor, "after" + i)));
        Assert.All(later, r => Assert.Equal(AppendStatus.StoreFailed, r.Status));
        await actor.Ask<StoreFlushed>(FlushStore.Instance, Timeout);
    }

    [Fact]
    public async Task AFlushThatMeetsTheFault_IsAnswered_AndFailsTheStore()
    {
        var device = new FaultableDevice();
        using var store = MessageStore.Open(new StoreSettings
        {
            Dir = _dir,
            CommitLogSegmentSize = 1 << 20,
            MaxMessageSize = 64 * 1024,
            FlushInterval = TimeSpan.FromHours(1),
            DiskWatermarkRatio = 1.0,
            Device = device,
        });
        var actor = Sys.ActorOf(StoreActor.Props(store, partitions: null, NullLogger.Instance));
        // Async mode: acknowledged from the page cache, flushed later.
        Assert.True((await SendAsync(actor, "in memory")).IsOk);

        device.FailWithIoError();
        await actor.Ask<StoreFlushed>(FlushStore.Instance, Timeout);
        Assert.Contains("EIO", store.FatalError, StringComparison.Ordinal);
        await actor.Ask<StoreFlushed>(FlushStore.Instance, Timeout);
        Assert.Equal(AppendStatus.StoreFailed, (await SendAsync(actor, "after")).Status);
    }

    private static async Task<AppendResult> SendAsync(IActorRef actor, string body)
    {
        var completion = new TaskAppendCompletion();
        actor.Tell(new AppendMessages(new[] { new MessageToStore("T", 0, 0, Encoding.UTF8.GetBytes(body), string.Empty, 0, Host, Host) }, completion));
        return (await completion.Task.WaitAsync(Timeout))[0];
    }
}
