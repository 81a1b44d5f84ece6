using System.Text;
using Akka.Actor;
using AkkaMq.Broker.Transactions;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;

namespace AkkaMq.Broker.Tests.Follower;

/// <summary>What a follower's background work does not write, and how it takes over as master.</summary>
public sealed class FollowerPromotionTests
{
    [Fact]
    public async Task BecomeMaster_AcceptsSendsThatContinueTheLog_AndRecordsTheEpoch()
    {
        await using var pair = await FollowerPair.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("PT", "m" + i, 0))).Code);
        }

        var (_, replicatedEnd) = pair.Replicate();
        Assert.Equal((int)ResponseCode.ServiceNotAvailable, (await pair.FollowerAsync(Requests.SendV2("PT", "refused", 0))).Code);

        await pair.Follower.BecomeMasterAsync(2);

        Assert.True(pair.Follower.Membership.IsMaster);
        Assert.Equal(0, pair.Follower.Membership.BrokerId);
        Assert.Equal(2, pair.Follower.Membership.MasterEpoch);
        Assert.Equal(new EpochEntry(2, replicatedEnd), pair.Follower.Store.Epochs.Last);
        Assert.Equal(pair.FollowerAddress, pair.Master.Feed.Current.Groups[BrokerFixture.Group].Addresses[0]);

        var sent = await pair.FollowerAsync(Requests.SendV2("PT", "m3", 0));
        Assert.Equal((int)ResponseCode.Success, sent.Code);
        Assert.Equal(3, Requests.Long(sent, "queueOffset"));
        Assert.True(pair.Follower.Store.MaxPhysicalOffset > replicatedEnd);
        var pulled = await pair.FollowerAsync(Requests.Pull("G", "PT", 0, 0));
        Assert.Equal(["m0", "m1", "m2", "m3"], Requests.Records(pulled.Body).Select(r => Encoding.UTF8.GetString(r.Body)));

        // Promoting again in the same epoch changes nothing in the epoch table.
        await pair.Follower.BecomeMasterAsync(2);
        Assert.Single(pair.Follower.Store.Epochs.Entries);
        await Assert.ThrowsAsync<ArgumentException>(() => pair.Follower.BecomeMasterAsync(1));
    }

    [Fact]
    public async Task DelayedMessages_AreNotDeliveredByAFollower_AndAPromotedOneContinuesFromTheMastersProgress()
    {
        await using var pair = await FollowerPair.StartAsync();
        var delayed = Requests.SendV2("DT", "later", 0, Requests.Props(("DELAY", "1")));
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(delayed)).Code);
        pair.Replicate();
        long followerEnd = pair.Follower.Store.MaxPhysicalOffset;

        // Level 1 is due after 1 s: the master delivers it, the follower (ticking every 100 ms) must not.
        await FollowerPair.WaitUntilAsync(() => Task.FromResult(pair.Master.Broker.Store.GetMaxOffset("DT", 0) == 1), "the master's delivery");
        var window = DateTime.UtcNow + TimeSpan.FromMilliseconds(700);
        while (DateTime.UtcNow < window)
        {
            Assert.Equal(followerEnd, pair.Follower.Store.MaxPhysicalOffset);
            await Task.Delay(50);
        }

        Assert.Equal(0, pair.Follower.Store.GetMaxOffset("DT", 0));

        // The master's delivery and its progress (in its offsets snapshot) reach the follower.
        await pair.Master.Broker.FlushAsync();
        pair.Replicate();
        Assert.Equal(1, pair.Follower.Store.GetMaxOffset("DT", 0));
        await pair.Follower.BecomeMasterAsync(1);

        // A second delayed message is delivered by the new master; the first is not delivered again before it.
        Assert.Equal((int)ResponseCode.Success, (await pair.FollowerAsync(Requests.SendV2("DT", "later-2", 0, Requests.Props(("DELAY", "1"))))).Code);
        await FollowerPair.WaitUntilAsync(
            async () => Requests.Records((await pair.FollowerAsync(Requests.Pull("G", "DT", 0, 1))).Body).Count == 1, "the new master's delivery");
        var all = Requests.Records((await pair.FollowerAsync(Requests.Pull("G", "DT", 0, 0))).Body);
        Assert.Equal(["later", "later-2"], all.Select(r => Encoding.UTF8.GetString(r.Body)));
    }

    [Fact]
    public async Task UndecidedTransactions_AreNotCheckedBackByAFollower_OnlyOncePromoted()
    {
        var eager = new TransactionSettings(TimeSpan.FromMilliseconds(100), TimeSpan.Zero, 15);
        await using var pair = await FollowerPair.StartAsync(followerTransactions: eager);
        long born = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var header = Requests.SendHeader("TT", 0, Requests.Props(("TRAN_MSG", "true"), ("PGROUP", "PG"), ("UNIQ_KEY", "tx-1")));
        header.SysFlag = 0x4;
        header.BornTimestamp = born;
        var half = CommandHeader.CreateRequest(RequestCode.SendMessageV2, header, Encoding.UTF8.GetBytes("half"), HeaderKeyStyle.Short);
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(half)).Code);
        pair.Replicate();
        long followerEnd = pair.Follower.Store.MaxPhysicalOffset;

        // The follower reads the half (it is open there too) but checks nothing back: no check copy is appended.
        Assert.Equal(1, await OpenCountAsync(pair.Follower));
        var window = DateTime.UtcNow + TimeSpan.FromMilliseconds(700);
        while (DateTime.UtcNow < window)
        {
            Assert.Equal(followerEnd, pair.Follower.Store.MaxPhysicalOffset);
            await Task.Delay(50);
        }

        // Promoted, the same broker checks it within its 100 ms interval: the check copy is appended.
        await pair.Follower.BecomeMasterAsync(1);
        await FollowerPair.WaitUntilAsync(() => Task.FromResult(pair.Follower.Store.MaxPhysicalOffset > followerEnd), "the promoted broker's check-back");
    }

    private static async Task<int> OpenCountAsync(BrokerRole broker) =>
        (await broker.Transactions.Ask<OpenTransactions>(GetOpenTransactions.Instance, TimeSpan.FromSeconds(5))).Count;
}
