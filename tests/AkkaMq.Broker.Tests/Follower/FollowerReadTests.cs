using System.Diagnostics;
using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests.Follower;

/// <summary>A follower serves reads (pulls, offsets, queries) from the records replicated from its master.</summary>
public sealed class FollowerReadTests
{
    private const int SuspendAndSubscription = 0x2 | 0x4;

    [Fact]
    public async Task HeldPull_IsAnsweredWhenReplicatedRecordsArrive()
    {
        await using var pair = await FollowerPair.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("RT", "warm-up", 1))).Code);
        pair.Replicate();

        // Nothing for queue 0 yet: the long-polling pull is held (8 s suspend).
        var clock = Stopwatch.StartNew();
        var held = pair.FollowerAsync(Requests.Pull("G", "RT", 0, 0, SuspendAndSubscription, suspendMillis: 8000));
        await Task.WhenAny(held, Task.Delay(300));
        Assert.False(held.IsCompleted, "the pull was answered before any record of its queue arrived");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("RT", "m" + i, 0))).Code);
        }

        pair.Replicate();
        var found = await held;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), "the held pull waited for its suspend timeout instead of the replicated append");
        Assert.Equal((int)ResponseCode.Success, found.Code);
        Assert.Equal("0", found.GetExtField("suggestWhichBrokerId"));
        Assert.Equal(["m0", "m1", "m2"], Requests.Records(found.Body).Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Equal(0, pair.Follower.Store.AppendedRecords);
    }

    [Fact]
    public async Task Queries_AreAnsweredFromReplicatedData()
    {
        await using var pair = await FollowerPair.StartAsync();
        var sent = await pair.Master.BrokerAsync(Requests.SendV2("QT", "findme", 2, Requests.Props(("KEYS", "order-7"))));
        Assert.Equal((int)ResponseCode.Success, sent.Code);
        pair.Replicate();

        var max = await pair.FollowerAsync(FollowerPair.MaxOffset("QT", 2));
        Assert.Equal(1, CommandHeader.Decode<GetMaxOffsetResponseHeader>(max).Offset);
        var min = await pair.FollowerAsync(CommandHeader.CreateRequest(RequestCode.GetMinOffset, new GetMinOffsetRequestHeader { Topic = "QT", QueueId = 2 }));
        Assert.Equal(0, CommandHeader.Decode<GetMinOffsetResponseHeader>(min).Offset);

        // The message id names the master's address and the record's log offset, the same on the follower.
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out _, out long commitLog));
        var viewed = await pair.FollowerAsync(CommandHeader.CreateRequest(RequestCode.ViewMessageById, new ViewMessageRequestHeader { Offset = commitLog }));
        Assert.Equal((int)ResponseCode.Success, viewed.Code);
        Assert.Equal("findme", Encoding.UTF8.GetString(Assert.Single(Requests.Records(viewed.Body)).Body));

        var byKey = await pair.FollowerAsync(CommandHeader.CreateRequest(RequestCode.QueryMessage, new QueryMessageRequestHeader
        {
            Topic = "QT",
            Key = "order-7",
            MaxNum = 32,
            BeginTimestamp = 0,
            EndTimestamp = long.MaxValue,
        }));
        Assert.Equal((int)ResponseCode.Success, byKey.Code);
        Assert.Equal("findme", Encoding.UTF8.GetString(Assert.Single(Requests.Records(byKey.Body)).Body));
    }

    [Fact]
    public async Task ConsumerOffsets_CommittedOnTheMaster_AreAnsweredByTheFollower()
    {
        await using var pair = await FollowerPair.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("OT", "m" + i, 0))).Code);
        }

        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(FollowerPair.UpdateOffset("G", "OT", 0, 2))).Code);
        await pair.Master.Broker.FlushAsync();
        pair.Replicate();
        await FollowerPair.WaitUntilAsync(async () => await QueryAsync(pair, "G", "OT", 0) == 2, "the follower to answer offset 2");

        // A pull's commit flag is ignored on a follower, and an explicit commit stays in memory.
        long end = pair.Follower.Store.MaxPhysicalOffset;
        Assert.Equal((int)ResponseCode.Success, (await pair.FollowerAsync(Requests.Pull("G", "OT", 0, 2, sysFlag: 0x1 | 0x4, commitOffset: 3))).Code);
        Assert.Equal(2, await QueryAsync(pair, "G", "OT", 0));
        Assert.Equal((int)ResponseCode.Success, (await pair.FollowerAsync(FollowerPair.UpdateOffset("G", "OT", 0, 3))).Code);
        Assert.Equal(3, await QueryAsync(pair, "G", "OT", 0));
        await pair.Follower.FlushAsync();
        Assert.Equal(end, pair.Follower.Store.MaxPhysicalOffset);
        Assert.Equal(0, pair.Follower.Store.AppendedRecords);
    }

    [Fact]
    public async Task OffsetsReplicatedInQuickSuccession_AllReachTheFollower_TheLastAnswered()
    {
        await using var pair = await FollowerPair.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("OS", "m", 0))).Code);

        // Appends told to the broker while a reload is pending are folded into it; the last commit must still arrive.
        for (int offset = 1; offset <= 5; offset++)
        {
            Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(FollowerPair.UpdateOffset("G", "OS", 0, offset))).Code);
            await pair.Master.Broker.FlushAsync();
            pair.Replicate();
        }

        await FollowerPair.WaitUntilAsync(async () => await QueryAsync(pair, "G", "OS", 0) == 5, "the follower to answer offset 5");
    }

    [Fact]
    public async Task SubscriptionGroups_DeclaredOnTheMaster_AreListedByTheFollower_WhichDeclaresNone()
    {
        await using var pair = await FollowerPair.StartAsync();
        var create = RemotingCommand.CreateRequest(
            RequestCode.UpdateAndCreateSubscriptionGroup, null, Encoding.UTF8.GetBytes("{\"groupName\":\"OrderGroup\",\"retryMaxTimes\":3}"));
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(create)).Code);
        pair.Replicate();

        await FollowerPair.WaitUntilAsync(
            async () => (await GroupsAsync(pair)).ContainsKey("OrderGroup"), "the follower to list the master's subscription group");
        Assert.Equal(3, (await GroupsAsync(pair))["OrderGroup"].RetryMaxTimes);

        var refused = await pair.FollowerAsync(RemotingCommand.CreateRequest(
            RequestCode.UpdateAndCreateSubscriptionGroup, null, Encoding.UTF8.GetBytes("{\"groupName\":\"LocalGroup\"}")));
        Assert.Equal((int)ResponseCode.ServiceNotAvailable, refused.Code);
        Assert.Contains("follower", refused.Remark);
        Assert.False((await GroupsAsync(pair)).ContainsKey("LocalGroup"));
        Assert.Equal(0, pair.Follower.Store.AppendedRecords);
    }

    private static async Task<IReadOnlyDictionary<string, SubscriptionGroupConfig>> GroupsAsync(FollowerPair pair) =>
        SubscriptionGroupConfig.DecodeTable((await pair.FollowerAsync(RemotingCommand.CreateRequest(RequestCode.GetAllSubscriptionGroupConfig))).Body.Span);

    internal static async Task<long> QueryAsync(FollowerPair pair, string group, string topic, int queueId)
    {
        var response = await pair.FollowerAsync(FollowerPair.QueryOffset(group, topic, queueId));
        return response.Code == (int)ResponseCode.Success ? CommandHeader.Decode<QueryConsumerOffsetResponseHeader>(response).Offset : -1;
    }
}
