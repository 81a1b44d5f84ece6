using System.Collections.Concurrent;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>Transactional messages through our client against a standalone node, counted one by one.</summary>
[Trait("Category", "EndToEnd")]
public sealed class TransactionTests
{
    private const string FastChecks = """
        akkamq.broker.transaction {
          check-interval = 300ms
          check-immunity = 0s
          max-checks = 100
        }
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task CommittedMessagesArriveOnce_RolledBackOnesNever()
    {
        await using var node = await NodeFixture.StartAsync();
        var listener = new BodyListener(LocalTransactionState.Unknown);
        await using var producer = new TransactionProducer("tx-producer", node.ClientOptions("tx-p"), listener);
        await producer.StartAsync();

        var expected = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            string kind = i % 2 == 0 ? "commit" : "rollback";
            var message = new Message("TxTopic", "tx", Encoding.UTF8.GetBytes($"{kind}-{i}")) { Keys = $"key-{i}" };
            var result = await producer.SendMessageInTransactionAsync(message, null);
            Assert.Equal(kind == "commit" ? LocalTransactionState.CommitMessage : LocalTransactionState.RollbackMessage, result.LocalTransactionState);
            if (kind == "commit")
            {
                expected.Add($"{kind}-{i}");
            }
        }

        var received = await ReadUntilAsync(node, "TxTopic", expected.Count);
        Assert.Equal(expected.Order(), received.Select(Body).Order());
        foreach (var message in received)
        {
            Assert.Equal("true", message.GetProperty("TRAN_MSG"));
            Assert.Equal("tx", message.Tags);
            Assert.StartsWith("key-", message.Keys);
            Assert.Null(message.GetProperty("REAL_TOPIC"));
        }
    }

    [Fact]
    public async Task UnknownOutcome_IsSettledByCheckBack()
    {
        await using var node = await NodeFixture.StartAsync(FastChecks);
        var listener = new BodyListener(LocalTransactionState.CommitMessage) { ExecuteAnswer = LocalTransactionState.Unknown };
        await using var producer = new TransactionProducer("tx-check-producer", node.ClientOptions("tx-c"), listener);
        await producer.StartAsync();

        for (int i = 0; i < 3; i++)
        {
            var result = await producer.SendMessageInTransactionAsync(new Message("TxCheckTopic", Encoding.UTF8.GetBytes($"commit-{i}")), null);
            Assert.Equal(LocalTransactionState.Unknown, result.LocalTransactionState);
        }

        var received = await ReadUntilAsync(node, "TxCheckTopic", 3);
        Assert.Equal(["commit-0", "commit-1", "commit-2"], received.Select(Body).Order());
        Assert.True(listener.Checks.Count >= 3, "every half was checked back");
        Assert.All(listener.Checks, m => Assert.Equal("TxCheckTopic", m.Topic));
    }

    [Fact]
    public async Task NodeRestart_KeepsUndecidedHalves_AndDoesNotRedeliverCommittedOnes()
    {
        await using var node = await NodeFixture.StartAsync(FastChecks);
        var undecided = new BodyListener(LocalTransactionState.Unknown) { ExecuteAnswer = LocalTransactionState.Unknown };
        await using (var before = new TransactionProducer("tx-restart-producer", node.ClientOptions("tx-r1"), undecided))
        {
            await before.StartAsync();
            undecided.ExecuteAnswer = LocalTransactionState.CommitMessage;
            await before.SendMessageInTransactionAsync(new Message("TxRestartTopic", Encoding.UTF8.GetBytes("commit-before")), null);
            undecided.ExecuteAnswer = LocalTransactionState.Unknown;
            await before.SendMessageInTransactionAsync(new Message("TxRestartTopic", Encoding.UTF8.GetBytes("commit-after")), null);
            Assert.Equal(["commit-before"], (await ReadUntilAsync(node, "TxRestartTopic", 1)).Select(Body));
            await WaitUntilAsync(() => !undecided.Checks.IsEmpty, "a check-back answered unknown before the restart");
        }

        await node.RestartAsync();
        var deciding = new BodyListener(LocalTransactionState.CommitMessage);
        await using var after = new TransactionProducer("tx-restart-producer", node.ClientOptions("tx-r2"), deciding);
        await after.StartAsync();
        // Only a producer whose client knows the broker heartbeats it; a route lookup makes it known.
        await after.Producer.FetchPublishMessageQueuesAsync("TxRestartTopic");
        after.Producer.Instance.HeartbeatImmediately();

        var received = await ReadUntilAsync(node, "TxRestartTopic", 2);
        Assert.Equal(["commit-after", "commit-before"], received.Select(Body).Order());
        Assert.Contains(deciding.Checks, m => Body(m) == "commit-after");
        Assert.DoesNotContain(deciding.Checks, m => Body(m) == "commit-before");
    }

    private static string Body(MessageExt message) => Encoding.UTF8.GetString(message.Body);

    /// <summary>Waits until <paramref name="count"/> messages are readable, then a while longer, and returns all of them (so extras are counted).</summary>
    private static async Task<List<MessageExt>> ReadUntilAsync(NodeFixture node, string topic, int count)
    {
        await using var consumer = new PullConsumer("tx-reader-" + Guid.NewGuid().ToString("N")[..6], node.ClientOptions("tx-reader"));
        await consumer.StartAsync();
        var deadline = DateTime.UtcNow + Patience;
        var all = await ReadAllAsync(consumer, topic);
        while (all.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            all = await ReadAllAsync(consumer, topic);
        }

        // Anything delivered twice would show up here: give it a check interval or two.
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        return await ReadAllAsync(consumer, topic);
    }

    private static async Task<List<MessageExt>> ReadAllAsync(PullConsumer consumer, string topic)
    {
        var all = new List<MessageExt>();
        IReadOnlyList<MessageQueue> queues;
        try
        {
            queues = await consumer.FetchSubscribeMessageQueuesAsync(topic);
        }
        catch (MQClientException)
        {
            // The topic is created by the first send; no route yet means nothing to read.
            return all;
        }

        foreach (var queue in queues)
        {
            long offset = 0;
            while (true)
            {
                var result = await consumer.PullAsync(queue, "*", offset, 32);
                all.AddRange(result.Messages);
                if (result.Messages.Count == 0 || result.NextBeginOffset <= offset)
                {
                    break;
                }

                offset = result.NextBeginOffset;
            }
        }

        return all;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Decides by body prefix ("commit-…" / "rollback-…") unless told otherwise.</summary>
    private sealed class BodyListener(LocalTransactionState checkAnswer) : ITransactionListener
    {
        public LocalTransactionState? ExecuteAnswer { get; set; }

        public ConcurrentQueue<MessageExt> Checks { get; } = new();

        public LocalTransactionState ExecuteLocalTransaction(Message message, object? arg) =>
            ExecuteAnswer ?? (Encoding.UTF8.GetString(message.Body).StartsWith("commit", StringComparison.Ordinal)
                ? LocalTransactionState.CommitMessage
                : LocalTransactionState.RollbackMessage);

        public LocalTransactionState CheckLocalTransaction(MessageExt message)
        {
            Checks.Enqueue(message);
            return checkAnswer;
        }
    }
}
