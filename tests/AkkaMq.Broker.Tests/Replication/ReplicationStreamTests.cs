using AkkaMq.Broker.Replication;
using AkkaMq.Store;
using static AkkaMq.Broker.Tests.Replication.ReplicationTestSupport;

namespace AkkaMq.Broker.Tests.Replication;

public sealed class ReplicationStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task MasterAppends_ArriveOnTheFollowerByteForByte_AcrossSegmentRolls(int batchDelayMs)
    {
        using var master = new TempStore();
        using var replica = new TempStore();
        master.Store.StartEpoch(1);
        // A batch delay (async replication) gathers small batches; the follower's log must still equal the master's.
        await using ReplicationServer server = StartServer(master.Store, batchDelay: TimeSpan.FromMilliseconds(batchDelayMs));
        var reports = new List<FollowerProgress>();
        server.ProgressReported += p => { lock (reports) { reports.Add(p); } };
        master.Store.PutMany(server, 30, "before");
        await using ReplicationFollower follower = StartFollower(replica.Store, server);
        long appendedTo = 0;
        follower.Appended += r => Volatile.Write(ref appendedTo, r.To);

        master.Store.PutMany(server, 90, "after");
        Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset, "the follower to catch up");

        Assert.True(master.Store.MaxPhysicalOffset > 5 * 4096, "several segment rolls");
        AssertSameLog(master, replica);
        Assert.Single(replica.Store.QueryByKey("T", "after77", 0, long.MaxValue, 5));
        Assert.Equal(master.Store.MaxPhysicalOffset, Volatile.Read(ref appendedTo));
        Assert.Equal(AppendStatus.NotMaster, replica.Store.Put("T", 0, "local").Status);

        // The next fetch reports the follower's end: the master sees it caught up and in sync.
        Until(() => server.Followers is [{ WrittenOffset: var w }] && w == master.Store.MaxPhysicalOffset, "the progress report");
        FollowerStatus status = Assert.Single(server.Followers);
        Assert.Equal((1L, "node-b", 0L, true), (status.BrokerId, status.NodeName, status.LagBytes, status.InSync));
        Assert.NotNull(status.LastCaughtUp);
        lock (reports)
        {
            Assert.Contains(reports, p => p.WrittenOffset == master.Store.MaxPhysicalOffset && p.BrokerId == 1);
        }
        ReplicationFollowerStatus mine = follower.Status;
        Assert.Equal((true, 1, master.Store.MaxPhysicalOffset, 0L), (mine.Connected, mine.MasterEpoch, mine.WrittenOffset, mine.LagBytes));
    }

    [Fact]
    public async Task EmptyFollower_CopiesAMasterWhoseLogBeginsAboveZero()
    {
        using var master = new TempStore();
        using var replica = new TempStore();
        master.Store.StartAt(8192);
        master.Store.StartEpoch(2);
        master.Store.PutMany(null, 40, "m");
        await using ReplicationServer server = StartServer(master.Store, epoch: 2);
        await using ReplicationFollower follower = StartFollower(replica.Store, server);

        Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset, "the follower to catch up");

        Assert.Equal(8192, replica.Store.MinPhysicalOffset);
        AssertSameLog(master, replica);
    }

    [Fact]
    public async Task AnswerFromAnOlderEpochThanKnown_IsRefused_AndNothingIsAppended()
    {
        using var master = new TempStore();
        using var replica = new TempStore();
        master.Store.StartEpoch(3);
        master.Store.PutMany(null, 10, "m");
        await using ReplicationServer server = StartServer(master.Store, epoch: 3);
        await using ReplicationFollower follower = StartFollower(replica.Store, server, knownEpoch: 5);

        Until(() => follower.RefusedAnswers >= 2, "refused answers (one per reconnect)");
        Assert.Equal(0, replica.Store.MaxPhysicalOffset);
        Assert.False(follower.Status.Connected);
        Assert.Contains("older than epoch 5", follower.Status.LastError);

        // The same node elected again in a newer epoch is followed.
        master.Store.StartEpoch(6);
        master.Store.PutMany(null, 5, "n");
        server.Leadership = new ReplicationLeadership("g1", 6);
        Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset, "the follower to catch up");
        AssertSameLog(master, replica);
        Assert.Equal(6, follower.KnownEpoch);
    }

    [Fact]
    public async Task DivergedFollower_TruncatesToTheDivergencePoint_ThenMatchesTheMaster()
    {
        using var master = new TempStore();
        using var replica = new TempStore();
        master.Store.StartEpoch(1);
        master.Store.PutMany(null, 25, "common");
        await using ReplicationServer server = StartServer(master.Store, epoch: 1);
        await using (ReplicationFollower first = StartFollower(replica.Store, server))
        {
            Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset, "the first catch-up");
        }
        long common = master.Store.MaxPhysicalOffset;

        // The follower was briefly master in epoch 2 and wrote records nobody else has...
        replica.Store.AcceptsLocalAppends = true;
        replica.Store.StartEpoch(2);
        replica.Store.PutMany(null, 30, "lost");
        // ...while the real master went on in epoch 3.
        master.Store.StartEpoch(3);
        master.Store.PutMany(null, 20, "kept");
        server.Leadership = new ReplicationLeadership("g1", 3);

        await using ReplicationFollower again = StartFollower(replica.Store, server);
        Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset
            && replica.Store.Epochs.Entries.Count == 2, "the follower to truncate and catch up");

        AssertSameLog(master, replica);
        Assert.Equal(new[] { new EpochEntry(1, 0), new EpochEntry(3, common) }, replica.Store.Epochs.Entries);
        Assert.Empty(replica.Store.QueryByKey("T", "lost3", 0, long.MaxValue, 5));
    }

    [Fact]
    public async Task DemotedMaster_StopsServing_AndTheFollowerStopsAppending()
    {
        using var master = new TempStore();
        using var replica = new TempStore();
        master.Store.StartEpoch(1);
        await using ReplicationServer server = StartServer(master.Store);
        await using ReplicationFollower follower = StartFollower(replica.Store, server);
        master.Store.PutMany(server, 5, "a");
        Until(() => replica.Store.MaxPhysicalOffset == master.Store.MaxPhysicalOffset, "the follower to catch up");

        server.Leadership = null;
        Until(() => !follower.Status.Connected && follower.Status.LastError?.Contains("not the master") == true, "the refusal");
        long before = replica.Store.MaxPhysicalOffset;
        master.Store.StartEpoch(2);
        master.Store.PutMany(server, 5, "b");
        long failures = follower.Failures;

        // Two more attempts after the appends, both refused: nothing of epoch 2 reached the follower.
        Until(() => follower.Failures >= failures + 2, "two more refused attempts");
        Assert.Equal(before, replica.Store.MaxPhysicalOffset);
    }
}
