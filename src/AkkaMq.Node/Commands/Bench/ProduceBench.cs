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
internal static partial class ProduceBench
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
        var warmup = new Option<int>("--warmup") { Description = "Seconds of the same load first, not counted (JIT compilation, connections, caches)." };
        var serialize = BenchCommand.SerializeTypeOption();
        var replication = new Option<string>("--replication") { Description = "Master broker address (host:port): sample its replication status during the run and report its follower's lag in bytes and ms." };
        var replicationInterval = new Option<int>("--replication-interval") { Description = "Milliseconds between replication status samples.", DefaultValueFactory = _ => 10 };
        var command = new Command("produce", "Send messages as fast as allowed and report TPS and latency.")
        {
            ns, topic, size, connections, inflight, duration, count, rate, warmup, serialize, replication, replicationInterval,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? master = null;
            if (parse.GetValue(replication) is { } given && (master = ReplicationProbe.ParseAddress(given, out var invalid)) is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"akkamq bench produce: {invalid}").ConfigureAwait(false);
                return 1;
            }

            var settings = new Settings(parse.GetValue(ns)!, parse.GetValue(topic)!, parse.GetValue(size), Math.Max(1, parse.GetValue(connections)),
                Math.Max(1, parse.GetValue(inflight)), TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(count), parse.GetValue(rate), parse.GetValue(serialize),
                TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(warmup))),
                master, TimeSpan.FromMilliseconds(Math.Max(1, parse.GetValue(replicationInterval))));
            return await RunAsync(settings, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record Settings(string NameServers, string Topic, int Size, int Connections, int InFlight, TimeSpan Duration, long Count, int Rate, AkkaMq.Remoting.Protocol.SerializeType SerializeType, TimeSpan Warmup,
        string? ReplicationMaster, TimeSpan ReplicationInterval);

    private static async Task<int> RunAsync(Settings s, TextWriter output, TextWriter error, CancellationToken ct)
    {
        await output.WriteLineAsync($"produce: topic {s.Topic}, {s.Size} B bodies, {s.Connections} connections, {s.InFlight} in flight, " +
            (s.Count > 0 ? $"{s.Count} messages" : $"{s.Duration.TotalSeconds:0} s") + (s.Rate > 0 ? $", {s.Rate} msgs/s" : "")).ConfigureAwait(false);
        var producers = new List<Producer>();
        // Unique per run: two runs in one process (tests) must not register the same group and instance.
        var run = Guid.NewGuid().ToString("N")[..8];
        try
        {
            for (var i = 0; i < s.Connections; i++)
            {
                var producer = new Producer("akkamq-bench-producer", new ClientOptions { NameServerAddresses = s.NameServers, InstanceName = $"bench-{Environment.ProcessId}-{run}-{i}", SerializeType = s.SerializeType });
                await producer.StartAsync(ct).ConfigureAwait(false);
                producers.Add(producer);
            }

            if (s.Warmup > TimeSpan.Zero)
            {
                await output.WriteLineAsync($"warm-up: {s.Warmup.TotalSeconds:0} s of the same load, not counted").ConfigureAwait(false);
                await MeasureAsync(s with { Duration = s.Warmup, Count = 0, ReplicationMaster = null }, producers, TextWriter.Null, TextWriter.Null, ct).ConfigureAwait(false);
            }

            return await MeasureAsync(s, producers, output, error, ct).ConfigureAwait(false);
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

    private static async Task<int> MeasureAsync(Settings s, List<Producer> producers, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (s.Count == 0)
        {
            stop.CancelAfter(s.Duration);
        }

        await using var probe = s.ReplicationMaster is null ? null : new ReplicationProbe(s.NameServers, s.ReplicationMaster, s.ReplicationInterval);
        probe?.Start(ct);
        var reporter = new BenchReporter(output, "Send");
        var reporting = reporter.RunAsync(stop.Token);
        var body = new byte[s.Size];
        Random.Shared.NextBytes(body);
        var remaining = s.Count > 0 ? s.Count : long.MaxValue;
        Func<bool> take = () => Interlocked.Decrement(ref remaining) >= 0;
        Task<LatencyHistogram>[] workers;
        if (s.Rate > 0)
        {
            workers = [PacedSends.Start(producers, s, body, reporter, take, stop.Token)];
        }
        else
        {
            workers = new Task<LatencyHistogram>[s.InFlight];
            for (var i = 0; i < workers.Length; i++)
            {
                var producer = producers[i % producers.Count];
                workers[i] = Task.Run(() => SendLoopAsync(producer, s.Topic, body, reporter, take, stop.Token));
            }
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
        await reporter.ExplainFailuresAsync(error, "produce", "sends").ConfigureAwait(false);
        if (probe is not null)
        {
            var lag = await probe.StopAsync().ConfigureAwait(false);
            await output.WriteLineAsync(probe.Describe(lag)).ConfigureAwait(false);
            if (lag.Samples == 0)
            {
                await error.WriteLineAsync($"akkamq bench produce: --replication: no replication status with a follower from {s.ReplicationMaster}").ConfigureAwait(false);
                return 1;
            }
        }

        return reporter.Failed == 0 ? 0 : 1;
    }

    private static async Task<LatencyHistogram> SendLoopAsync(Producer producer, string topic, byte[] body, BenchReporter reporter, Func<bool> take, CancellationToken stop)
    {
        var histogram = new LatencyHistogram();
        while (!stop.IsCancellationRequested && take())
        {
            long? micros;
            try
            {
                micros = await TimedSendAsync(producer, topic, body, reporter, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            if (micros is { } m)
            {
                histogram.Record(m);
            }
        }

        return histogram;
    }

    /// <summary>One send, counted by <paramref name="reporter"/>: its latency in µs, or null when it failed. Cancellation is the caller's.</summary>
    private static async Task<long?> TimedSendAsync(Producer producer, string topic, byte[] body, BenchReporter reporter, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await producer.SendAsync(new Message(topic, body), stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQClientException or MQBrokerException or AkkaMq.Remoting.Transport.RemotingTimeoutException or AkkaMq.Remoting.Transport.RemotingConnectionException)
        {
            reporter.Failure(e.Message);
            return null;
        }

        var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        reporter.Success(1, micros);
        return micros;
    }

    /// <summary>
    /// The fixed-rate mode (<c>--rate</c>): one timer thread starts every send itself at its slot
    /// time, evenly spaced (one every 200 µs at 5,000 a second) as a rate limiter does, at most
    /// <c>-f</c> in flight. It sleeps to each slot with sub-millisecond precision: the runtime's
    /// timers fire on a millisecond grid, which would turn a fixed rate into bursts, and waking a
    /// worker for each send would add a thread hand-off to every measured latency. Latency is
    /// measured from the send call, as in the other mode.
    /// </summary>
    private static partial class PacedSends
    {
        public static Task<LatencyHistogram> Start(List<Producer> producers, Settings s, byte[] body, BenchReporter reporter, Func<bool> take, CancellationToken stop)
        {
            var done = new TaskCompletionSource<LatencyHistogram>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    done.SetResult(Run(producers, s, body, reporter, take, stop));
                }
                catch (Exception e)
                {
                    // A bug in the pacer ends the run with its exception instead of the process.
                    done.SetException(e);
                }
            })
            { IsBackground = true, Name = "bench-pacer" };
            thread.Start();
            return done.Task;
        }

        private static LatencyHistogram Run(List<Producer> producers, Settings s, byte[] body, BenchReporter reporter, Func<bool> take, CancellationToken stop)
        {
            var histogram = new LatencyHistogram();
            // A dedicated thread, so waiting here for a free slot blocks no worker the sends need.
            using var inFlight = new SemaphoreSlim(s.InFlight, s.InFlight);
            long interval = Math.Max(1, Stopwatch.Frequency / s.Rate);
            long next = Stopwatch.GetTimestamp();
            int sent = 0;
            try
            {
                while (!stop.IsCancellationRequested && take())
                {
                    next += interval;
                    SleepUntil(next);
                    inFlight.Wait(stop);
                    var producer = producers[sent++ % producers.Count];
                    _ = TrackAsync(producer, s.Topic, body, histogram, reporter, inFlight, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The run's time is up; the sends still in flight finish below.
            }

            for (int i = 0; i < s.InFlight; i++)
            {
                inFlight.Wait(CancellationToken.None);
            }

            return histogram;
        }

        private static async Task TrackAsync(Producer producer, string topic, byte[] body, LatencyHistogram histogram, BenchReporter reporter, SemaphoreSlim inFlight, CancellationToken stop)
        {
            try
            {
                if (await TimedSendAsync(producer, topic, body, reporter, stop).ConfigureAwait(false) is { } micros)
                {
                    lock (histogram)
                    {
                        histogram.Record(micros);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Cut off by the end of the run: neither a success nor a failure.
            }
            finally
            {
                inFlight.Release();
            }
        }

        private static void SleepUntil(long timestamp)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (OperatingSystem.IsWindows())
            {
                Thread.Sleep(TimeSpan.FromSeconds(remaining / (double)Stopwatch.Frequency));
                return;
            }

            var nanos = (long)(remaining * (1_000_000_000.0 / Stopwatch.Frequency));
            var time = new TimeSpec { Seconds = nanos / 1_000_000_000, Nanoseconds = nanos % 1_000_000_000 };
            _ = NanoSleep(in time, IntPtr.Zero);
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "nanosleep")]
        private static partial int NanoSleep(in TimeSpec duration, IntPtr remaining);
    }
}
