using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Broker.Tests;

public sealed class OffsetTests
{
    [Fact]
    public async Task ConsumerOffset_CommitThenQuery_AndNewGroupStartsAtZero()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("O1", "m", 0));

        var fresh = await node.BrokerAsync(Query("G", "O1", 0));
        Assert.Equal((int)ResponseCode.Success, fresh.Code);
        Assert.Equal(0, Requests.Long(fresh, "offset"));

        var update = await node.BrokerAsync(Update("G", "O1", 0, 1));
        Assert.Equal((int)ResponseCode.Success, update.Code);
        Assert.Equal(1, Requests.Long(await node.BrokerAsync(Query("G", "O1", 0)), "offset"));

        // Piggy-backed commit on a pull (sysFlag 0x1).
        await node.BrokerAsync(Requests.Pull("G", "O1", 1, 0, sysFlag: 0x1 | 0x4, commitOffset: 7));
        Assert.Equal(7, Requests.Long(await node.BrokerAsync(Query("G", "O1", 1)), "offset"));
    }

    [Fact]
    public async Task ConsumerOffsets_SurviveABrokerRestart()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("O2", "m1", 2));
        await node.BrokerAsync(Requests.SendV2("O2", "m2", 2));
        await node.BrokerAsync(Update("GR", "O2", 2, 2));
        await node.BrokerAsync(Update("GR", "O2", 3, 42));
        Assert.Equal(2, Requests.Long(await node.BrokerAsync(Query("GR", "O2", 2)), "offset"));

        await node.RestartBrokerAsync();

        Assert.Equal(2, Requests.Long(await node.BrokerAsync(Query("GR", "O2", 2)), "offset"));
        Assert.Equal(42, Requests.Long(await node.BrokerAsync(Query("GR", "O2", 3)), "offset"));
        var pulled = await node.BrokerAsync(Requests.Pull("GR", "O2", 2, 0));
        Assert.Equal(2, Requests.Records(pulled.Body).Count);
    }

    [Fact]
    public async Task UnchangedConsumerOffsets_SurviveRetention_AndARestart()
    {
        var reserved = TimeSpan.FromSeconds(8);
        await using var node = await BrokerFixture.StartAsync(virtualTime: true, fileReservedTime: reserved);
        await node.BrokerAsync(Update("GK", "O4", 0, 5));

        // The persist timer stores the first snapshot; a query to the offsets actor is answered
        // after the timer message the advance delivered, so after its write.
        node.AdvanceTime(OffsetsActor.PersistInterval);
        await node.BrokerAsync(Query("GK", "O4", 0));
        Assert.Equal(1, await SnapshotCountAsync(node));

        // The offset never changes again while the segment holding its snapshot ages past retention
        // on the broker's clock; the unchanged table is stored again once it is a refresh interval old.
        string body = new('x', 60 * 1024);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("FillTopic", body, 0))).Code);
            }

            if (round == 0)
            {
                node.AdvanceTime(reserved + TimeSpan.FromSeconds(1));
                await node.BrokerAsync(Query("GK", "O4", 0));
                await StoredAgainAsync(node);
            }
        }

        node.Broker.Store.DeleteExpiredFiles();
        Assert.True(node.Broker.Store.GetMinOffset("FillTopic", 0) > 0, "retention deleted nothing");
        await node.RestartBrokerAsync();

        Assert.Equal(5, Requests.Long(await node.BrokerAsync(Query("GK", "O4", 0)), "offset"));
    }

    [Fact]
    public async Task QueueOffsetQueries_AnswerMaxMinSearchAndEarliest()
    {
        await using var node = await BrokerFixture.StartAsync();
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1;
        for (int i = 0; i < 3; i++)
        {
            await node.BrokerAsync(Requests.SendV2("O3", "m" + i, 1));
        }

        var max = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = "O3", QueueId = 1 }));
        Assert.Equal(3, Requests.Long(max, "offset"));
        var min = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetMinOffset, new GetMinOffsetRequestHeader { Topic = "O3", QueueId = 1 }));
        Assert.Equal(0, Requests.Long(min, "offset"));
        var search = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.SearchOffsetByTimestamp, new SearchOffsetRequestHeader { Topic = "O3", QueueId = 1, Timestamp = before }));
        Assert.Equal(0, Requests.Long(search, "offset"));
        var late = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.SearchOffsetByTimestamp, new SearchOffsetRequestHeader { Topic = "O3", QueueId = 1, Timestamp = long.MaxValue }));
        Assert.Equal(3, Requests.Long(late, "offset"));
        var earliest = await node.BrokerAsync(CommandHeader.CreateRequest(RequestCode.GetEarliestMsgStoretime, new GetEarliestMsgStoretimeRequestHeader { Topic = "O3", QueueId = 1 }));
        Assert.InRange(Requests.Long(earliest, "timestamp"), before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task ConsumerOffsets_AreWrittenToTheLogByTheFiveSecondTimer()
    {
        await using var node = await BrokerFixture.StartAsync(virtualTime: true);
        Assert.Equal(0, await SnapshotCountAsync(node));
        await node.BrokerAsync(Update("TG", "O4", 0, 5));

        // Just short of the period: nothing written. A query to the offsets actor is handled
        // after any timer message the advance delivered, so its answer comes after any write.
        node.AdvanceTime(OffsetsActor.PersistInterval - TimeSpan.FromMilliseconds(100));
        await node.BrokerAsync(Query("TG", "O4", 0));
        Assert.Equal(0, await SnapshotCountAsync(node));

        node.AdvanceTime(TimeSpan.FromMilliseconds(100));
        await node.BrokerAsync(Query("TG", "O4", 0));
        Assert.Equal(1, await SnapshotCountAsync(node));

        // Unchanged offsets are not written again.
        node.AdvanceTime(OffsetsActor.PersistInterval);
        await node.BrokerAsync(Query("TG", "O4", 0));
        Assert.Equal(1, await SnapshotCountAsync(node));
    }

    /// <summary>
    /// The unchanged table is stored a second time by a persist tick (the one the advance delivered, or at the
    /// latest one of the next ticks, all well within the retention time); waits for it to be readable.
    /// </summary>
    private static async Task StoredAgainAsync(BrokerFixture node)
    {
        for (int tick = 0; tick < 3 && await SnapshotCountAsync(node) < 2; tick++)
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (await SnapshotCountAsync(node) < 2 && DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }

            if (await SnapshotCountAsync(node) < 2)
            {
                node.AdvanceTime(OffsetsActor.PersistInterval);
                await node.BrokerAsync(Query("GK", "O4", 0));
            }
        }

        Assert.Equal(2, await SnapshotCountAsync(node));
    }

    /// <summary>Whole-table snapshots in the log; the delta records each commit also leaves there are not counted.</summary>
    private static Task<long> SnapshotCountAsync(BrokerFixture node) => Task.FromResult(OffsetRecords.CountSnapshots(node.Broker.Store));

    internal static RemotingCommand Query(string group, string topic, int queueId) =>
        CommandHeader.CreateRequest(RequestCode.QueryConsumerOffset, new QueryConsumerOffsetRequestHeader { ConsumerGroup = group, Topic = topic, QueueId = queueId });

    internal static RemotingCommand Update(string group, string topic, int queueId, long offset) =>
        CommandHeader.CreateRequest(RequestCode.UpdateConsumerOffset, new UpdateConsumerOffsetRequestHeader { ConsumerGroup = group, Topic = topic, QueueId = queueId, CommitOffset = offset });
}
