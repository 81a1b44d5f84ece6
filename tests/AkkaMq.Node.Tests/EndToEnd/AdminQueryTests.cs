using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary><c>akkamq admin</c> message lookups by key and unique key, and consumer progress per queue.</summary>
[Trait("Category", "EndToEnd")]
public sealed class AdminQueryTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task QueryMsgByKey_ListsEveryMessageWithTheKey_AndOnlyThose()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "KeyTopic", "-r", "2", "-w", "2");
        var sent = new List<SendResult>();
        await using (var producer = await StartProducerAsync())
        {
            sent.Add(await producer.SendAsync(new Message("KeyTopic", Encoding.UTF8.GetBytes("a")) { Keys = "order-1 customer-7" }));
            sent.Add(await producer.SendAsync(new Message("KeyTopic", Encoding.UTF8.GetBytes("b")) { Keys = "order-2" }));
            sent.Add(await producer.SendAsync(new Message("KeyTopic", Encoding.UTF8.GetBytes("c")) { Keys = "customer-7" }));
        }

        var result = await AdminAsync("queryMsgByKey", "-t", "KeyTopic", "-k", "customer-7");

        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("#Message ID", lines[0]);
        Assert.Contains("#QID", lines[0]);
        Assert.Contains("#Offset", lines[0]);
        Assert.Equal(3, lines.Length);
        foreach (var hit in new[] { sent[0], sent[2] })
        {
            var row = Assert.Single(lines, l => l.StartsWith(hit.MsgId, StringComparison.Ordinal));
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(hit.MessageQueue.QueueId.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(hit.QueueOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(hit.OffsetMsgId, cells[3]);
        }

        Assert.DoesNotContain(sent[1].MsgId, result.Output);
    }

    [Fact]
    public async Task QueryMsgByKey_OutsideTheTimeRange_IsNotFound()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "RangeTopic", "-r", "1", "-w", "1");
        await AdminAsync("sendMessage", "-t", "RangeTopic", "-p", "x", "-k", "ranged");
        long before = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        long stillBefore = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

        var inRange = await AdminAsync("queryMsgByKey", "-t", "RangeTopic", "-k", "ranged", "-b", before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var outOfRange = await CliRun.InvokeAsync(
            "admin", "queryMsgByKey", "-n", _node.NameServer, "-t", "RangeTopic", "-k", "ranged",
            "-b", before.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", stillBefore.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, inRange.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(1, outOfRange.ExitCode);
        Assert.Contains("no message with key [ranged] in topic [RangeTopic]", outOfRange.Error);
    }

    [Fact]
    public async Task QueryMsgByKey_WithTimestampsBeyondADate_MeansNoLimit()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "FarTopic", "-r", "1", "-w", "1");
        await AdminAsync("sendMessage", "-t", "FarTopic", "-p", "x", "-k", "far");

        // mqadmin takes any long; Long.MAX_VALUE is a common "no end".
        var result = await AdminAsync("queryMsgByKey", "-t", "FarTopic", "-k", "far", "-b", "-5", "-e", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task QueryMsgByUniqueKey_PrintsTheMessage()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "UniqTopic", "-r", "1", "-w", "1");
        SendResult sent;
        await using (var producer = await StartProducerAsync())
        {
            await producer.SendAsync(new Message("UniqTopic", "TagX", Encoding.UTF8.GetBytes("not this one")));
            sent = await producer.SendAsync(new Message("UniqTopic", "TagU", Encoding.UTF8.GetBytes("unique body")) { Keys = "u1" });
        }

        var result = await AdminAsync("queryMsgByUniqueKey", "-t", "UniqTopic", "-i", sent.MsgId);

        Assert.Contains($"Message ID          : {sent.MsgId}", result.Output);
        Assert.Contains($"OffsetID            : {sent.OffsetMsgId}", result.Output);
        Assert.Contains("Message Body        : unique body", result.Output);
        Assert.Contains("[TagU]", result.Output);
        Assert.Contains("Queue Offset        : 1", result.Output);
        Assert.DoesNotContain("not this one", result.Output);
    }

    [Theory]
    [InlineData("queryMsgByUniqueKey", "-i", "0A0000010000000000000000000000FF", "no message with id [0A0000010000000000000000000000FF] in topic [EmptyTopic]")]
    [InlineData("queryMsgByKey", "-k", "nobody", "no message with key [nobody] in topic [EmptyTopic]")]
    public async Task Query_WithNoMatch_IsOneClearLineAndExitCode1(string command, string flag, string value, string expected)
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "EmptyTopic", "-r", "1", "-w", "1");

        var result = await CliRun.InvokeAsync("admin", command, "-n", _node.NameServer, "-t", "EmptyTopic", flag, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task Query_OfAnUnknownTopic_IsOneClearLineAndExitCode1()
    {
        var result = await CliRun.InvokeAsync("admin", "queryMsgByKey", "-n", _node.NameServer, "-t", "NoSuchTopic", "-k", "k");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("NoSuchTopic", line);
    }

    [Fact]
    public async Task ConsumerProgress_ShowsBrokerOffsetConsumerOffsetAndLagPerQueue_AndTheTotal()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "ProgressTopic", "-r", "2", "-w", "2");
        await using (var producer = await StartProducerAsync())
        {
            for (int i = 0; i < 5; i++)
            {
                await producer.SendAsync(new Message("ProgressTopic", Encoding.UTF8.GetBytes("q0-" + i)), new MessageQueue("ProgressTopic", "broker-a", 0));
            }

            for (int i = 0; i < 3; i++)
            {
                await producer.SendAsync(new Message("ProgressTopic", Encoding.UTF8.GetBytes("q1-" + i)), new MessageQueue("ProgressTopic", "broker-a", 1));
            }
        }

        await using (var consumer = new PullConsumer("progress-group", _node.ClientOptions("progress")))
        {
            await consumer.StartAsync();
            await consumer.UpdateConsumeOffsetAsync(new MessageQueue("ProgressTopic", "broker-a", 0), 2);
            await consumer.UpdateConsumeOffsetAsync(new MessageQueue("ProgressTopic", "broker-a", 1), 3);
        }

        var progress = await AdminAsync("consumerProgress", "-g", "progress-group");

        var rows = progress.Output.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("ProgressTopic", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["ProgressTopic", "broker-a", "0", "5", "2", "3"], rows[0][..6]);
        Assert.Equal(["ProgressTopic", "broker-a", "1", "3", "3", "0"], rows[1][..6]);
        Assert.Contains("Diff Total: 3", progress.Output);
    }

    private async Task<Producer> StartProducerAsync()
    {
        var producer = new Producer("admin-query-producer", _node.ClientOptions("query"));
        await producer.StartAsync();
        return producer;
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
