using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Tests.Follower;

/// <summary>
/// A master (the usual <see cref="BrokerFixture"/>, broker id 0) and a second broker of the same
/// group started as follower (broker id 1) in the same process, sharing the route registry. Records
/// reach the follower the way replication delivers them: the master's commit-log bytes, read
/// straight from its segment file, appended with <see cref="MessageStore.AppendReplicated"/>.
/// </summary>
internal sealed class FollowerPair : IAsyncDisposable
{
    private FollowerPair(BrokerFixture master, BrokerRole follower)
    {
        Master = master;
        Follower = follower;
    }

    public BrokerFixture Master { get; }

    public BrokerRole Follower { get; }

    public string FollowerAddress => "127.0.0.1:" + Follower.LocalEndPoint.Port;

    public static async Task<FollowerPair> StartAsync(Transactions.TransactionSettings? followerTransactions = null)
    {
        var master = await BrokerFixture.StartAsync();
        try
        {
            var settings = BrokerFixture.Settings(Path.Combine(master.Dir, "follower-store"), autoCreate: true) with
            {
                BrokerId = 1,
                Transaction = followerTransactions,
            };
            var follower = await BrokerRole.StartAsync(
                (props, name) => Task.FromResult(master.System.ActorOf(props, name + "-follower")),
                new BrokerRoleOptions(BrokerFixture.Cluster, settings),
                master.Feed, master.Registry, NullLoggerFactory.Instance, CancellationToken.None);
            return new FollowerPair(master, follower);
        }
        catch
        {
            await master.DisposeAsync();
            throw;
        }
    }

    public Task<RemotingCommand> FollowerAsync(RemotingCommand request) =>
        Master.Client.InvokeAsync(FollowerAddress, request, TimeSpan.FromSeconds(10));

    /// <summary>Copies everything the master has written since the follower's end, then tells the follower.</summary>
    public (long From, long To) Replicate()
    {
        var source = Master.Broker.Store;
        var target = Follower.Store;
        long from = target.MaxPhysicalOffset;
        long to = source.MaxPhysicalOffset;
        source.Flush();
        long segment = source.Settings.CommitLogSegmentSize;
        Assert.True(to <= segment, "the test copies from the first segment only");
        var bytes = new byte[to - from];
        string file = Path.Combine(source.Settings.Dir, "commitlog", SegmentedFile.FileName(0));
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            stream.Position = from;
            stream.ReadExactly(bytes);
        }

        Assert.Equal(ReplicaAppendStatus.Ok, target.AppendReplicated(bytes, from));
        Follower.OnReplicatedAppend(from, to);
        return (from, to);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for " + what);
            }

            await Task.Delay(50);
        }
    }

    public static RemotingCommand QueryOffset(string group, string topic, int queueId) =>
        CommandHeader.CreateRequest(RequestCode.QueryConsumerOffset, new QueryConsumerOffsetRequestHeader { ConsumerGroup = group, Topic = topic, QueueId = queueId });

    public static RemotingCommand UpdateOffset(string group, string topic, int queueId, long offset) =>
        CommandHeader.CreateRequest(RequestCode.UpdateConsumerOffset, new UpdateConsumerOffsetRequestHeader { ConsumerGroup = group, Topic = topic, QueueId = queueId, CommitOffset = offset });

    public static RemotingCommand MaxOffset(string topic, int queueId) =>
        CommandHeader.CreateRequest(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = topic, QueueId = queueId });

    public async ValueTask DisposeAsync()
    {
        await Follower.DisposeAsync();
        await Master.DisposeAsync();
    }
}
