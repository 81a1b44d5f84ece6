using System.Collections.Concurrent;
using System.Net;
using AkkaMq.Client;
using AkkaMq.Client.Tests.Fakes;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;

namespace AkkaMq.Client.Tests;

public sealed class TransactionProducerTests
{
    [Fact]
    public async Task SendInTransaction_StoresAHalf_RunsTheLocalTransaction_ThenCommitsOnThatBroker()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 2, 6, broker);
        var listener = new ScriptedListener(LocalTransactionState.CommitMessage);
        await using var producer = new TransactionProducer("TPG", TestOptions.For(nameServer), listener);
        await producer.StartAsync();

        var result = await producer.SendMessageInTransactionAsync(new Message("T", "TagA", [1, 2]) { Keys = "order-7" }, "arg-1");

        Assert.Equal(LocalTransactionState.CommitMessage, result.LocalTransactionState);
        Assert.Equal(["arg-1"], listener.Args);
        var send = Assert.Single(broker.RequestsWithCode(RequestCode.SendMessageV2));
        Assert.True(SendMessageRequestHeader.TryDecode(send, out var sendHeader, out _));
        Assert.Equal(0x4, sendHeader.SysFlag & 0xC);
        Assert.Contains("TRAN_MSG\u0001true", sendHeader.Properties);
        Assert.Contains("PGROUP\u0001TPG", sendHeader.Properties);

        var end = await EndRequestAsync(broker);
        Assert.True(end.IsOneway);
        var header = CommandHeader.Decode<EndTransactionRequestHeader>(end);
        Assert.Equal(("TPG", 8, false), (header.ProducerGroup, header.CommitOrRollback, header.FromTransactionCheck == true));
        Assert.Equal(result.SendResult.QueueOffset, header.TranStateTableOffset);
        Assert.True(MessageId.TryParseAnyHost(result.SendResult.OffsetMsgId, out _, out long commitLog));
        Assert.Equal(commitLog, header.CommitLogOffset);
        Assert.Equal(result.SendResult.MsgId, header.MsgId);
    }

    [Fact]
    public async Task SendInTransaction_ReportsUnknownWithTheError_WhenTheLocalTransactionThrows()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var listener = new ScriptedListener(LocalTransactionState.CommitMessage) { ThrowOnExecute = true };
        await using var producer = new TransactionProducer("TPG", TestOptions.For(nameServer), listener);
        await producer.StartAsync();

        var result = await producer.SendMessageInTransactionAsync(new Message("T", [1]), null);

        Assert.Equal(LocalTransactionState.Unknown, result.LocalTransactionState);
        var end = await EndRequestAsync(broker);
        Assert.Equal(0, CommandHeader.Decode<EndTransactionRequestHeader>(end).CommitOrRollback);
        Assert.Contains("local failure", end.Remark);
    }

    [Theory]
    [InlineData(LocalTransactionState.RollbackMessage, false, 12)]
    [InlineData(LocalTransactionState.CommitMessage, true, 0)]
    public async Task CheckBack_IsAnsweredFromTheListener_WithFromTransactionCheck(LocalTransactionState answer, bool throws, int expected)
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var listener = new ScriptedListener(answer) { ThrowOnCheck = throws };
        await using var producer = new TransactionProducer("TPG", TestOptions.For(nameServer), listener);
        await producer.StartAsync();
        // Knowing the topic's route makes the producer heartbeat (and so connect to) its broker.
        await producer.Producer.FetchPublishMessageQueuesAsync("T");
        producer.Producer.Instance.HeartbeatImmediately();
        await TestOptions.WaitUntilAsync(() => broker.Connections.Count > 0, "the producer's connection");

        var record = new RecordBuilder
        {
            Topic = "T",
            QueueOffset = 3,
            CommitLogOffset = 4096,
            StoreHost = new IPEndPoint(IPAddress.Loopback, broker.Port),
            Properties = { ["PGROUP"] = "TPG", ["UNIQ_KEY"] = "UNIQ-9", ["TRAN_MSG"] = "true" },
        }.Build();
        var check = CommandHeader.CreateRequest(RequestCode.CheckTransactionState, new CheckTransactionStateRequestHeader
        {
            TranStateTableOffset = 3, CommitLogOffset = 4096, MsgId = "UNIQ-9", TransactionId = "UNIQ-9",
        }, record);
        broker.Connections.First().InvokeOneway(check);

        var end = await EndRequestAsync(broker);
        var header = CommandHeader.Decode<EndTransactionRequestHeader>(end);
        Assert.Equal((expected, true, 3L, 4096L), (header.CommitOrRollback, header.FromTransactionCheck == true, header.TranStateTableOffset, header.CommitLogOffset));
        Assert.Equal(("TPG", "UNIQ-9"), (header.ProducerGroup, header.MsgId));
        var checkedMessage = Assert.Single(listener.Checked);
        Assert.Equal(("T", "UNIQ-9"), (checkedMessage.Topic, checkedMessage.UniqueKey));
    }

    [Fact]
    public async Task CheckBacks_AreAnsweredOneAtATime_InArrivalOrder()
    {
        await using var nameServer = new FakeNameServer();
        await using var broker = new FakeBroker("broker-a");
        nameServer.AddTopic("T", 1, 6, broker);
        var listener = new ScriptedListener(LocalTransactionState.CommitMessage) { CheckTime = TimeSpan.FromMilliseconds(30) };
        await using var producer = new TransactionProducer("TPG", TestOptions.For(nameServer), listener);
        await producer.StartAsync();
        await producer.Producer.FetchPublishMessageQueuesAsync("T");
        producer.Producer.Instance.HeartbeatImmediately();
        await TestOptions.WaitUntilAsync(() => broker.Connections.Count > 0, "the producer's connection");

        const int checks = 6;
        for (int i = 0; i < checks; i++)
        {
            var record = new RecordBuilder
            {
                Topic = "T",
                QueueOffset = i,
                CommitLogOffset = 4096 * (i + 1),
                StoreHost = new IPEndPoint(IPAddress.Loopback, broker.Port),
                Properties = { ["PGROUP"] = "TPG", ["UNIQ_KEY"] = "UNIQ-" + i, ["TRAN_MSG"] = "true" },
            }.Build();
            broker.Connections.First().InvokeOneway(CommandHeader.CreateRequest(RequestCode.CheckTransactionState, new CheckTransactionStateRequestHeader
            {
                TranStateTableOffset = i, CommitLogOffset = 4096 * (i + 1), MsgId = "UNIQ-" + i, TransactionId = "UNIQ-" + i,
            }, record));
        }

        await TestOptions.WaitUntilAsync(() => broker.RequestsWithCode(RequestCode.EndTransaction).Count == checks, "every check answered");
        Assert.Equal(1, listener.MostConcurrentChecks);
        Assert.Equal(Enumerable.Range(0, checks).Select(i => "UNIQ-" + i), listener.Checked.Select(m => m.UniqueKey));
    }

    private static async Task<RemotingCommand> EndRequestAsync(FakeBroker broker)
    {
        await TestOptions.WaitUntilAsync(() => broker.RequestsWithCode(RequestCode.EndTransaction).Count > 0, "END_TRANSACTION");
        return Assert.Single(broker.RequestsWithCode(RequestCode.EndTransaction));
    }

    private sealed class ScriptedListener(LocalTransactionState answer) : ITransactionListener
    {
        public bool ThrowOnExecute { get; init; }

        public bool ThrowOnCheck { get; init; }

        public ConcurrentQueue<object?> Args { get; } = new();

        public ConcurrentQueue<MessageExt> Checked { get; } = new();

        /// <summary>How long each check takes, to make overlapping checks visible.</summary>
        public TimeSpan CheckTime { get; init; }

        public int MostConcurrentChecks => Volatile.Read(ref _mostConcurrent);

        private int _running;
        private int _mostConcurrent;

        public LocalTransactionState ExecuteLocalTransaction(Message message, object? arg)
        {
            Args.Enqueue(arg);
            return ThrowOnExecute ? throw new InvalidOperationException("local failure") : answer;
        }

        public LocalTransactionState CheckLocalTransaction(MessageExt message)
        {
            int running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _mostConcurrent, running);
            Thread.Sleep(CheckTime); // a listener that blocks, as a database lookup would
            Interlocked.Decrement(ref _running);
            Checked.Enqueue(message);
            return ThrowOnCheck ? throw new InvalidOperationException("check failure") : answer;
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen = Volatile.Read(ref target);
            while (value > seen)
            {
                int actual = Interlocked.CompareExchange(ref target, value, seen);
                if (actual == seen)
                {
                    return;
                }

                seen = actual;
            }
        }
    }
}
