namespace AkkaMq.Node.Commands.Bench;

/// <summary>
/// Latencies in microseconds, log-linear buckets (64 sub-buckets per power of two, so any
/// percentile is within about 1.5 % of the true value), from 1 µs to over an hour. One writer
/// per instance; merge instances to report.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Powers = 40;
    private readonly long[] _counts = new long[Powers * SubBuckets];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long micros)
    {
        micros = Math.Max(1, micros);
        _counts[IndexOf(micros)]++;
        Count++;
        Max = Math.Max(Max, micros);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The latency at or below which <paramref name="percentile"/> % of the samples fall.</summary>
    public long Percentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBoundOf(i), Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        var power = 63 - (int)long.LeadingZeroCount(value);
        if (power < SubBucketBits)
        {
            return (int)value;
        }

        var sub = (int)(value >> (power - SubBucketBits)) & (SubBuckets - 1);
        var index = (power - SubBucketBits + 1) * SubBuckets + sub;
        return Math.Min(index, Powers * SubBuckets - 1);
    }

    private static long UpperBoundOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var power = index / SubBuckets + SubBucketBits - 1;
        var sub = index % SubBuckets;
        var shift = power - SubBucketBits;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}
