using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using AkkaMq.Broker.Transactions;
using AkkaMq.Cluster.Routing;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Store;

namespace AkkaMq.Broker.Tests;

public sealed class TransactionTests
{
    private const int Commit = 8;
    private const int Rollback = 12;

    /// <summary>Timers long enough that no check-back runs during a test that does not want one.</summary>
    private static readonly TransactionSettings NoChecks = new(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), 15);

    [Fact]
    public async Task HalfMessage_IsInvisible_UntilCommitted_ThenDeliveredOnceToItsQueue()
    {
        await using var node = await BrokerFixture.StartAsync(transaction: NoChecks);
        long born = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sent = await node.BrokerAsync(Half("Orders", 1, "order-1", "uniq-1", born));
        Assert.Equal((int)ResponseCode.Success, sent.Code);
        Assert.Equal("1", sent.GetExtField("queueId"));
        long halfOffset = Requests.Long(sent, "queueOffset");
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out _, out long halfCommitLog));

        var half = StoredAt(node, halfCommitLog);
        Assert.Equal((TopicNames.TransactionHalf, 0), (half.Topic, half.QueueId));
        Assert.Equal(0, half.SysFlag & 0xC);
        Assert.Equal(("Orders", "1"), (half.GetProperty("REAL_TOPIC"), half.GetProperty("REAL_QID")));
        Assert.Empty(await PullAllAsync(node, "Orders", 1));
        Assert.Empty(await PullAllAsync(node, TopicNames.TransactionHalf, 0));

        var end = await node.BrokerAsync(End(halfOffset, halfCommitLog, Commit, "uniq-1"));
        Assert.Equal((int)ResponseCode.Success, end.Code);
        var message = Assert.Single(await PullAllAsync(node, "Orders", 1));
        Assert.Equal(("Orders", 1, "order-1"), (message.Topic, message.QueueId, Encoding.UTF8.GetString(message.Body)));
        Assert.Equal(8, message.SysFlag & 0xC);
        Assert.Equal("true", message.GetProperty("TRAN_MSG"));
        Assert.Equal("PG", message.GetProperty("PGROUP"));
        Assert.Equal(("uniq-1", "key-1"), (message.UniqueKey, message.Keys));
        Assert.Null(message.GetProperty("REAL_TOPIC"));
        Assert.Null(message.GetProperty("REAL_QID"));
        Assert.Equal(born, message.BornTimestamp);
        Assert.Equal(halfCommitLog, message.PreparedTransactionOffset);

        // A second commit and a late rollback of the same half change nothing.
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(End(halfOffset, halfCommitLog, Commit, "uniq-1"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(End(halfOffset, halfCommitLog, Rollback, "uniq-1"))).Code);
        Assert.Single(await PullAllAsync(node, "Orders", 1));
        Assert.Equal(0, await OpenCountAsync(node));
    }

    [Fact]
    public async Task RolledBackHalf_IsNeverDelivered_AndBadEndRequestsGetJavasErrors()
    {
        await using var node = await BrokerFixture.StartAsync(transaction: NoChecks);
        var sent = await node.BrokerAsync(Half("Refunds", 0, "refund-1", "uniq-2", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        long halfOffset = Requests.Long(sent, "queueOffset");
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out _, out long halfCommitLog));

        var wrongGroup = await node.BrokerAsync(End(halfOffset, halfCommitLog, Commit, "uniq-2", group: "OTHER"));
        Assert.Equal(((int)ResponseCode.SystemError, "The producer group wrong"), (wrongGroup.Code, wrongGroup.Remark));
        var unknown = await node.BrokerAsync(End(halfOffset + 7, halfCommitLog, Commit, "uniq-2"));
        Assert.Equal(((int)ResponseCode.SystemError, "Find prepared transaction message failed"), (unknown.Code, unknown.Remark));
        Assert.Equal(1, await OpenCountAsync(node));

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(End(halfOffset, halfCommitLog, Rollback, "uniq-2"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(End(halfOffset, halfCommitLog, Commit, "uniq-2"))).Code);
        Assert.Empty(await PullAllAsync(node, "Refunds", 0));
        Assert.Equal(0, await OpenCountAsync(node));

        // Clients may not write the transaction topics themselves.
        var direct = await node.BrokerAsync(Requests.SendV2(TopicNames.TransactionHalf, "x", 0));
        Assert.Equal((int)ResponseCode.NoPermission, direct.Code);
    }

    [Fact]
    public async Task CheckBack_AsksALiveProducerAfterImmunity_AndHonoursItsCommit()
    {
        var settings = new TransactionSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300), 15);
        await using var node = await BrokerFixture.StartAsync(transaction: settings);
        await node.BrokerAsync(Requests.Heartbeat("producer-1", "CG", "Other"));
        long born = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sent = await node.BrokerAsync(Half("Payments", 2, "pay-1", "uniq-3", born));
        long halfOffset = Requests.Long(sent, "queueOffset");

        var check = await NextCheckAsync(node.ServerRequests);
        Assert.True(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - born >= 300, "checked before its immunity time");
        var header = CommandHeader.Decode<CheckTransactionStateRequestHeader>(check);
        Assert.Equal("uniq-3", header.MsgId);
        Assert.NotEqual(halfOffset, header.TranStateTableOffset);
        var body = StoredMessage.Decode(check.Body.Span);
        Assert.Equal(("Payments", 2, "pay-1"), (body.Topic, body.QueueId, Encoding.UTF8.GetString(body.Body)));
        Assert.Equal("1", body.GetProperty("TRANSACTION_CHECK_TIMES"));
        Assert.Empty(await PullAllAsync(node, "Payments", 2));

        var answer = End(header.TranStateTableOffset, header.CommitLogOffset, Commit, "uniq-3");
        answer.ExtFields["fromTransactionCheck"] = "true";
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(answer)).Code);
        var message = Assert.Single(await PullAllAsync(node, "Payments", 2));
        Assert.Equal("pay-1", Encoding.UTF8.GetString(message.Body));

        // The original producer's late commit of the first half offset is not a second message.
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out _, out long halfCommitLog));
        await node.BrokerAsync(End(halfOffset, halfCommitLog, Commit, "uniq-3"));
        Assert.Single(await PullAllAsync(node, "Payments", 2));
    }

    [Fact]
    public async Task UndecidedHalf_IsDroppedAfterMaxChecks_CountedAcrossARestart()
    {
        var settings = new TransactionSettings(TimeSpan.FromMilliseconds(150), TimeSpan.Zero, 2);
        await using var node = await BrokerFixture.StartAsync(transaction: settings);
        await node.BrokerAsync(Requests.Heartbeat("producer-1", "CG", "Other"));
        var sent = await node.BrokerAsync(Half("Stuck", 0, "stuck-1", "uniq-4", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        Assert.True(MessageId.TryParse(sent.GetExtField("msgId"), out _, out long halfCommitLog));
        var first = StoredMessage.Decode((await NextCheckAsync(node.ServerRequests)).Body.Span);
        Assert.Equal("1", first.GetProperty("TRANSACTION_CHECK_TIMES"));

        await node.RestartBrokerAsync();
        await node.BrokerAsync(Requests.Heartbeat("producer-1", "CG", "Other"));
        var dropped = TopicNames.TransactionCheckMaxTime;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (node.Broker.Store.GetMaxOffset(dropped, 0) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, node.Broker.Store.GetMaxOffset(dropped, 0));
        var checks = new List<string?>();
        foreach (var request in node.ServerRequests)
        {
            if (request.Code == (int)RequestCode.CheckTransactionState)
            {
                checks.Add(StoredMessage.Decode(request.Body.Span).GetProperty("TRANSACTION_CHECK_TIMES"));
            }
        }

        Assert.Equal(["1", "2"], checks);
        Assert.Equal(0, await OpenCountAsync(node));

        // Once dropped, a late commit is not delivered.
        long halfOffset = Requests.Long(sent, "queueOffset");
        await node.BrokerAsync(End(halfOffset, halfCommitLog, Commit, "uniq-4"));
        Assert.Empty(await PullAllAsync(node, "Stuck", 0));
    }

    [Fact]
    public async Task Restart_KeepsUndecidedHalves_AndNeverRedeliversCommittedOnes()
    {
        await using var node = await BrokerFixture.StartAsync(transaction: NoChecks);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var a = await node.BrokerAsync(Half("Ledger", 0, "a", "uniq-a", now));
        var b = await node.BrokerAsync(Half("Ledger", 0, "b", "uniq-b", now));
        var c = await node.BrokerAsync(Half("Ledger", 0, "c", "uniq-c", now));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(EndOf(a, Commit, "uniq-a"))).Code);
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(EndOf(c, Rollback, "uniq-c"))).Code);

        await node.RestartBrokerAsync();
        Assert.Equal(1, await OpenCountAsync(node));
        await node.BrokerAsync(EndOf(a, Commit, "uniq-a"));
        await node.BrokerAsync(EndOf(c, Commit, "uniq-c"));
        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(EndOf(b, Commit, "uniq-b"))).Code);

        var bodies = new List<string>();
        foreach (var message in await PullAllAsync(node, "Ledger", 0))
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body));
        }

        Assert.Equal(["a", "b"], bodies);
        await node.RestartBrokerAsync();
        Assert.Equal(0, await OpenCountAsync(node));
    }

    private static RemotingCommand Half(string topic, int queueId, string body, string uniqueId, long born)
    {
        var header = Requests.SendHeader(topic, queueId, Requests.Props(
            ("TRAN_MSG", "true"), ("PGROUP", "PG"), ("UNIQ_KEY", uniqueId), ("KEYS", "key-1"), ("WAIT", "true")));
        header.SysFlag = 0x4;
        header.BornTimestamp = born;
        return CommandHeader.CreateRequest(RequestCode.SendMessageV2, header, Encoding.UTF8.GetBytes(body), HeaderKeyStyle.Short);
    }

    private static RemotingCommand End(long halfOffset, long commitLogOffset, int kind, string uniqueId, string group = "PG") =>
        CommandHeader.CreateRequest(RequestCode.EndTransaction, new EndTransactionRequestHeader
        {
            ProducerGroup = group,
            TranStateTableOffset = halfOffset,
            CommitLogOffset = commitLogOffset,
            CommitOrRollback = kind,
            FromTransactionCheck = false,
            MsgId = uniqueId,
            TransactionId = uniqueId,
        });

    private static RemotingCommand EndOf(RemotingCommand sendResponse, int kind, string uniqueId)
    {
        Assert.True(MessageId.TryParse(sendResponse.GetExtField("msgId"), out _, out long commitLog));
        return End(Requests.Long(sendResponse, "queueOffset"), commitLog, kind, uniqueId);
    }

    private static StoredMessage StoredAt(BrokerFixture node, long commitLogOffset)
    {
        var buffer = new byte[64 * 1024];
        Assert.True(node.Broker.Store.TryReadMessage(commitLogOffset, buffer, out int size));
        return StoredMessage.Decode(buffer.AsSpan(0, size));
    }

    private static async Task<List<StoredMessage>> PullAllAsync(BrokerFixture node, string topic, int queueId)
    {
        var response = await node.BrokerAsync(Requests.Pull("TXC", topic, queueId, 0));
        return response.Code == (int)ResponseCode.Success ? Requests.Records(response.Body) : [];
    }

    private static async Task<int> OpenCountAsync(BrokerFixture node) =>
        (await node.Broker.Transactions.Ask<OpenTransactions>(GetOpenTransactions.Instance, TimeSpan.FromSeconds(5))).Count;

    private static async Task<RemotingCommand> NextCheckAsync(ConcurrentQueue<RemotingCommand> requests)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var request in requests)
            {
                if (request.Code == (int)RequestCode.CheckTransactionState)
                {
                    return request;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no CHECK_TRANSACTION_STATE arrived");
    }
}
