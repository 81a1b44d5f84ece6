using System.Text;
using AkkaMq.Client;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>queryMsgByOffset, printMsg, printMsgByQueue, sendMsgStatus and checkMsgSendRT against a node.</summary>
[Trait("Category", "EndToEnd")]
public sealed class MessageReadCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task QueryMsgByOffset_PrintsTheMessageAtThatOffset()
    {
        await SendAsync("ByOffset", ("TagA", "first"), ("TagB", "second"));

        var shown = await AdminAsync("queryMsgByOffset", "-t", "ByOffset", "-b", "broker-a", "-i", "0", "-o", "1");

        Assert.Contains("second", shown.Output);
        Assert.Contains("[TagB]", shown.Output);
        Assert.DoesNotContain("first", shown.Output);
        Assert.Equal(string.Empty, (await AdminAsync("queryMsgByOffset", "-t", "ByOffset", "-b", "broker-a", "-i", "0", "-o", "2")).Output);
    }

    [Fact]
    public async Task PrintMsg_PrintsEveryQueueBetweenItsOffsets_WithOrWithoutBodies()
    {
        await SendAsync("Printed", ("TagA", "alpha"), ("TagB", "beta"));

        var printed = await AdminAsync("printMsg", "-t", "Printed");

        Assert.Contains("minOffset=0, maxOffset=2, MessageQueue [topic=Printed, brokerName=broker-a, queueId=0]", printed.Output);
        Assert.Contains("BODY: alpha", printed.Output);
        Assert.Contains("BODY: beta", printed.Output);
        Assert.Contains("--------------------------------------------------------", printed.Output);

        var tagged = await AdminAsync("printMsg", "-t", "Printed", "-s", "TagB", "-d", "false");
        Assert.Single(tagged.Output.Split('\n'), l => l.StartsWith("MSGID: ", StringComparison.Ordinal));
        Assert.Contains("BODY: NOT PRINT BODY", tagged.Output);

        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var none = await AdminAsync("printMsg", "-t", "Printed", "-b", future);
        Assert.Contains("minOffset=2, maxOffset=2", none.Output);
        Assert.DoesNotContain("MSGID:", none.Output);

        var badTime = await CliRun.InvokeAsync("admin", "printMsg", "-n", _node.NameServer, "-t", "Printed", "-b", "yesterday");
        Assert.Equal(1, badTime.ExitCode);
        Assert.Contains("'yesterday' is not a timestamp", badTime.Error);
    }

    [Fact]
    public async Task PrintMsgByQueue_CountsByTag_AndPrintsOnlyWhenAsked()
    {
        await SendAsync("ByQueue", ("TagA", "1"), ("TagA", "2"), ("TagB", "3"));

        var counted = await AdminAsync("printMsgByQueue", "-t", "ByQueue", "-a", "broker-a", "-i", "0", "-f", "true");

        var lines = counted.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"Tag: {"TagA",-30} Count: 2", $"Tag: {"TagB",-30} Count: 1"], lines);

        var printed = await AdminAsync("printMsgByQueue", "-t", "ByQueue", "-a", "broker-a", "-i", "0", "-p", "true", "-d", "true");
        Assert.Equal(3, printed.Output.Split('\n').Count(l => l.StartsWith("MSGID: ", StringComparison.Ordinal)));
        Assert.Contains("BODY: 3", printed.Output);
    }

    [Fact]
    public async Task SendMsgStatusAndCheckMsgSendRT_TimeRealSends()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "RtTopic", "-r", "2", "-w", "2");

        var status = await AdminAsync("sendMsgStatus", "-b", "broker-a", "-s", "32", "-c", "3");

        var rows = status.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.All(rows, r => Assert.Matches(@"^rt=\d+ms, SendResult=SendResult \[sendStatus=SEND_OK, msgId=\w+, offsetMsgId=\w+, messageQueue=MessageQueue \[topic=broker-a, brokerName=broker-a, queueId=\d+\], queueOffset=\d+\]", r));
        await using var admin = new AdminClient(_node.ClientOptions("rt-admin"));
        Assert.Equal(4, (await admin.GetTopicStatsAsync("broker-a")).OffsetTable.Values.Sum(o => o.MaxOffset));

        var rt = await AdminAsync("checkMsgSendRT", "-t", "RtTopic", "-a", "4", "-s", "16");

        var lines = rt.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("#Broker Name", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Count(l => l.StartsWith("broker-a", StringComparison.Ordinal) && l.Contains(" true ", StringComparison.Ordinal)));
        Assert.Matches(@"^Avg RT: \d+\.\d\d$", lines[^1]);
        Assert.Equal(4, (await admin.GetTopicStatsAsync("RtTopic")).OffsetTable.Values.Sum(o => o.MaxOffset));

        var cluster = await AdminAsync("clusterRT", "-a", "3", "-s", "8", "--rounds", "1");

        var clusterLines = cluster.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("#Cluster Name", clusterLines[0], StringComparison.Ordinal);
        Assert.Matches(@"^DefaultCluster\s+broker-a\s+\d+\.\d\d\s+3\s+0$", Assert.Single(clusterLines[1..]));
        Assert.Equal(7, (await admin.GetTopicStatsAsync("broker-a")).OffsetTable.Values.Sum(o => o.MaxOffset));
    }

    private async Task SendAsync(string topic, params (string Tag, string Body)[] messages)
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", topic, "-r", "1", "-w", "1");
        await using var producer = new Producer("read-pg-" + topic, _node.ClientOptions("read-" + topic));
        await producer.StartAsync();
        foreach (var (tag, body) in messages)
        {
            await producer.SendAsync(new Message(topic, tag, Encoding.UTF8.GetBytes(body)));
        }
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
