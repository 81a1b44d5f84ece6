using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests.Follower;

/// <summary>A follower's log holds only the master's records: every write a client asks for is refused.</summary>
public sealed class FollowerWriteTests
{
    [Fact]
    public async Task Follower_RefusesSends_WithServiceNotAvailable_AndAppendsNothing()
    {
        await using var pair = await FollowerPair.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("FT", "m0", 0))).Code);
        Assert.Equal(1, pair.Follower.Membership.BrokerId);
        Assert.False(pair.Follower.Membership.IsMaster);
        long end = pair.Follower.Store.MaxPhysicalOffset;

        foreach (var send in new[] { Requests.SendV1("FT", "x", 0), Requests.SendV2("FT", "x", 0), Requests.SendBatch("FT", 0, ("a", ""), ("b", "")) })
        {
            var refused = await pair.FollowerAsync(send);
            Assert.Equal((int)ResponseCode.ServiceNotAvailable, refused.Code);
            Assert.Contains("is a follower of broker group broker-a", refused.Remark);
            Assert.Contains("its master is not known now", refused.Remark);
        }

        var sendBack = CommandHeader.CreateRequest(RequestCode.ConsumerSendMsgBack, new ConsumerSendMsgBackRequestHeader
        {
            Offset = 0,
            Group = "G",
            DelayLevel = 0,
            MaxReconsumeTimes = 16,
        });
        Assert.Equal((int)ResponseCode.ServiceNotAvailable, (await pair.FollowerAsync(sendBack)).Code);

        var end37 = CommandHeader.CreateRequest(RequestCode.EndTransaction, new EndTransactionRequestHeader
        {
            ProducerGroup = "PG",
            TranStateTableOffset = 0,
            CommitLogOffset = 0,
            CommitOrRollback = 8,
            FromTransactionCheck = false,
            MsgId = "x",
            TransactionId = "x",
        });
        var endRefused = await pair.FollowerAsync(end37);
        Assert.Equal((int)ResponseCode.SlaveNotAvailable, endRefused.Code);

        Assert.Equal(end, pair.Follower.Store.MaxPhysicalOffset);
        Assert.Equal(0, pair.Follower.Store.AppendedRecords);
    }

    [Fact]
    public async Task MasterBecomingFollower_NamesItsMasterInTheRefusal_AndReportsSlave()
    {
        await using var node = await BrokerFixture.StartAsync();
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Requests.SendV2("FT", "m0", 0))).Code);
        Assert.Equal("SYNC_MASTER", await RuntimeValueAsync(node, "brokerRole"));

        await node.Broker.BecomeFollowerAsync(2, 7, "10.0.0.9:10911");

        var refused = await node.BrokerAsync(Requests.SendV2("FT", "m1", 0));
        Assert.Equal((int)ResponseCode.ServiceNotAvailable, refused.Code);
        Assert.Contains("broker id 2", refused.Remark);
        Assert.Contains("its master is 10.0.0.9:10911", refused.Remark);
        Assert.Equal(1, node.Broker.Store.GetMaxOffset("FT", 0));
        Assert.Equal("SLAVE", await RuntimeValueAsync(node, "brokerRole"));
        Assert.Equal("10.0.0.9:10911", await RuntimeValueAsync(node, "masterAddr"));
        Assert.Equal(node.BrokerAddress, node.Feed.Current.Groups[BrokerFixture.Group].Addresses[2]);

        // The broker's own appends are refused too: an offset commit is kept in memory only.
        long end = node.Broker.Store.MaxPhysicalOffset;
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(FollowerPair.UpdateOffset("G", "FT", 0, 1))).Code);
        await node.Broker.FlushAsync();
        Assert.Equal(end, node.Broker.Store.MaxPhysicalOffset);
        var query = await node.BrokerAsync(FollowerPair.QueryOffset("G", "FT", 0));
        Assert.Equal(1, CommandHeader.Decode<QueryConsumerOffsetResponseHeader>(query).Offset);
    }

    internal static async Task<string?> RuntimeValueAsync(BrokerFixture node, string key)
    {
        var response = await node.BrokerAsync(RemotingCommand.CreateRequest(RequestCode.GetBrokerRuntimeInfo));
        return KvTableBody.Decode(response.Body.Span).Table.TryGetValue(key, out var value) ? value : null;
    }
}
