using System.Globalization;

namespace AkkaMq.Node.Commands.Bench;

/// <summary>
/// A follower's lag behind its master from samples of the master's replication status, each the
/// master's commit-log end and the follower's acknowledged offset at one moment. Lag in bytes is
/// the difference within a sample. Lag in time is, for each sampled master end X, the time from
/// the master's end reaching X until the follower's acknowledged offset reaches X; both moments
/// are found by linear interpolation between the two samples around them, so the result is finer
/// than the sampling interval when the offsets move steadily between samples.
/// </summary>
internal sealed class ReplicationLag
{
    private readonly List<Sample> _samples = [];

    /// <summary>Samples recorded so far.</summary>
    public int Count => _samples.Count;

    /// <summary>The latest sample's master end, or -1 before any.</summary>
    public long LastMasterOffset => _samples.Count == 0 ? -1 : _samples[^1].Master;

    /// <summary>The latest sample's follower offset, or -1 before any.</summary>
    public long LastFollowerOffset => _samples.Count == 0 ? -1 : _samples[^1].Follower;

    /// <summary>One sample; <paramref name="milliseconds"/> is the moment on any monotonic clock, samples in time order.</summary>
    public void Record(double milliseconds, long masterOffset, long followerOffset)
    {
        if (_samples.Count > 0 && milliseconds < _samples[^1].Time)
        {
            throw new ArgumentException("samples must be recorded in time order", nameof(milliseconds));
        }

        // Offsets only grow; a smaller value (a follower reconnecting, a stale report) keeps the earlier high-water mark.
        if (_samples.Count > 0)
        {
            masterOffset = Math.Max(masterOffset, _samples[^1].Master);
            followerOffset = Math.Max(followerOffset, _samples[^1].Follower);
        }

        _samples.Add(new Sample(milliseconds, masterOffset, followerOffset));
    }

    /// <summary>Percentiles of the lag in bytes and in milliseconds over the samples so far.</summary>
    public ReplicationLagSummary Summarize()
    {
        if (_samples.Count == 0)
        {
            return new ReplicationLagSummary(0, 0, 0, 0, 0, 0, 0, 0);
        }

        var bytes = _samples.Select(s => Math.Max(0, s.Master - s.Follower)).Order().ToArray();
        var millis = new List<double>(_samples.Count);
        int unmatched = 0;
        int masterIndex = 0, followerIndex = 0;
        foreach (var target in _samples.Select(s => s.Master).Distinct())
        {
            // Both series only grow, so the crossing of the next (larger) target is never earlier.
            while (_samples[masterIndex].Master < target)
            {
                masterIndex++;
            }

            while (followerIndex < _samples.Count && _samples[followerIndex].Follower < target)
            {
                followerIndex++;
            }

            if (followerIndex == _samples.Count)
            {
                unmatched++;
                continue;
            }

            double reached = Crossing(masterIndex, target, s => s.Master);
            double copied = Crossing(followerIndex, target, s => s.Follower);
            millis.Add(Math.Max(0, copied - reached));
        }

        millis.Sort();
        return new ReplicationLagSummary(_samples.Count, Percentile(bytes, 50), Percentile(bytes, 99), bytes[^1],
            millis.Count == 0 ? 0 : Percentile(millis, 50), millis.Count == 0 ? 0 : Percentile(millis, 99), millis.Count == 0 ? 0 : millis[^1], unmatched);
    }

    /// <summary>When the series reached <paramref name="target"/>, given the first sample at or above it.</summary>
    private double Crossing(int index, long target, Func<Sample, long> value)
    {
        var at = _samples[index];
        if (index == 0)
        {
            return at.Time;
        }

        var before = _samples[index - 1];
        long rise = value(at) - value(before);
        return rise <= 0 ? at.Time : before.Time + ((target - value(before)) / (double)rise * (at.Time - before.Time));
    }

    private static T Percentile<T>(IReadOnlyList<T> sorted, double percent)
    {
        int rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private readonly record struct Sample(double Time, long Master, long Follower);
}

/// <summary>
/// Lag percentiles: bytes (master end minus follower offset per sample) and milliseconds (per
/// sampled master end, until the follower held it); <paramref name="Unmatched"/> sampled master
/// ends the follower had not reached by the last sample.
/// </summary>
internal sealed record ReplicationLagSummary(int Samples, long BytesP50, long BytesP99, long BytesMax, double MillisP50, double MillisP99, double MillisMax, int Unmatched)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"bytes p50 {BytesP50} | p99 {BytesP99} | max {BytesMax}; ms p50 {MillisP50:0.0} | p99 {MillisP99:0.0} | max {MillisMax:0.0}")
        + (Unmatched > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {Unmatched} sampled offsets not yet on the follower") : "");
}
