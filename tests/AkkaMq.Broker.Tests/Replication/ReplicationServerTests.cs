using AkkaMq.Broker.Replication;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using static AkkaMq.Broker.Tests.Replication.ReplicationTestSupport;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>The master's side driven by hand-made frames, as a misbehaving or stalled follower would send them.</summary>
public sealed class ReplicationServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static RemotingCommand Hello(string group = "g1", long end = 0, long min = 0, byte[]? epochs = null, long segmentSize = 4096)
    {
        var r = RemotingCommand.CreateRequest(ReplicationProtocol.HelloRequest, body: epochs ?? []);
        r.ExtFields[ReplicationProtocol.Group] = group;
        r.ExtFields[ReplicationProtocol.BrokerId] = "2";
        r.ExtFields[ReplicationProtocol.NodeName] = "raw";
        r.ExtFields[ReplicationProtocol.EndOffset] = end.ToString();
        r.ExtFields[ReplicationProtocol.MinOffset] = min.ToString();
        r.ExtFields[ReplicationProtocol.SegmentSize] = segmentSize.ToString();
        return r;
    }

    private static RemotingCommand Fetch(long offset, int knownEpoch = 1)
    {
        var r = RemotingCommand.CreateRequest(ReplicationProtocol.FetchRequest);
        r.ExtFields[ReplicationProtocol.Offset] = offset.ToString();
        r.ExtFields[ReplicationProtocol.FlushedOffset] = offset.ToString();
        r.ExtFields[ReplicationProtocol.KnownEpoch] = knownEpoch.ToString();
        return r;
    }

    private static string Address(ReplicationServer server) => $"127.0.0.1:{server.LocalEndPoint.Port}";

    [Fact]
    public async Task AFollowerThatStopsFetching_CostsTheMasterAtMostOneBatch()
    {
        using var master = new TempStore();
        master.Store.StartEpoch(1);
        master.Store.PutMany(null, 100, "m");
        await using ReplicationServer server = StartServer(master.Store, maxBatch: 2048);
        await using var client = new RemotingClient();
        RemotingConnection c = await client.GetConnectionAsync(Address(server));
        Assert.Equal(ReplicationProtocol.Ok, (await c.InvokeAsync(Hello(), Timeout)).Code);

        RemotingCommand answer = await c.InvokeAsync(Fetch(0), Timeout);

        Assert.Equal(ReplicationProtocol.Ok, answer.Code);
        Assert.InRange(answer.Body.Length, 1, 2048);
        Assert.Equal(answer.Body.Length, server.BufferedBatchBytes);
        // Much more is written while the follower does not fetch: the master reads nothing more for it.
        master.Store.PutMany(server, 200, "n");
        Assert.Equal(answer.Body.Length, server.BufferedBatchBytes);
        Assert.Equal(0, Assert.Single(server.Followers).WrittenOffset);

        // The next fetch confirms the batch; the master then holds the new one only.
        long next = long.Parse(answer.GetExtField(ReplicationProtocol.NextOffset)!);
        RemotingCommand second = await c.InvokeAsync(Fetch(next), Timeout);
        Assert.Equal(second.Body.Length, server.BufferedBatchBytes);
        await c.CloseAsync();
        Until(() => server.BufferedBatchBytes == 0, "the closed connection's batch to be released");
    }

    [Fact]
    public async Task WithABatchDelay_ASmallBatchWaitsOnceForMore_AndIsAnsweredWithWhatCameMeanwhile()
    {
        using var master = new TempStore();
        master.Store.StartEpoch(1);
        await using var server = new ReplicationServer(master.Store, new ReplicationServerOptions(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0))
        {
            MaxBatchSize = 64 * 1024,
            FetchWait = TimeSpan.FromMilliseconds(200),
            BatchDelay = TimeSpan.FromSeconds(1),
        })
        { Leadership = new ReplicationLeadership("g1", 1) };
        server.Start();
        await using var client = new RemotingClient();
        RemotingConnection c = await client.GetConnectionAsync(Address(server));
        await c.InvokeAsync(Hello(), Timeout);
        master.Store.PutMany(server, 1, "first");
        long first = master.Store.MaxPhysicalOffset;

        Task<RemotingCommand> fetch = c.InvokeAsync(Fetch(0), Timeout);
        // Without the delay the one record would be answered at once.
        await Task.Delay(300);
        Assert.False(fetch.IsCompleted, "a small batch was answered without waiting for more");
        master.Store.PutMany(server, 3, "more");

        RemotingCommand answer = await fetch;
        Assert.Equal(ReplicationProtocol.Ok, answer.Code);
        Assert.True(answer.Body.Length > first, "the records appended during the delay were not in the batch");
        Assert.Equal(master.Store.MaxPhysicalOffset, answer.Body.Length);
    }

    [Fact]
    public async Task OneFetchInFlightPerFollower_AndAHeldFetchIsAnsweredWhenTheLogGrows()
    {
        using var master = new TempStore();
        master.Store.StartEpoch(1);
        await using ReplicationServer server = StartServer(master.Store);
        await using var client = new RemotingClient();
        RemotingConnection c = await client.GetConnectionAsync(Address(server));
        await c.InvokeAsync(Hello(), Timeout);

        Task<RemotingCommand> held = c.InvokeAsync(Fetch(0), Timeout);
        Until(() => server.Followers.Count == 1 && !held.IsCompleted, "the fetch to be held");
        RemotingCommand second = await c.InvokeAsync(Fetch(0), Timeout);
        Assert.Equal(ReplicationProtocol.FetchInFlight, second.Code);

        master.Store.PutMany(server, 1, "x");
        RemotingCommand answer = await held;
        Assert.Equal(ReplicationProtocol.Ok, answer.Code);
        Assert.Equal(master.Store.MaxPhysicalOffset, answer.Body.Length);
        Assert.Equal("1", answer.GetExtField(ReplicationProtocol.RecordsEpoch));
    }

    [Fact]
    public async Task NotMaster_WrongGroup_NoHello_AndBadFields_AreRefusedWithAClearRemark()
    {
        using var master = new TempStore();
        await using ReplicationServer server = StartServer(master.Store);
        await using var client = new RemotingClient();
        RemotingConnection c = await client.GetConnectionAsync(Address(server));

        RemotingCommand noHello = await c.InvokeAsync(Fetch(0), Timeout);
        Assert.Equal((ReplicationProtocol.HelloFirst, "say HELLO on this connection before fetching"), (noHello.Code, noHello.Remark));
        RemotingCommand wrongGroup = await c.InvokeAsync(Hello("other"), Timeout);
        Assert.Equal((ReplicationProtocol.WrongGroup, "this node is master of group g1, not other"), (wrongGroup.Code, wrongGroup.Remark));
        RemotingCommand badEpochs = await c.InvokeAsync(Hello(epochs: new byte[5]), Timeout);
        Assert.Equal((ReplicationProtocol.BadRequest, "An epoch table is a multiple of 12 bytes, not 5."), (badEpochs.Code, badEpochs.Remark));
        RemotingCommand otherSegments = await c.InvokeAsync(Hello(segmentSize: 8192), Timeout);
        Assert.Equal((ReplicationProtocol.BadRequest, "the follower's commit-log segment size 8192 differs from the master's 4096; they must be equal"),
            (otherSegments.Code, otherSegments.Remark));
        RemotingCommand missing = await c.InvokeAsync(RemotingCommand.CreateRequest(ReplicationProtocol.FetchRequest), Timeout);
        Assert.Equal((ReplicationProtocol.BadRequest, "field offset is missing or not an integer"), (missing.Code, missing.Remark));

        Assert.Equal(ReplicationProtocol.Ok, (await c.InvokeAsync(Hello(), Timeout)).Code);
        RemotingCommand newer = await c.InvokeAsync(Fetch(0, knownEpoch: 2), Timeout);
        Assert.Equal(ReplicationProtocol.NotMaster, newer.Code);
        Assert.Equal("this node's epoch 1 is older than epoch 2 the follower knows", newer.Remark);

        server.Leadership = null;
        RemotingCommand demoted = await c.InvokeAsync(Fetch(0), Timeout);
        Assert.Equal((ReplicationProtocol.NotMaster, "this node is not the master of its group"), (demoted.Code, demoted.Remark));
        Assert.Equal(ReplicationProtocol.NotMaster, (await c.InvokeAsync(Hello(), Timeout)).Code);
    }

    [Fact]
    public async Task HelloFromAFollowerBelowTheMastersFirstOffset_IsToldToEmptyItsLog()
    {
        using var master = new TempStore();
        master.Store.StartAt(8192);
        master.Store.StartEpoch(4);
        master.Store.PutMany(null, 3, "m");
        await using ReplicationServer server = StartServer(master.Store, epoch: 4);
        await using var client = new RemotingClient();
        RemotingConnection c = await client.GetConnectionAsync(Address(server));

        RemotingCommand answer = await c.InvokeAsync(Hello(end: 500, epochs: ReplicationProtocol.EncodeEpochs([new EpochEntry(4, 0)])), Timeout);

        Assert.Equal(ReplicationProtocol.Truncate, answer.Code);
        Assert.Equal("-1", answer.GetExtField(ReplicationProtocol.TruncateTo));
        Assert.Equal("8192", answer.GetExtField(ReplicationProtocol.MasterMinOffset));
        Assert.Equal([new EpochEntry(4, 8192)], ReplicationProtocol.DecodeEpochs(answer.Body.Span));
        RemotingCommand fetchBelow = await c.InvokeAsync(Fetch(0, knownEpoch: 4), Timeout);
        Assert.Equal(ReplicationProtocol.OffsetUnavailable, fetchBelow.Code);
    }
}
