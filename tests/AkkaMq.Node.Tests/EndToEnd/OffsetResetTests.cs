using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Offsets moved by an operator, through the admin client and <c>akkamq admin</c>: reset by time
/// for online groups (the consumer jumps without a restart) and offline ones (206, then queue by
/// queue), force, skipping the backlog, cloning a group, and the consumers' own view of their offsets.
/// Each test writes three messages "a0..a2", takes a timestamp, then three "b0..b2" on a
/// one-queue topic, so the timestamp points at offset 3.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class OffsetResetTests : IAsyncLifetime
{
    private const string Topic = "ResetTopic";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private NodeFixture _node = null!;
    private AdminClient _admin = null!;
    private long _between;

    public async Task InitializeAsync()
    {
        _node = await NodeFixture.StartAsync();
        _admin = new AdminClient(_node.ClientOptions("reset-admin"));
        await _admin.CreateOrUpdateTopicAsync(_node.BrokerAddress, new TopicConfigOptions(Topic) { ReadQueueNums = 1, WriteQueueNums = 1 });
        await SendAsync("a0", "a1", "a2");
        _between = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1;
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() <= _between)
        {
            await Task.Yield();
        }

        await SendAsync("b0", "b1", "b2");
    }

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task ResetOffsetByTime_MovesAnOnlineConsumerBack_WithoutRestart()
    {
        var seen = new Recorder();
        await using var consumer = await StartConsumerAsync("online-group", seen);
        await seen.WaitForAsync(6);
        await WaitForCommittedAsync("online-group", 6);

        var reset = await AdminAsync("resetOffsetByTime", "-g", "online-group", "-t", Topic, "-s", Millis(_between));

        Assert.Contains($"rollback consumer offset by specified group[online-group], topic[{Topic}], force[true], timestamp(string)[{Millis(_between)}]", reset.Output);
        Assert.Matches(@"broker-a\s+0\s+3\s*$", Row(reset.Output, "broker-a"));
        // At least once: every message from the timestamp on comes again (rarely one twice, when a pull was in
        // flight as the offset moved), and nothing before it.
        await seen.WaitForAsync(9);
        var deadline = DateTime.UtcNow + Patience;
        while (new[] { "b0", "b1", "b2" }.Any(body => seen.Count(body) < 2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.All(new[] { "b0", "b1", "b2" }, body => Assert.InRange(seen.Count(body), 2, 3));
        Assert.Equal(1, seen.Count("a2"));
        await WaitForCommittedAsync("online-group", 6);
    }

    [Fact]
    public async Task ResetWithoutForce_LeavesAConsumerThatIsBehindTheTarget_ForceMovesIt()
    {
        // The consumer is stuck on a2 (offset 2), so it commits 2 while everything else is consumed.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new Recorder(body => body == "a2" ? gate.Task : Task.CompletedTask);
        await using var consumer = await StartConsumerAsync("stuck-group", seen);
        await WaitForCommittedAsync("stuck-group", 2);

        await seen.WaitForAsync(5);

        var kept = await _admin.ResetOffsetByTimestampAsync(Topic, "stuck-group", _between, force: false);
        Assert.Equal(2, Assert.Single(kept).Value);
        await WaitForCommittedAsync("stuck-group", 2);

        // As in RocketMQ, the clients are sent the whole table, kept queues included: the consumer
        // reads again from its committed 2 (a2 stays held), so b0..b2 come a second time, not a third.
        await seen.WaitForAsync(5 + 3);
        Assert.Equal(2, seen.Count("b1"));

        // Forced, the queue moves forward to the target 3: b0..b2 once more, a2 not again.
        var moved = await _admin.ResetOffsetByTimestampAsync(Topic, "stuck-group", _between, force: true);
        Assert.Equal(3, Assert.Single(moved).Value);
        await seen.WaitForAsync(5 + 3 + 3);
        Assert.Equal(3, seen.Count("b1"));
        Assert.Equal(0, seen.Count("a2"));
        gate.SetResult();
    }

    [Fact]
    public async Task ResetOffsetByTime_OfAnOfflineGroup_Answers206_ThenTheCliResetsQueueByQueue()
    {
        var first = new Recorder();
        await using (await StartConsumerAsync("offline-group", first))
        {
            await first.WaitForAsync(6);
            await WaitForCommittedAsync("offline-group", 6);
        }

        var refused = await Assert.ThrowsAsync<MQBrokerException>(() => _admin.ResetOffsetByTimestampAsync(Topic, "offline-group", _between, force: true));
        Assert.Equal((int)ResponseCode.ConsumerNotOnline, refused.ResponseCode);
        Assert.Contains("Consumer not online, so can not reset offset, Group: offline-group", refused.Message);

        var reset = await AdminAsync("resetOffsetByTime", "-g", "offline-group", "-t", Topic, "-s", LocalDate(_between));

        Assert.Contains("rollback consumer offset by specified consumerGroup[offline-group]", reset.Output);
        Assert.Matches(@"broker-a\s+0\s+6\s+6\s+3\s+3\s*$", Row(reset.Output, "broker-a"));
        var second = new Recorder();
        await using var restarted = await StartConsumerAsync("offline-group", second);
        await second.WaitForAsync(3);
        Assert.Equal(["b0", "b1", "b2"], second.Bodies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SkipAccumulatedMessage_StartsAnOfflineGroupAtTheEnd()
    {
        var skipped = await AdminAsync("skipAccumulatedMessage", "-g", "late-group", "-t", Topic);

        Assert.Matches(@"broker-a\s+0\s+6\s+0\s+6\s+6\s*$", Row(skipped.Output, "broker-a"));
        var seen = new Recorder();
        await using var consumer = await StartConsumerAsync("late-group", seen);
        await WaitForCommittedAsync("late-group", 6);
        await SendAsync("c0");
        await seen.WaitForAsync(1);
        Assert.Equal(["c0"], seen.Bodies);
    }

    [Fact]
    public async Task SkipAccumulatedMessage_OfAnOnlineGroup_MovesItsConsumerToTheEnd()
    {
        // Stuck on a0, the consumer would keep committing 0 if it were not moved.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new Recorder(body => body == "a0" ? gate.Task : Task.CompletedTask);
        await using var consumer = await StartConsumerAsync("busy-group", seen);
        await seen.WaitForAsync(5);

        var skipped = await AdminAsync("skipAccumulatedMessage", "-g", "busy-group", "-t", Topic);

        Assert.Matches(@"broker-a\s+0\s+6\s*$", Row(skipped.Output, "broker-a"));
        await SendAsync("c0");
        await seen.WaitForAsync(6);
        await WaitForCommittedAsync("busy-group", 7);
        gate.SetResult();
    }

    [Fact]
    public async Task CloneGroupOffset_GivesTheDestinationGroupTheSourcesOffsets()
    {
        var first = new Recorder();
        await using (await StartConsumerAsync("source-group", first))
        {
            await first.WaitForAsync(6);
            await WaitForCommittedAsync("source-group", 6);
        }

        var cloned = await AdminAsync("cloneGroupOffset", "-s", "source-group", "-d", "copy-group", "-t", Topic);

        Assert.Contains($"clone group offset success. srcGroup[source-group], destGroup=[copy-group], topic[{Topic}]", cloned.Output);
        await WaitForCommittedAsync("copy-group", 6);
        var seen = new Recorder();
        await using var consumer = await StartConsumerAsync("copy-group", seen);
        await SendAsync("c0");
        await seen.WaitForAsync(1);
        Assert.Equal(["c0"], seen.Bodies);
    }

    [Fact]
    public async Task ConsumerStatus_ShowsEachClientsOffsets()
    {
        var seen = new Recorder();
        await using var consumer = await StartConsumerAsync("status-group", seen);
        await seen.WaitForAsync(6);
        await WaitForCommittedAsync("status-group", 6);

        var status = await _admin.GetConsumerStatusAsync(Topic, "status-group");
        var (clientId, offsets) = Assert.Single(status);
        Assert.Equal(consumer.Instance.ClientId, clientId);
        Assert.Equal(6, offsets[new MessageQueue(Topic, "broker-a", 0)]);

        var printed = await AdminAsync("getConsumerStatus", "-g", "status-group", "-t", Topic);
        Assert.Matches(@"\s+broker-a\s+0\s+6\s*$", Row(printed.Output, clientId));

        var info = await AdminAsync("consumerStatus", "-g", "status-group", "-i", clientId);
        Assert.Contains("#Consumer Offset#", info.Output);
        Assert.Matches(@"ResetTopic\s+broker-a\s+0\s+6", info.Output);

        var group = await AdminAsync("consumerStatus", "-g", "status-group");
        Assert.Contains(clientId, group.Output);
        Assert.Contains("Same subscription in the same group of consumer", group.Output);
    }

    [Fact]
    public async Task ResetOffsetByTime_MovesAPullConsumersOffsetsInMemory()
    {
        await using var consumer = new PullConsumer("pull-group", _node.ClientOptions("pull-group"));
        await consumer.StartAsync();
        var queue = Assert.Single(await consumer.FetchSubscribeMessageQueuesAsync(Topic));
        await consumer.Instance.SendHeartbeatAsync(CancellationToken.None);
        await consumer.UpdateConsumeOffsetAsync(queue, 6);
        await WaitForCommittedAsync("pull-group", 6);

        var reset = await _admin.ResetOffsetByTimestampAsync(Topic, "pull-group", _between, force: true);

        Assert.Equal(3, reset[queue]);
        var deadline = DateTime.UtcNow + Patience;
        while (await consumer.FetchConsumeOffsetAsync(queue, fromStore: false) != 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(3, await consumer.FetchConsumeOffsetAsync(queue, fromStore: false));
        Assert.Equal(3, Assert.Single(await _admin.GetConsumerStatusAsync(Topic, "pull-group")).Value[queue]);
    }

    [Fact]
    public async Task ConsumerStatus_OfAnOfflineGroup_IsRefusedWithRocketMqsRemark()
    {
        var refused = await Assert.ThrowsAsync<MQBrokerException>(() => _admin.GetConsumerStatusAsync(Topic, "nobody-group"));

        Assert.Equal((int)ResponseCode.SystemError, refused.ResponseCode);
        Assert.Contains("No Any Consumer online in the consumer group: [nobody-group]", refused.Message);
    }

    [Fact]
    public async Task ResetOffsetByTime_WithAnUnreadableTimestamp_IsOneClearLine()
    {
        var result = await CliRun.InvokeAsync("admin", "resetOffsetByTime", "-n", _node.NameServer, "-g", "g", "-t", Topic, "-s", "yesterday");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("specified timestamp invalid", result.Error);
    }

    private static string Millis(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string LocalDate(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).ToLocalTime().ToString("yyyy-MM-dd#HH:mm:ss:fff", CultureInfo.InvariantCulture);

    private static string Row(string output, string start) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal)) ?? "(no row starting " + start + " in)\n" + output;

    private async Task SendAsync(params string[] bodies)
    {
        await using var producer = new Producer("reset-producer", _node.ClientOptions("reset-p"));
        await producer.StartAsync();
        foreach (var body in bodies)
        {
            await producer.SendAsync(new Message(Topic, Encoding.UTF8.GetBytes(body)));
        }
    }

    private async Task<PushConsumer> StartConsumerAsync(string group, Recorder recorder)
    {
        var consumer = new PushConsumer(group, _node.ClientOptions(group));
        consumer.ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset;
        consumer.Subscribe(Topic);
        consumer.RegisterListener(recorder.ConsumeAsync);
        await consumer.StartAsync();
        return consumer;
    }

    /// <summary>Waits until the broker holds <paramref name="offset"/> as the group's committed offset of the queue.</summary>
    private async Task WaitForCommittedAsync(string group, long offset)
    {
        var deadline = DateTime.UtcNow + Patience;
        long last = -1;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var stats = await _admin.GetConsumeStatsAsync(group, Topic);
                if (stats.OffsetTable.TryGetValue(new MessageQueue(Topic, "broker-a", 0), out var progress))
                {
                    last = progress.ConsumerOffset;
                    if (last == offset)
                    {
                        return;
                    }
                }
            }
            catch (MQClientException)
            {
                // No stats yet: the group has not committed anything.
            }

            await Task.Delay(50);
        }

        Assert.Fail($"group {group} did not commit offset {offset} within {Patience} (last seen {last})");
    }

    private Task<CliResult> AdminAsync(params string[] args) => CliRun.AdminAsync(_node.NameServer, args);

    /// <summary>Counts deliveries per body; an optional hold keeps chosen messages in the listener.</summary>
    private sealed class Recorder(Func<string, Task>? hold = null)
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _bodies = new();
        private int _total;

        public IReadOnlyCollection<string> Bodies => _bodies.ToArray();

        public int Count(string body) => _counts.GetValueOrDefault(body);

        public async Task<ConsumeStatus> ConsumeAsync(IReadOnlyList<MessageExt> messages, ConsumeContext context)
        {
            foreach (var message in messages)
            {
                string body = Encoding.UTF8.GetString(message.Body);
                if (hold is not null)
                {
                    await hold(body);
                }

                _counts.AddOrUpdate(body, 1, (_, n) => n + 1);
                _bodies.Enqueue(body);
                Interlocked.Increment(ref _total);
            }

            return ConsumeStatus.ConsumeSuccess;
        }

        public async Task WaitForAsync(int deliveries)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (Volatile.Read(ref _total) < deliveries && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(Volatile.Read(ref _total) >= deliveries, $"{Volatile.Read(ref _total)} deliveries, expected {deliveries}: {string.Join(",", _bodies)}");
        }
    }
}
