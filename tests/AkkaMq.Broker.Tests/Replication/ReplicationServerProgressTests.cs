using System.Collections.Concurrent;
using AkkaMq.Broker.Replication;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using static AkkaMq.Broker.Tests.Replication.ReplicationTestSupport;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>What the master's replication server tells the in-sync gate: progress per epoch, catch-up, lost followers.</summary>
public sealed class ReplicationServerProgressTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static RemotingCommand Hello(long brokerId)
    {
        var r = RemotingCommand.CreateRequest(ReplicationProtocol.HelloRequest, body: Array.Empty<byte>());
        r.ExtFields[ReplicationProtocol.Group] = "g1";
        r.ExtFields[ReplicationProtocol.BrokerId] = brokerId.ToString();
        r.ExtFields[ReplicationProtocol.NodeName] = "raw";
        r.ExtFields[ReplicationProtocol.EndOffset] = "0";
        r.ExtFields[ReplicationProtocol.MinOffset] = "0";
        r.ExtFields[ReplicationProtocol.SegmentSize] = "4096";
        return r;
    }

    private static RemotingCommand Fetch(long offset, int knownEpoch)
    {
        var r = RemotingCommand.CreateRequest(ReplicationProtocol.FetchRequest);
        r.ExtFields[ReplicationProtocol.Offset] = offset.ToString();
        r.ExtFields[ReplicationProtocol.FlushedOffset] = offset.ToString();
        r.ExtFields[ReplicationProtocol.KnownEpoch] = knownEpoch.ToString();
        return r;
    }

    [Fact]
    public async Task Progress_CarriesTheEpochAndCatchUp_AndAFetchAfterANewEpochMustSayHelloAgain()
    {
        using var master = new TempStore();
        master.Store.StartEpoch(1);
        master.Store.PutMany(null, 5, "m");
        await using ReplicationServer server = StartServer(master.Store, epoch: 1, maxBatch: 64 * 1024);
        var reports = new ConcurrentQueue<FollowerProgress>();
        server.ProgressReported += reports.Enqueue;
        await using var client = new RemotingClient();
        RemotingConnection c = await client.GetConnectionAsync($"127.0.0.1:{server.LocalEndPoint.Port}");
        Assert.Equal(ReplicationProtocol.Ok, (await c.InvokeAsync(Hello(2), Timeout)).Code);

        RemotingCommand answer = await c.InvokeAsync(Fetch(0, 1), Timeout);
        long next = long.Parse(answer.GetExtField(ReplicationProtocol.NextOffset)!);
        Assert.Equal(master.Store.MaxPhysicalOffset, next);
        var first = Assert.Single(reports);
        Assert.Equal((2L, 1, false), (first.BrokerId, first.MasterEpoch, first.CaughtUp));

        // The log grows while the answer travels: holding all the previous answer had still counts as caught up.
        master.Store.PutMany(null, 3, "n");
        _ = await c.InvokeAsync(Fetch(next, 1), Timeout);
        Assert.True(reports.Last().CaughtUp);
        Assert.True(reports.Last().WrittenOffset < reports.Last().MasterEndOffset);

        // The same node now leads epoch 2: the follower's session of epoch 1 no longer reports.
        int before = reports.Count;
        server.Leadership = new ReplicationLeadership("g1", 2);
        Assert.Equal(ReplicationProtocol.HelloFirst, (await c.InvokeAsync(Fetch(next, 1), Timeout)).Code);
        Assert.Equal(before, reports.Count);
        Assert.Equal(ReplicationProtocol.Ok, (await c.InvokeAsync(Hello(2), Timeout)).Code);
        Assert.Equal(ReplicationProtocol.Ok, (await c.InvokeAsync(Fetch(0, 2), Timeout)).Code);
        Assert.Equal(2, reports.Last().MasterEpoch);
    }

    [Fact]
    public async Task ClosingAFollowersLastConnection_IsReported()
    {
        using var master = new TempStore();
        master.Store.StartEpoch(1);
        await using ReplicationServer server = StartServer(master.Store);
        var gone = new ConcurrentQueue<long>();
        server.FollowerDisconnected += gone.Enqueue;
        await using var client = new RemotingClient();
        string address = $"127.0.0.1:{server.LocalEndPoint.Port}";
        RemotingConnection c = await client.GetConnectionAsync(address);
        Assert.Equal(ReplicationProtocol.Ok, (await c.InvokeAsync(Hello(7), Timeout)).Code);

        await c.CloseAsync();

        Until(() => gone.Count == 1, "the follower to be reported gone");
        Assert.Equal(7, Assert.Single(gone));
    }
}
