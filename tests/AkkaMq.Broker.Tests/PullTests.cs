using System.Diagnostics;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Tests;

public sealed class PullTests
{
    [Fact]
    public async Task Pull_MapsOffsetsToStatusCodes_AndAlwaysSendsAllFourFields()
    {
        await using var node = await BrokerFixture.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("P1", "x", queueId: 1))).Code);

        var empty0 = await node.BrokerAsync(Requests.Pull("G", "P1", 0, 0));
        AssertPull(empty0, ResponseCode.PullNotFound, next: 0, min: 0, max: 0);
        var empty5 = await node.BrokerAsync(Requests.Pull("G", "P1", 0, 5));
        AssertPull(empty5, ResponseCode.PullOffsetMoved, next: 0, min: 0, max: 0);

        await node.BrokerAsync(Requests.SendV2("P1", "y", queueId: 1));
        await node.BrokerAsync(Requests.SendV2("P1", "z", queueId: 1));
        AssertPull(await node.BrokerAsync(Requests.Pull("G", "P1", 1, 3)), ResponseCode.PullNotFound, next: 3, min: 0, max: 3);
        AssertPull(await node.BrokerAsync(Requests.Pull("G", "P1", 1, 10)), ResponseCode.PullOffsetMoved, next: 3, min: 0, max: 3);
        var found = await node.BrokerAsync(Requests.Pull("G", "P1", 1, 1));
        AssertPull(found, ResponseCode.Success, next: 3, min: 0, max: 3);
        Assert.Equal(2, Requests.Records(found.Body).Count);
        Assert.Equal("0", found.GetExtField("suggestWhichBrokerId"));
    }

    [Fact]
    public async Task Pull_FiltersByTag_AndRetriesImmediatelyWhenNothingMatches()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("P2", "a", 0, Requests.Props(("TAGS", "A"))));
        await node.BrokerAsync(Requests.SendV2("P2", "b", 0, Requests.Props(("TAGS", "B"))));
        await node.BrokerAsync(Requests.SendV2("P2", "a2", 0, Requests.Props(("TAGS", "A"))));

        var onlyB = await node.BrokerAsync(Requests.Pull("G", "P2", 0, 0, subscription: "B || C"));
        Assert.Equal((int)ResponseCode.Success, onlyB.Code);
        var record = Assert.Single(Requests.Records(onlyB.Body));
        Assert.Equal("B", record.Tags);
        Assert.Equal(3, Requests.Long(onlyB, "nextBeginOffset"));

        var none = await node.BrokerAsync(Requests.Pull("G", "P2", 0, 0, subscription: "Z"));
        AssertPull(none, ResponseCode.PullRetryImmediately, next: 3, min: 0, max: 3);
    }

    [Fact]
    public async Task LongPoll_IsAnsweredWhenAMessageArrives()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("P3", "first", 0));
        var watch = Stopwatch.StartNew();
        var held = node.BrokerAsync(Requests.Pull("G", "P3", 0, 1, sysFlag: 0x2 | 0x4, suspendMillis: 8000));
        await Task.Delay(300);
        Assert.False(held.IsCompleted);
        await using var producer = node.NewClient(new());
        await producer.InvokeAsync(node.BrokerAddress, Requests.SendV2("P3", "second", 0), TimeSpan.FromSeconds(5));

        var response = await held;
        watch.Stop();
        Assert.Equal((int)ResponseCode.Success, response.Code);
        Assert.Equal("second", System.Text.Encoding.UTF8.GetString(Assert.Single(Requests.Records(response.Body)).Body));
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task LongPoll_IsNotHeldOnceTheBrokerStopsAccepting()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("P6", "only", 0));

        // What the shutdown's first phase tells the broker: held pulls are answered, and a pull arriving after
        // that must not wait either (its connection would hold the stop up until the server gives up on it).
        node.Broker.BrokerActorRef.Tell(ReleaseAllHolds.Instance, Akka.Actor.ActorRefs.NoSender);
        var watch = Stopwatch.StartNew();
        var response = await node.BrokerAsync(Requests.Pull("G", "P6", 0, 1, sysFlag: 0x2 | 0x4, suspendMillis: 8000));
        watch.Stop();

        AssertPull(response, ResponseCode.PullNotFound, next: 1, min: 0, max: 1);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task LongPoll_AnswersPullNotFoundAtTheSuspendTimeout()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("P4", "only", 0));
        var watch = Stopwatch.StartNew();
        var response = await node.BrokerAsync(Requests.Pull("G", "P4", 0, 1, sysFlag: 0x2 | 0x4, suspendMillis: 1000));
        watch.Stop();
        AssertPull(response, ResponseCode.PullNotFound, next: 1, min: 0, max: 1);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Pull_WithoutSubscriptionFlag_UsesTheHeartbeatSubscription()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("P5", "m", 0));
        var unknown = await node.BrokerAsync(Requests.Pull("G5", "P5", 0, 0, sysFlag: 0));
        Assert.Equal((int)ResponseCode.SubscriptionNotExist, unknown.Code);
        Assert.NotNull(unknown.GetExtField("nextBeginOffset"));

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.Heartbeat("c1", "G5", "P5"))).Code);
        var found = await node.BrokerAsync(Requests.Pull("G5", "P5", 0, 0, sysFlag: 0));
        Assert.Equal((int)ResponseCode.Success, found.Code);
    }

    private static void AssertPull(RemotingCommand response, ResponseCode code, long next, long min, long max)
    {
        Assert.Equal((int)code, response.Code);
        Assert.Equal(next, Requests.Long(response, "nextBeginOffset"));
        Assert.Equal(min, Requests.Long(response, "minOffset"));
        Assert.Equal(max, Requests.Long(response, "maxOffset"));
        Assert.NotNull(response.GetExtField("suggestWhichBrokerId"));
    }
}
