using System.CommandLine;
using System.Diagnostics;
using AkkaMq.Client;
using AkkaMq.Node.Commands.Admin;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Bench;

/// <summary>
/// <c>akkamq bench consume</c>: catch-up reading. Pulls every queue of the topic from its min
/// offset up to the max offset seen at the start, one pull loop per queue, 32 messages a pull,
/// and reports messages a second and pull latency. Commits nothing.
/// </summary>
internal static class ConsumeBench
{
    public static Command Build()
    {
        var ns = AdminOptions.NameServer();
        var topic = new Option<string>("-t", "--topic") { Description = "Topic.", DefaultValueFactory = _ => "BenchmarkTest" };
        var group = new Option<string>("-g", "--consumerGroup") { Description = "Consumer group.", DefaultValueFactory = _ => "akkamq-bench-consumer" };
        var duration = new Option<int>("-d", "--duration") { Description = "Longest run in seconds.", DefaultValueFactory = _ => 120 };
        var batch = new Option<int>("-b", "--batch") { Description = "Messages a pull.", DefaultValueFactory = _ => 32 };
        var serialize = BenchCommand.SerializeTypeOption();
        var command = new Command("consume", "Read a topic's stored messages as fast as possible and report throughput.") { ns, topic, group, duration, batch, serialize };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            await using var consumer = new PullConsumer(parse.GetValue(group)!, new ClientOptions { NameServerAddresses = parse.GetValue(ns)!, SerializeType = parse.GetValue(serialize) });
            try
            {
                await consumer.StartAsync(ct).ConfigureAwait(false);
                var queues = await consumer.FetchSubscribeMessageQueuesAsync(parse.GetValue(topic)!, ct).ConfigureAwait(false);
                return await MeasureAsync(consumer, queues, parse.GetValue(batch), TimeSpan.FromSeconds(parse.GetValue(duration)), output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQClientException or MQBrokerException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"akkamq bench consume: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static async Task<int> MeasureAsync(PullConsumer consumer, IReadOnlyList<MessageQueue> queues, int batch, TimeSpan duration, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        long stored = 0;
        var ranges = new (long From, long To)[queues.Count];
        for (var i = 0; i < queues.Count; i++)
        {
            ranges[i] = (await consumer.MinOffsetAsync(queues[i], ct).ConfigureAwait(false), await consumer.MaxOffsetAsync(queues[i], ct).ConfigureAwait(false));
            stored += ranges[i].To - ranges[i].From;
        }

        await output.WriteLineAsync($"consume: {stored} stored messages in {queues.Count} queues, {batch} a pull").ConfigureAwait(false);
        var reporter = new BenchReporter(output, "Pull");
        var reporting = reporter.RunAsync(stop.Token);
        var loops = new Task<LatencyHistogram>[queues.Count];
        for (var i = 0; i < loops.Length; i++)
        {
            var (queue, range) = (queues[i], ranges[i]);
            loops[i] = Task.Run(() => PullLoopAsync(consumer, queue, range.From, range.To, batch, reporter, stop.Token));
        }

        var histograms = await Task.WhenAll(loops).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await reporting.ConfigureAwait(false);
        var all = new LatencyHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        await reporter.SummaryAsync(all, "messages read (latency per pull)").ConfigureAwait(false);
        await reporter.ExplainFailuresAsync(error, "consume", "pulls").ConfigureAwait(false);
        return reporter.Succeeded >= stored ? 0 : 1;
    }

    private static async Task<LatencyHistogram> PullLoopAsync(PullConsumer consumer, MessageQueue queue, long from, long to, int batch, BenchReporter reporter, CancellationToken stop)
    {
        var histogram = new LatencyHistogram();
        var next = from;
        while (next < to && !stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            PullResult result;
            try
            {
                result = await consumer.PullAsync(queue, "*", next, batch, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            histogram.Record(micros);
            if (result.Messages.Count == 0)
            {
                reporter.Failure($"a pull from queue {queue.QueueId} at offset {next} found no message ({result.Status})");
                break;
            }

            reporter.Success(result.Messages.Count, micros);
            next = result.NextBeginOffset;
        }

        return histogram;
    }
}
