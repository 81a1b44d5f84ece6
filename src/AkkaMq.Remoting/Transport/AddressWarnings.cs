using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// Rate limit for the warnings a server logs about bad peers: at most one per remote address and
/// <see cref="Interval"/>, the ones held back counted into the next. A thousand garbage
/// connections from one host then cost one line per interval, not a thousand. Owned by one
/// <see cref="RemotingServer"/>; thread-safe (any connection may warn).
/// </summary>
internal sealed class AddressWarnings(TimeSpan interval)
{
    /// <summary>Entries kept before stale ones are swept, so a scan from many addresses cannot grow the table without bound.</summary>
    private const int SweepAbove = 4096;

    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();
    private readonly long _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);

    public TimeSpan Interval { get; } = interval;

    /// <summary>
    /// True when a warning about <paramref name="address"/> may be logged now;
    /// <paramref name="suppressed"/> is how many were held back since the last one.
    /// </summary>
    public bool TryWarn(IPAddress address, out int suppressed)
    {
        long now = Stopwatch.GetTimestamp();
        if (_entries.Count > SweepAbove)
        {
            Sweep(now);
        }

        var entry = _entries.GetOrAdd(address, static _ => new Entry());
        lock (entry)
        {
            if (entry.Started != 0 && now - entry.Started < _intervalTicks)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.Started = now;
            return true;
        }
    }

    private void Sweep(long now)
    {
        foreach (var (address, entry) in _entries)
        {
            // A dropped entry loses its held-back count; only addresses quiet for a whole interval go.
            if (now - Volatile.Read(ref entry.Started) >= _intervalTicks)
            {
                _entries.TryRemove(address, out _);
            }
        }
    }

    private sealed class Entry
    {
        public long Started;
        public int Suppressed;
    }
}
