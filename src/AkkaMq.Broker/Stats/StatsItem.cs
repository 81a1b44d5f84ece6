namespace AkkaMq.Broker.Stats;

/// <summary>What one window of a <see cref="StatsItem"/> says: the growth of its value and call count over the window.</summary>
/// <param name="Sum">How much the value grew between the first and last sample of the window.</param>
/// <param name="Tps">That growth per second of the window's span.</param>
/// <param name="Avgpt">That growth per call (e.g. messages per send, milliseconds per pull); 0 without calls.</param>
/// <param name="Times">Calls between the first and last sample.</param>
internal readonly record struct StatsSnapshot(long Sum, double Tps, double Avgpt, long Times);

/// <summary>
/// One stats key of one stats name, as RocketMQ's StatsItem: a value and a call count, raised
/// with interlocked adds from any thread, and three windows of samples taken by the owning
/// <see cref="BrokerStatsService"/>'s timers — every 10 s (the minute window keeps 7, so one
/// minute), every 10 min (the hour window, 7) and every hour (the day window, 25).
/// </summary>
internal sealed class StatsItem(string key)
{
    private readonly StatsWindow _minute = new(7, TimeSpan.FromSeconds(10));
    private readonly StatsWindow _hour = new(7, TimeSpan.FromMinutes(10));
    private readonly StatsWindow _day = new(25, TimeSpan.FromHours(1));
    private long _value;
    private long _times;

    /// <summary>The key in RocketMQ's form (<c>topic</c>, <c>topic@group</c>, <c>queueId@topic@group</c> or the cluster name).</summary>
    public string Key { get; } = key;

    public long Value => Interlocked.Read(ref _value);

    public long Times => Interlocked.Read(ref _times);

    public StatsSnapshot Minute => _minute.Compute();

    public StatsSnapshot Hour => _hour.Compute();

    public StatsSnapshot Day => _day.Compute();

    public void Add(long value, long times)
    {
        Interlocked.Add(ref _value, value);
        if (times != 0)
        {
            Interlocked.Add(ref _times, times);
        }
    }

    /// <summary>The rate between the newest two samples of the minute window (the last 10 s).</summary>
    public double LatestMinuteTps => _minute.Compute(latestOnly: true).Tps;

    /// <summary>The rate between the newest two samples of the hour window (the last 10 min).</summary>
    public double LatestHourTps => _hour.Compute(latestOnly: true).Tps;

    internal void SampleMinute(long nowMillis) => _minute.Sample(nowMillis, Times, Value);

    internal void SampleHour(long nowMillis) => _hour.Sample(nowMillis, Times, Value);

    internal void SampleDay(long nowMillis) => _day.Sample(nowMillis, Times, Value);

    /// <summary>Nothing was counted over the whole day window (its samples span 24 h and all agree).</summary>
    internal bool IsIdleForADay => _day.IsFlatAndFull;
}

/// <summary>
/// A bounded list of (time, calls, value) samples. The first sample of an item is preceded by a
/// zero sample one interval earlier, so what was counted before the first sample shows at once.
/// Samples come from a timer thread and reads from request threads, so both take the lock; the
/// counting path never does.
/// </summary>
internal sealed class StatsWindow(int capacity, TimeSpan interval)
{
    private readonly List<Point> _samples = new(capacity + 2);
    private readonly long _intervalMillis = (long)interval.TotalMilliseconds;

    public void Sample(long nowMillis, long times, long value)
    {
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                _samples.Add(new Point(nowMillis - _intervalMillis, 0, 0));
            }

            _samples.Add(new Point(nowMillis, times, value));
            if (_samples.Count > capacity)
            {
                _samples.RemoveAt(0);
            }
        }
    }

    /// <summary>The window holds all the samples it keeps and they show no change.</summary>
    public bool IsFlatAndFull
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == capacity && _samples[0].Value == _samples[^1].Value && _samples[0].Times == _samples[^1].Times;
            }
        }
    }

    /// <summary>The window from its oldest to its newest sample, or only the newest two with <paramref name="latestOnly"/>.</summary>
    public StatsSnapshot Compute(bool latestOnly = false)
    {
        lock (_samples)
        {
            if (_samples.Count == 0)
            {
                return default;
            }

            var last = _samples[^1];
            var first = latestOnly && _samples.Count > 1 ? _samples[^2] : _samples[0];
            long sum = last.Value - first.Value;
            long times = last.Times - first.Times;
            long span = last.AtMillis - first.AtMillis;
            double tps = span > 0 ? sum * 1000.0 / span : 0;
            double avgpt = times > 0 ? (double)sum / times : 0;
            return new StatsSnapshot(sum, tps, avgpt, times);
        }
    }

    private readonly record struct Point(long AtMillis, long Times, long Value);
}
