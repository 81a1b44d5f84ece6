using System.Globalization;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Broker statistics and consume-queue queries against a standalone node, through
/// <see cref="AdminClient"/> and through <c>akkamq admin statsAll / brokerConsumeStats / queryCq</c>.
/// The node samples its counters every 10 s, so counts are waited for with a deadline.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StatsCommandTests : IAsyncLifetime
{
    private const string Topic = "StatsTopic";
    private const string Group = "stats-group";
    private const int Sent = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task AfterSendingAndConsuming_StatsShowTheCounts_ThroughClientAndCli()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", Topic, "-r", "4", "-w", "4");
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", "IdleTopic", "-r", "1", "-w", "1");
        await SendAsync(Sent);
        await using var admin = new AdminClient(_node.ClientOptions("stats-admin"));

        await using (var consumer = await ConsumeAllAsync(admin))
        {
            var cq = await AdminAsync("queryCq", "-t", Topic, "-q", "0", "-i", "0", "-c", "3", "-g", Group);
            Assert.Contains("Subscription data:", cq.Output);
            Assert.Contains("\"topic\": \"StatsTopic\"", cq.Output);
            Assert.Contains("Filter data: \nnull", cq.Output.ReplaceLineEndings("\n"));
        }

        var put = await WaitForStatsAsync(admin, "TOPIC_PUT_NUMS", Topic, Sent);
        Assert.Equal(Sent, put.StatsMinute.Sum);
        var got = await WaitForStatsAsync(admin, "GROUP_GET_NUMS", Topic + "@" + Group, Sent);
        Assert.True(got.StatsMinute.Sum >= Sent, $"the group took {got.StatsMinute.Sum}");
        Assert.True(put.StatsMinute.Tps > 0);

        var row = StatsAllRow((await AdminAsync("statsAll", "-t", Topic)).Output, Topic);
        Assert.Equal(Group, row[1]);
        Assert.Equal("0", row[2]);
        Assert.Equal(Sent, long.Parse(row[5], CultureInfo.InvariantCulture));
        Assert.True(long.Parse(row[6], CultureInfo.InvariantCulture) >= Sent, string.Join(' ', row));
        Assert.True(double.Parse(row[3], CultureInfo.InvariantCulture) > 0);

        var everything = (await AdminAsync("statsAll")).Output;
        Assert.Contains("NO_CONSUMER", StatsAllLine(everything, "IdleTopic"));
        var active = (await AdminAsync("statsAll", "-a")).Output;
        Assert.DoesNotContain("IdleTopic", active);
        Assert.Contains(Topic, active);
    }

    [Fact]
    public async Task BrokerConsumeStatsAndQueryCq_ShowTheGroupsLagAndTheQueueEntries()
    {
        await AdminAsync("updateTopic", "-b", _node.BrokerAddress, "-t", Topic, "-r", "4", "-w", "4");
        await SendAsync(Sent);
        await using var admin = new AdminClient(_node.ClientOptions("stats-admin"));
        await (await ConsumeAllAsync(admin)).DisposeAsync();
        await SendAsync(5);

        var list = await admin.FetchConsumeStatsInBrokerAsync(_node.BrokerAddress, isOrder: false, TimeSpan.FromSeconds(10));
        Assert.Equal(5, list.TotalDiff);
        var stats = Assert.Single(Assert.Single(list.ConsumeStatsList, e => e.Key == Group).Value, s => s.OffsetTable.Keys.Any(q => q.Topic == Topic));
        Assert.Equal(Sent + 5, stats.OffsetTable.Where(e => e.Key.Topic == Topic).Sum(e => e.Value.BrokerOffset));

        var cli = (await AdminAsync("brokerConsumeStats", "-b", _node.BrokerAddress)).Output;
        Assert.Contains("#Topic", cli);
        Assert.Contains("Diff Total: 5", cli);
        var rows = cli.Split('\n').Where(l => l.StartsWith(Topic + " ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Contains(Group, r));
        Assert.Contains("Diff Total: 5", (await AdminAsync("brokerConsumeStats", "-b", _node.BrokerAddress, "-l", "1")).Output);
        Assert.Contains("Diff Total: 0", (await AdminAsync("brokerConsumeStats", "-b", _node.BrokerAddress, "-o", "true")).Output);

        var queue = await admin.QueryConsumeQueueAsync(_node.BrokerAddress, Topic, 0, 0, 1000);
        Assert.Equal(queue.MaxQueueIndex, queue.QueueData!.Count);
        Assert.True(queue.QueueData.Zip(queue.QueueData.Skip(1)).All(p => p.Item1.PhysicOffset < p.Item2.PhysicOffset));

        var cq = (await AdminAsync("queryCq", "-t", Topic, "-q", "1", "-i", "1", "-c", "2")).Output;
        Assert.Contains($"max: {(await admin.QueryConsumeQueueAsync(_node.BrokerAddress, Topic, 1, 0, 0)).MaxQueueIndex}, min: 0", cq);
        Assert.Contains("idx: 1", cq);
        Assert.Contains("idx: 2", cq);
        Assert.DoesNotContain("idx: 3", cq);
        Assert.Contains("ConsumeQueueData{physicOffset=", cq);

        var spans = await admin.QueryConsumeTimeSpanAsync(Topic, Group);
        Assert.Equal(4, spans.Count);
        Assert.All(spans, s => Assert.True(s.MinTimeStamp > 0 && s.MaxTimeStamp >= s.MinTimeStamp && s.ConsumeTimeStamp >= s.MinTimeStamp));
    }

    [Fact]
    public async Task UnknownStats_AreRefusedWithRocketMqsRemark()
    {
        await SendAsync(1);
        await using var admin = new AdminClient(_node.ClientOptions("stats-admin"));

        var badName = await Assert.ThrowsAsync<MQBrokerException>(() => admin.ViewBrokerStatsDataAsync(_node.BrokerAddress, "NO_SUCH_STATS", Topic));
        Assert.Equal((int)ResponseCode.SystemError, badName.ResponseCode);
        Assert.Contains("The stats <NO_SUCH_STATS> <StatsTopic> not exist", badName.Message);
        var badKey = await Assert.ThrowsAsync<MQBrokerException>(() => admin.ViewBrokerStatsDataAsync(_node.BrokerAddress, "GROUP_GET_NUMS", Topic + "@nobody"));
        Assert.Contains("The stats <GROUP_GET_NUMS> <StatsTopic@nobody> not exist", badKey.Message);

        var cq = await CliRun.InvokeAsync("admin", "queryCq", "-n", _node.NameServer, "-t", Topic, "-q", "99", "-i", "0", "-b", _node.BrokerAddress);
        Assert.Equal(1, cq.ExitCode);
        Assert.Contains("99@StatsTopic is not exist!", cq.Error);
    }

    private async Task SendAsync(int count)
    {
        await using var producer = new Producer("stats-producer", _node.ClientOptions("stats-p"));
        await producer.StartAsync();
        for (var i = 0; i < count; i++)
        {
            var result = await producer.SendAsync(new Message(Topic, "TagS", Encoding.UTF8.GetBytes($"stats-{i}")));
            Assert.Equal(SendStatus.SendOk, result.Status);
        }
    }

    /// <summary>A push consumer that has taken and committed every message sent so far.</summary>
    private async Task<PushConsumer> ConsumeAllAsync(AdminClient admin)
    {
        var consumed = 0;
        var consumer = new PushConsumer(Group, _node.ClientOptions("stats-c"));
        consumer.ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset;
        consumer.Subscribe(Topic, "*");
        consumer.RegisterListener((messages, _) =>
        {
            Interlocked.Add(ref consumed, messages.Count);
            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(async () =>
        {
            if (Volatile.Read(ref consumed) < Sent)
            {
                return false;
            }

            var stats = await admin.GetConsumeStatsAsync(Group, Topic);
            return stats.OffsetTable.Values.Sum(o => o.ConsumerOffset) >= Sent;
        });
        return consumer;
    }

    private static async Task<BrokerStatsData> WaitForStatsAsync(AdminClient admin, string name, string key, long atLeast)
    {
        BrokerStatsData? last = null;
        var address = (await admin.GetClusterInfoAsync()).BrokerAddrTable.Values.Single().BrokerAddrs[0];
        await WaitUntilAsync(async () =>
        {
            last = await admin.ViewBrokerStatsDataAsync(address, name, key);
            return last.StatsMinute.Sum >= atLeast;
        });
        return last!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(200);
        }
    }

    private static string StatsAllLine(string output, string topic) =>
        output.Split('\n').Single(l => l.StartsWith(topic + " ", StringComparison.Ordinal));

    /// <summary>The cells of the topic's row: topic, group, accumulation, in TPS, out TPS, in 24 h, out 24 h.</summary>
    private static string[] StatsAllRow(string output, string topic) =>
        StatsAllLine(output, topic).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);
}
