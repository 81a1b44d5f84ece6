using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// A node under more load than it can take: a producer flood faster than a slowed disk, and
/// thousands of hostile connections beside real clients. Memory stays bounded, clients are told
/// SYSTEM_BUSY and send again, and nothing acknowledged is lost.
/// </summary>
[Trait("Category", "Overload")]
[Collection(AloneCollection.Name)]
public sealed class OverloadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ProducerFloodFasterThanTheDisk_IsAnsweredSystemBusy_AndLosesNothingAcknowledged()
    {
        // The disk: every flush takes 60 ms, every eighth 1.3 s (past the 1 s busy mark). The
        // store actor's flush hook stands in for a slow device.
        int flushes = 0;
        await using var node = await NodeFixture.StartAsync(
            "akkamq.broker.send-queue { capacity = 200, max-wait = 200ms, page-cache-busy-timeout = 1s }",
            options => options with { BeforeFlush = () => Thread.Sleep(Interlocked.Increment(ref flushes) % 8 == 0 ? 1300 : 60) });
        var memory = MemoryWatch.Start();
        var busy = new ConcurrentDictionary<string, int>();
        var acked = new ConcurrentDictionary<string, byte>();
        await using var producer = new Producer("flood-producer", node.ClientOptions("flood"));
        await producer.StartAsync();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var senders = Enumerable.Range(0, 400).Select(i => FloodAsync(producer, "FloodTopic", "s" + i, acked, busy, stop.Token)).ToArray();
        await Task.WhenAll(senders);
        var peak = await memory.StopAsync();

        output.WriteLine($"acknowledged {acked.Count}, flushes {flushes}, SYSTEM_BUSY by remark: {string.Join(", ", busy.Select(b => b.Key + " " + b.Value))}");
        output.WriteLine($"peak working set {peak.WorkingSet / (1024 * 1024)} MiB, peak live heap growth {peak.GcHeap / (1024 * 1024)} MiB (test process: node and clients)");
        Assert.Contains(busy.Keys, k => k == "[OVERLOAD]");
        Assert.Contains(busy.Keys, k => k is "[REJECTREQUEST]" or "[PCBUSY_CLEAN_QUEUE]");
        Assert.True(acked.Count > 1000, "the flood made little progress: " + acked.Count);
        Assert.True(peak.GcHeap < 512L * 1024 * 1024, "the live heap grew by " + peak.GcHeap);

        var stored = await ReadKeysAsync(node, "FloodTopic");
        var lost = acked.Keys.Where(k => !stored.Contains(k)).Take(5).ToList();
        Assert.True(lost.Count == 0, "acknowledged but not stored: " + string.Join(", ", lost));
    }

    [Fact]
    public async Task HostileConnections_DoNotStopARealProducerAndConsumer()
    {
        await using var node = await NodeFixture.StartAsync("akkamq.remoting.idle-timeout = 3s");
        var broker = IPEndPoint.Parse(node.BrokerAddress);
        var memory = MemoryWatch.Start();
        var acked = new ConcurrentDictionary<string, byte>();
        var consumed = new ConcurrentDictionary<string, byte>();
        await using var consumer = new PushConsumer("hostile-group", node.ClientOptions("hostile-c"));
        consumer.ConsumeFromWhere = ConsumeFromWhere.ConsumeFromFirstOffset;
        consumer.Subscribe("SteadyTopic");
        consumer.RegisterListener((messages, _) =>
        {
            foreach (var m in messages)
            {
                consumed.TryAdd(m.Keys!, 0);
            }

            return Task.FromResult(ConsumeStatus.ConsumeSuccess);
        });
        await consumer.StartAsync();
        await using var producer = new Producer("steady-producer", node.ClientOptions("steady"));
        await producer.StartAsync();
        using var stop = new CancellationTokenSource();
        var busy = new ConcurrentDictionary<string, int>();
        var steady = Enumerable.Range(0, 8).Select(i => FloodAsync(producer, "SteadyTopic", "p" + i, acked, busy, stop.Token)).ToArray();
        await WaitUntilAsync(() => consumed.Count > 200, "the consumer gets going");

        // 1,000 connections that announce a 16 MiB frame and send 1 KiB of it, and 1,000 that send
        // garbage, all from 127.0.0.2: past 1,024 per address they are refused at once.
        var sw = Stopwatch.StartNew();
        int ackedBefore = acked.Count;
        var hostile = await OpenHostileAsync(broker, 2_000);
        int ackedDuring = acked.Count - ackedBefore;
        output.WriteLine($"2,000 hostile connections opened in {sw.ElapsedMilliseconds} ms; {ackedDuring} sends acknowledged meanwhile");
        int ackedAfterAttack = acked.Count;
        await WaitUntilAsync(() => acked.Count > ackedAfterAttack + 500, "the producer keeps going beside the hostile connections");
        await WaitUntilAsync(() => node.Roles.Broker!.ConnectionCount < 10, "the idle timeout closes the slow connections");
        output.WriteLine($"hostile connections gone after {sw.ElapsedMilliseconds} ms");

        await stop.CancelAsync();
        await Task.WhenAll(steady);
        var peak = await memory.StopAsync();
        foreach (var socket in hostile)
        {
            socket.Dispose();
        }

        await WaitUntilAsync(() => acked.Keys.All(consumed.ContainsKey), "every acknowledged message is consumed");
        output.WriteLine($"acknowledged {acked.Count}, consumed {consumed.Count}; peak working set {peak.WorkingSet / (1024 * 1024)} MiB, peak live heap growth {peak.GcHeap / (1024 * 1024)} MiB");
        Assert.True(peak.GcHeap < 512L * 1024 * 1024, "the live heap grew by " + peak.GcHeap);
    }

    /// <summary>Sends until stopped; a SYSTEM_BUSY answer is counted by its remark's tag and the same message sent again after a pause.</summary>
    private static async Task FloodAsync(
        Producer producer, string topic, string sender, ConcurrentDictionary<string, byte> acked, ConcurrentDictionary<string, int> busy, CancellationToken stop)
    {
        var body = new byte[1024];
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string key = sender + "-" + i;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var result = await producer.SendAsync(new Message(topic, "t", body) { Keys = key });
                    Assert.Equal(SendStatus.SendOk, result.Status);
                    acked.TryAdd(key, 0);
                    break;
                }
                catch (MQBrokerException e) when (e.ResponseCode == (int)ResponseCode.SystemBusy)
                {
                    // As with the Java client, SYSTEM_BUSY reaches the application, which retries.
                    string remark = e.Remark ?? string.Empty;
                    busy.AddOrUpdate(remark[..(remark.IndexOf(']', StringComparison.Ordinal) + 1)], 1, static (_, n) => n + 1);
                    await Task.Delay(20, CancellationToken.None);
                }
            }
        }
    }

    private static async Task<List<Socket>> OpenHostileAsync(IPEndPoint broker, int count)
    {
        // A frame of almost 16 MiB (JSON header of 16 bytes) of which 1 KiB follows.
        var slowFrame = new byte[1024];
        slowFrame[1] = 0xFF;
        slowFrame[7] = 0x10;
        var garbage = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: broker\r\n\r\n");
        var sockets = new List<Socket>();
        for (int batch = 0; batch < count; batch += 100)
        {
            var opening = Enumerable.Range(batch, 100).Select(async i =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(broker);
                try
                {
                    await socket.SendAsync(i % 2 == 0 ? slowFrame : garbage, SocketFlags.None);
                }
                catch (SocketException)
                {
                    // Refused over the per-address limit: reset before the bytes went out.
                }

                return socket;
            });
            sockets.AddRange(await Task.WhenAll(opening));
        }

        return sockets;
    }

    private static async Task<HashSet<string>> ReadKeysAsync(NodeFixture node, string topic)
    {
        await using var consumer = new PullConsumer("flood-reader", node.ClientOptions("flood-reader"));
        await consumer.StartAsync();
        var keys = new HashSet<string>();
        foreach (var queue in await consumer.FetchSubscribeMessageQueuesAsync(topic))
        {
            long offset = 0;
            while (true)
            {
                var result = await consumer.PullAsync(queue, "*", offset, 32);
                foreach (var m in result.Messages)
                {
                    keys.Add(m.Keys!);
                }

                if (result.Messages.Count == 0 || result.NextBeginOffset <= offset)
                {
                    break;
                }

                offset = result.NextBeginOffset;
            }
        }

        return keys;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Samples this process's working set every 50 ms and its live heap — what a full, blocking
    /// collection leaves — every second, and keeps the peaks. The heap reported is the growth over
    /// the live heap when the watch started: what this test's node and clients keep, not what
    /// earlier tests in the process left behind, nor garbage awaiting the next collection.
    /// </summary>
    private sealed class MemoryWatch
    {
        private readonly CancellationTokenSource _stop = new();
        private long _baseline;
        private Task<(long WorkingSet, long GcHeap)> _sampling = null!;

        public static MemoryWatch Start()
        {
            var watch = new MemoryWatch { _baseline = GC.GetTotalMemory(forceFullCollection: true) };
            watch._sampling = watch.SampleAsync();
            return watch;
        }

        public async Task<(long WorkingSet, long GcHeap)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _sampling;
        }

        private async Task<(long, long)> SampleAsync()
        {
            long workingSet = 0;
            long heap = 0;
            var sinceFullCollection = Stopwatch.StartNew();
            using var process = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                process.Refresh();
                workingSet = Math.Max(workingSet, process.WorkingSet64);
                if (sinceFullCollection.ElapsedMilliseconds >= 1000)
                {
                    heap = Math.Max(heap, GC.GetTotalMemory(forceFullCollection: true) - _baseline);
                    sinceFullCollection.Restart();
                }

                await Task.Delay(50, CancellationToken.None);
            }

            return (workingSet, Math.Max(heap, GC.GetTotalMemory(forceFullCollection: true) - _baseline));
        }
    }
}
