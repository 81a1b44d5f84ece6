using System.Diagnostics;
using System.Globalization;

namespace AkkaMq.Node.Commands.Bench;

/// <summary>
/// Counts completed operations from many workers and prints one line a second (TPS, average and
/// max latency, failures), like RocketMQ's benchmark tools; workers keep their own histograms
/// for the final percentiles.
/// </summary>
internal sealed class BenchReporter
{
    private readonly TextWriter _output;
    private readonly string _unit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _ok;
    private long _failed;
    private long _operations;
    private long _latencySum;
    private long _latencyMax;
    private string? _firstFailure;

    public BenchReporter(TextWriter output, string unit)
    {
        _output = output;
        _unit = unit;
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public long Succeeded => Interlocked.Read(ref _ok);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>One operation (a send, a pull) that moved <paramref name="count"/> messages in <paramref name="micros"/>.</summary>
    public void Success(long count, long micros)
    {
        Interlocked.Add(ref _ok, count);
        Interlocked.Increment(ref _operations);
        Interlocked.Add(ref _latencySum, micros);
        long max;
        while (micros > (max = Interlocked.Read(ref _latencyMax)) && Interlocked.CompareExchange(ref _latencyMax, micros, max) != max)
        {
        }
    }

    /// <summary>One failed operation; the first failure's reason is kept for <see cref="ExplainFailuresAsync"/>.</summary>
    public void Failure(string reason)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstFailure, reason, null);
    }

    /// <summary>When anything failed, one line on <paramref name="error"/> saying how many and why the first did.</summary>
    public async Task ExplainFailuresAsync(TextWriter error, string command, string operations)
    {
        if (Failed > 0)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"akkamq bench {command}: {Failed} {operations} failed; the first: {Volatile.Read(ref _firstFailure)}")).ConfigureAwait(false);
        }
    }

    /// <summary>Prints a line every second until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        long lastOk = 0, lastOps = 0, lastSum = 0, lastFailed = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var ok = Succeeded;
                var ops = Interlocked.Read(ref _operations);
                var sum = Interlocked.Read(ref _latencySum);
                var failed = Failed;
                var max = Interlocked.Exchange(ref _latencyMax, 0);
                var count = ok - lastOk;
                var avg = ops == lastOps ? 0 : (sum - lastSum) / (double)(ops - lastOps) / 1000.0;
                await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{_unit} TPS: {count,8} | avg RT: {avg,7:0.000} ms | max RT: {max / 1000.0,8:0.000} ms | failures: {failed - lastFailed}")).ConfigureAwait(false);
                (lastOk, lastOps, lastSum, lastFailed) = (ok, ops, sum, failed);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over; the summary follows.
        }
    }

    public async Task SummaryAsync(LatencyHistogram latencies, string what)
    {
        var seconds = Elapsed.TotalSeconds;
        await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Summary: {Succeeded} {what} in {seconds:0.0} s = {Succeeded / seconds:0} msgs/s, failures {Failed}")).ConfigureAwait(false);
        if (latencies.Count > 0)
        {
            await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Latency ms: p50 {latencies.Percentile(50) / 1000.0:0.000} | p99 {latencies.Percentile(99) / 1000.0:0.000} | p99.9 {latencies.Percentile(99.9) / 1000.0:0.000} | max {latencies.Max / 1000.0:0.000}")).ConfigureAwait(false);
        }
    }
}
