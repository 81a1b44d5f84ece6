using AkkaMq.Broker.Replication;
using static AkkaMq.Broker.Tests.Replication.ReplicationTestSupport;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>A follower serves consumers no further than what the master's in-sync members hold: what lies beyond, a later election may take back.</summary>
public sealed class FollowerReadLimitTests
{
    [Fact]
    public async Task TheFollowerTakesTheMastersReadableOffset_AndAllOnceTheMasterHasNoLimit()
    {
        using var master = new TempStore();
        using var replica = new TempStore();
        master.Store.StartEpoch(1);
        await using ReplicationServer server = StartServer(master.Store);
        master.Store.PutMany(server, 6, "m");
        var confirmed = master.Store.Put("T", 0, "confirmed-end");
        long limit = confirmed.CommitLogOffset + confirmed.StoredSize;
        master.Store.ReadableOffset = limit;
        master.Store.PutMany(server, 4, "beyond");
        await using ReplicationFollower follower = StartFollower(replica.Store, server);

        Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset, "the follower holds the master's log");
        Until(() => replica.Store.ReadableOffset == limit, "the follower reads no further than the master's readable offset");
        Assert.True(replica.Store.MaxPhysicalOffset > limit);

        master.Store.ReadableOffset = long.MaxValue;
        master.Store.PutMany(server, 1, "more");
        Until(() => replica.Store.ReadableOffset == long.MaxValue, "the follower reads everything once the master has no limit");
    }
}
