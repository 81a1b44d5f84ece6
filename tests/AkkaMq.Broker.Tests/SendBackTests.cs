using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Broker.Tests;

public sealed class SendBackTests
{
    [Fact]
    public async Task SendBack_StoresARetryCopy_ThenDeadLettersItPastTheLimit()
    {
        await using var node = await BrokerFixture.StartAsync();
        await node.BrokerAsync(Requests.SendV2("Work", "job-1", 0, Requests.Props(("TAGS", "t"))));
        var original = Assert.Single(Requests.Records((await node.BrokerAsync(Requests.Pull("WG", "Work", 0, 0))).Body));

        var back = await node.BrokerAsync(SendBack(original.CommitLogOffset, "WG", original.MessageId, maxReconsume: 16, delayLevel: 1));
        Assert.Equal((int)ResponseCode.Success, back.Code);

        // Level 1 = 1 s in the schedule topic before the retry queue sees it.
        Assert.Equal((int)ResponseCode.PullNotFound, (await node.BrokerAsync(Requests.Pull("WG", "%RETRY%WG", 0, 0))).Code);
        var delivered = await node.BrokerAsync(Requests.Pull("WG", "%RETRY%WG", 0, 0, sysFlag: 0x2 | 0x4, suspendMillis: 5000));
        var retry = Assert.Single(Requests.Records(delivered.Body));
        Assert.Equal("job-1", Encoding.UTF8.GetString(retry.Body));
        Assert.Equal(1, retry.ReconsumeTimes);
        Assert.Equal("Work", retry.GetProperty("RETRY_TOPIC"));
        Assert.Equal(original.MessageId, retry.GetProperty("ORIGIN_MESSAGE_ID"));
        Assert.Null(retry.GetProperty("DELAY"));
        Assert.Equal("%RETRY%WG", retry.GetProperty("REAL_TOPIC"));
        Assert.Equal("t", retry.Tags);

        var dead = await node.BrokerAsync(SendBack(retry.CommitLogOffset, "WG", original.MessageId, maxReconsume: 1));
        Assert.Equal((int)ResponseCode.Success, dead.Code);
        var dlq = Assert.Single(Requests.Records((await node.BrokerAsync(Requests.Pull("WG", "%DLQ%WG", 0, 0))).Body));
        Assert.Equal(2, dlq.ReconsumeTimes);
        Assert.Equal("Work", dlq.GetProperty("RETRY_TOPIC"));

        var missing = await node.BrokerAsync(SendBack(987_654_321, "WG", null, maxReconsume: 16));
        Assert.Equal((int)ResponseCode.SystemError, missing.Code);
    }

    [Fact]
    public async Task LockBatch_GrantsFreeQueues_AndRefusesQueuesHeldByAnotherClient()
    {
        await using var node = await BrokerFixture.StartAsync();
        var q0 = new MessageQueue("Ordered", BrokerFixture.Group, 0);
        var q1 = new MessageQueue("Ordered", BrokerFixture.Group, 1);
        var first = await node.BrokerAsync(Lock(RequestCode.LockBatchMq, "c1", q0, q1));
        Assert.Equal(2, LockBatchResponseBody.Decode(first.Body.Span).LockOKMQSet.Count);

        var second = await node.BrokerAsync(Lock(RequestCode.LockBatchMq, "c2", q0, q1));
        Assert.Empty(LockBatchResponseBody.Decode(second.Body.Span).LockOKMQSet);

        Assert.Equal((int)ResponseCode.Success, (await node.BrokerAsync(Lock(RequestCode.UnlockBatchMq, "c1", q1))).Code);
        var third = await node.BrokerAsync(Lock(RequestCode.LockBatchMq, "c2", q0, q1));
        Assert.Equal([q1], LockBatchResponseBody.Decode(third.Body.Span).LockOKMQSet);
    }

    private static RemotingCommand Lock(RequestCode code, string clientId, params MessageQueue[] queues) =>
        RemotingCommand.CreateRequest(code, null, new LockBatchRequestBody { ConsumerGroup = "OG", ClientId = clientId, MqSet = [.. queues] }.Encode());

    [Fact]
    public async Task DelayedMessage_IsDeliveredToItsQueueAfterItsLevel()
    {
        await using var node = await BrokerFixture.StartAsync();
        // Level 1 is 1 s from the store time, which is after this clock starts.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sent = await node.BrokerAsync(Requests.SendV2("Later", "delayed", 2, Requests.Props(("DELAY", "1"))));
        Assert.Equal((int)ResponseCode.Success, sent.Code);
        Assert.Equal("2", sent.GetExtField("queueId"));
        Assert.Equal((int)ResponseCode.PullNotFound, (await node.BrokerAsync(Requests.Pull("LG", "Later", 2, 0))).Code);

        var delivered = await node.BrokerAsync(Requests.Pull("LG", "Later", 2, 0, sysFlag: 0x2 | 0x4, suspendMillis: 5000));
        var record = Assert.Single(Requests.Records(delivered.Body));
        Assert.Equal("delayed", Encoding.UTF8.GetString(record.Body));
        Assert.Null(record.GetProperty("DELAY"));
        Assert.Equal(("Later", 2), (record.Topic, record.QueueId));
        // Store times are whole milliseconds: allow that rounding below the 1 s level.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(990), TimeSpan.FromSeconds(5));
    }

    private static RemotingCommand SendBack(long offset, string group, string? originMsgId, int maxReconsume, int delayLevel = 0)
    {
        var request = CommandHeader.CreateRequest(RequestCode.ConsumerSendMsgBack, new ConsumerSendMsgBackRequestHeader
        {
            Offset = offset,
            Group = group,
            DelayLevel = delayLevel,
            OriginMsgId = originMsgId,
            MaxReconsumeTimes = maxReconsume,
        });
        request.Version = 121;
        return request;
    }
}
