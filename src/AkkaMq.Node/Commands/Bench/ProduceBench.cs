using System.CommandLine;
using System.Diagnostics;
using AkkaMq.Client;
using AkkaMq.Node.Commands.Admin;

namespace AkkaMq.Node.Commands.Bench;

/// <summary>
/// <c>akkamq bench produce</c>: like RocketMQ's benchmark producer. <c>-c</c> connections (one
/// producer client each) share <c>-f</c> sends in flight; runs for <c>-d</c> seconds or
/// <c>-m</c> messages, optionally paced to <c>--rate</c> messages a second in total.
/// </summary>
internal static class ProduceBench
{
    public static Command Build()
    {
        var ns = AdminOptions.NameServer();
        var topic = new Option<string>("-t", "--topic") { Description = "Topic.", DefaultValueFactory = _ => "BenchmarkTest" };
        var size = new Option<int>("-s", "--messageSize") { Description = "Body size in bytes.", DefaultValueFactory = _ => 1024 };
        var connections = new Option<int>("-c", "--connections") { Description = "Producer connections.", DefaultValueFactory = _ => 1 };
        var inflight = new Option<int>("-f", "--inflight") { Description = "Sends in flight across all connections.", DefaultValueFactory = _ => 64 };
        var duration = new Option<int>("-d", "--duration") { Description = "Seconds to run.", DefaultValueFactory = _ => 30 };
        var count = new Option<long>("-m", "--messages") { Description = "Stop after this many messages (0: run for the duration)." };
        var rate = new Option<int>("--rate") { Description = "Total messages a second (0: as fast as possible)." };
        var serialize = BenchCommand.SerializeTypeOption();
        var command = new Command("produce", "Send messages as fast as allowed and report TPS and latency.")
        {
            ns, topic, size, connections, inflight, duration, count, rate, serialize,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Settings(parse.GetValue(ns)!, parse.GetValue(topic)!, parse.GetValue(size), Math.Max(1, parse.GetValue(connections)),
                Math.Max(1, parse.GetValue(inflight)), TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(count), parse.GetValue(rate), parse.GetValue(serialize));
            return await RunAsync(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record Settings(string NameServers, string Topic, int Size, int Connections, int InFlight, TimeSpan Duration, long Count, int Rate, AkkaMq.Remoting.Protocol.SerializeType SerializeType);

    private static async Task<int> RunAsync(Settings s, TextWriter output, TextWriter error, CancellationToken ct)
    {
        await output.WriteLineAsync($"produce: topic {s.Topic}, {s.Size} B bodies, {s.Connections} connections, {s.InFlight} in flight, " +
            (s.Count > 0 ? $"{s.Count} messages" : $"{s.Duration.TotalSeconds:0} s") + (s.Rate > 0 ? $", {s.Rate} msgs/s" : "")).ConfigureAwait(false);
        var producers = new List<Producer>();
        try
        {
            for (var i = 0; i < s.Connections; i++)
            {
                var producer = new Producer("akkamq-bench-producer", new ClientOptions { NameServerAddresses = s.NameServers, InstanceName = $"bench-{Environment.ProcessId}-{i}", SerializeType = s.SerializeType });
                await producer.StartAsync(ct).ConfigureAwait(false);
                producers.Add(producer);
            }

            return await MeasureAsync(s, producers, output, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQClientException or MQBrokerException)
        {
            await error.WriteLineAsync($"akkamq bench produce: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            foreach (var producer in producers)
            {
                await producer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> MeasureAsync(Settings s, List<Producer> producers, TextWriter output, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (s.Count == 0)
        {
            stop.CancelAfter(s.Duration);
        }

        var reporter = new BenchReporter(output, "Send");
        var reporting = reporter.RunAsync(stop.Token);
        var body = new byte[s.Size];
        Random.Shared.NextBytes(body);
        var remaining = s.Count > 0 ? s.Count : long.MaxValue;
        var pacer = s.Rate > 0 ? new Pacer(s.Rate) : null;
        var workers = new Task<LatencyHistogram>[s.InFlight];
        for (var i = 0; i < workers.Length; i++)
        {
            var producer = producers[i % producers.Count];
            workers[i] = Task.Run(() => SendLoopAsync(producer, s.Topic, body, reporter, pacer, () => Interlocked.Decrement(ref remaining) >= 0, stop.Token));
        }

        var histograms = await Task.WhenAll(workers).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await reporting.ConfigureAwait(false);
        var all = new LatencyHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        await reporter.SummaryAsync(all, "messages sent").ConfigureAwait(false);
        return reporter.Failed == 0 ? 0 : 1;
    }

    private static async Task<LatencyHistogram> SendLoopAsync(Producer producer, string topic, byte[] body, BenchReporter reporter, Pacer? pacer, Func<bool> take, CancellationToken stop)
    {
        var histogram = new LatencyHistogram();
        while (!stop.IsCancellationRequested && take())
        {
            if (pacer is not null && !await pacer.WaitTurnAsync(stop).ConfigureAwait(false))
            {
                break;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await producer.SendAsync(new Message(topic, body), stop).ConfigureAwait(false);
                var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                histogram.Record(micros);
                reporter.Success(1, micros);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is MQClientException or MQBrokerException or AkkaMq.Remoting.Transport.RemotingTimeoutException or AkkaMq.Remoting.Transport.RemotingConnectionException)
            {
                reporter.Failure();
            }
        }

        return histogram;
    }

    /// <summary>Hands out send slots at a fixed total rate.</summary>
    private sealed class Pacer(int perSecond)
    {
        private readonly long _intervalTicks = Stopwatch.Frequency / perSecond;
        private long _next = Stopwatch.GetTimestamp();

        public async ValueTask<bool> WaitTurnAsync(CancellationToken stop)
        {
            var slot = Interlocked.Add(ref _next, _intervalTicks) - _intervalTicks;
            var wait = slot - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
