using AkkaMq.Broker.Replication;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Codec;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;
using Microsoft.Extensions.Logging.Abstractions;
using static AkkaMq.Broker.Tests.Replication.ReplicationTestSupport;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>
/// A client's send to a sync-mode master that serves replication to one follower of its in-sync set: answered
/// SEND_OK only once the follower holds the message, FLUSH_SLAVE_TIMEOUT (with the send header) when it does not.
/// </summary>
public sealed class InSyncSendTests
{
    private const string Group = "isr-group";
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task SendOkOnlyAfterTheFollowerHasTheMessage_FlushSlaveTimeoutWhenTheFollowerStopped()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        using var replica = new TempStore();
        using var replicaStore = MessageStore.Open(replica.Settings with
        {
            CommitLogSegmentSize = 1 << 20,
            FlushMode = FlushMode.GroupCommit,
            MaxMessageSize = 64 * 1024,
        });
        await using var master = await StartMasterAsync(fixture);
        await master.BecomeMasterAsync(1);
        master.SetLeadership(new ReplicationLeadership(Group, 1), new SyncStateSet(1, 1, [0, 1]));
        var gate = master.InSync!;
        string address = "127.0.0.1:" + master.LocalEndPoint.Port;

        // No follower yet: the send is stored but waits for member 1.
        var first = fixture.Client.InvokeAsync(address, Requests.SendV2("IsrTopic", "first", queueId: 0), TimeSpan.FromSeconds(10));
        Until(() => gate.Waiting == 1, "the send to wait for its replica");
        Assert.False(first.IsCompleted);

        var follower = new ReplicationFollower(replicaStore, new ReplicationFollowerOptions(master.ReplicationAddress!, Group, 1, "node-b") { KnownEpoch = 1 });
        follower.Start();
        RemotingCommand ok = await first.WaitAsync(TimeSpan.FromSeconds(10));
        long replicaEnd = replicaStore.MaxPhysicalOffset;
        Assert.Equal((int)ResponseCode.Success, ok.Code);
        Assert.True(replicaEnd > OffsetOf(ok), $"the follower holds the record at {OffsetOf(ok)} (its end {replicaEnd}) when SEND_OK is answered");

        // While the follower keeps up, sends are acknowledged without waiting for a timeout.
        var second = await fixture.Client.InvokeAsync(address, Requests.SendV2("IsrTopic", "second", queueId: 0), TimeSpan.FromSeconds(10));
        Assert.Equal((int)ResponseCode.Success, second.Code);
        Assert.True(replicaStore.MaxPhysicalOffset > OffsetOf(second));

        // The follower stops: the set still names it (only the controller changes the set), so the send times out.
        await follower.DisposeAsync();
        var started = DateTime.UtcNow;
        var timedOut = await fixture.Client.InvokeAsync(address, Requests.SendV2("IsrTopic", "third", queueId: 0), TimeSpan.FromSeconds(10));
        Assert.Equal((int)ResponseCode.FlushSlaveTimeout, timedOut.Code);
        Assert.True(DateTime.UtcNow - started >= AckTimeout - TimeSpan.FromMilliseconds(100));
        // Stored here, so the answer carries the send header as RocketMQ's does.
        Assert.True(OffsetOf(timedOut) > OffsetOf(second));
        Assert.True(CommandHeader.TryDecode<SendMessageResponseHeader>(timedOut, out var header, out _));
        Assert.Equal(2, header.QueueOffset);
        Assert.True(replicaStore.MaxPhysicalOffset <= OffsetOf(timedOut));
    }

    [Fact]
    public async Task DemotedMaster_AnswersWaitingSendsServiceNotAvailable_AndTooSmallASetSlaveNotAvailable()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        await using var master = await StartMasterAsync(fixture, minInSync: 2);
        await master.BecomeMasterAsync(1);
        master.SetLeadership(new ReplicationLeadership(Group, 1), new SyncStateSet(1, 1, [0, 1]));
        string address = "127.0.0.1:" + master.LocalEndPoint.Port;

        var waiting = fixture.Client.InvokeAsync(address, Requests.SendV2("IsrTopic", "w", queueId: 0), TimeSpan.FromSeconds(10));
        Until(() => master.InSync!.Waiting == 1, "the send to wait for its replica");
        master.SetLeadership(null);
        Assert.Equal((int)ResponseCode.ServiceNotAvailable, (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Code);

        // Master again with itself alone, below min-in-sync-replicas 2.
        master.SetLeadership(new ReplicationLeadership(Group, 2));
        var refused = await fixture.Client.InvokeAsync(address, Requests.SendV2("IsrTopic", "r", queueId: 0), TimeSpan.FromSeconds(10));
        Assert.Equal((int)ResponseCode.SlaveNotAvailable, refused.Code);
        Assert.True(CommandHeader.TryDecode<SendMessageResponseHeader>(refused, out _, out _));

        // A consumer's send-back is refused as RocketMQ refuses any put that is not PUT_OK.
        var sendBack = CommandHeader.CreateRequest(RequestCode.ConsumerSendMsgBack, new ConsumerSendMsgBackRequestHeader
        {
            Offset = OffsetOf(refused),
            Group = "isr-consumers",
            DelayLevel = 0,
            MaxReconsumeTimes = 16,
        });
        sendBack.Version = 121;
        var back = await fixture.Client.InvokeAsync(address, sendBack, TimeSpan.FromSeconds(10));
        Assert.Equal(((int)ResponseCode.SystemError, "SLAVE_NOT_AVAILABLE"), (back.Code, back.Remark));
    }

    private static long OffsetOf(RemotingCommand response)
    {
        Assert.True(CommandHeader.TryDecode<SendMessageResponseHeader>(response, out var header, out var error), error);
        Assert.True(MessageId.TryParse(header.MsgId, out _, out long offset));
        return offset;
    }

    private static Task<BrokerRole> StartMasterAsync(BrokerFixture fixture, int minInSync = 1)
    {
        var settings = BrokerFixture.Settings(Path.Combine(fixture.Dir, "isr-master"), autoCreate: true) with
        {
            Group = Group,
            Replication = new ReplicationSettings(ReplicationMode.Sync, minInSync, Listen: "127.0.0.1:0", Advertise: "127.0.0.1:0",
                FetchWait: TimeSpan.FromMilliseconds(200), AckTimeout: AckTimeout),
        };
        return BrokerRole.StartAsync(
            (props, name) => Task.FromResult(fixture.System.ActorOf(props, name + "-isr")),
            new BrokerRoleOptions(BrokerFixture.Cluster, settings) { ServeReplication = true },
            fixture.Feed, fixture.Registry, NullLoggerFactory.Instance, CancellationToken.None);
    }
}
