using System.Globalization;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// Turns what <see cref="DrillLoad"/> recorded into the drill's numbers: the load second by second,
/// the verdict (every acknowledged message consumed at the position it was acknowledged with, each
/// producer's order on a queue, no offset rewound, one acknowledging broker per master epoch), and
/// the times of the first acknowledged write and the first delivery after a fault.
/// </summary>
public static class DrillAccounting
{
    /// <summary>Acknowledged, failed and first-consumed messages per second from the start of the load, with send latencies.</summary>
    public static IReadOnlyList<DrillSecond> Seconds(IReadOnlyCollection<AckRecord> acks, IReadOnlyCollection<FailRecord> failures, IReadOnlyCollection<ConsumeRecord> deliveries)
    {
        ArgumentNullException.ThrowIfNull(acks);
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(deliveries);
        var firstDelivery = FirstDeliveries(deliveries);
        int last = new[] { acks.Select(a => Second(a.At)), failures.Select(f => Second(f.At)), firstDelivery.Values.Select(d => Second(d.At)) }
            .SelectMany(x => x).DefaultIfEmpty(-1).Max();
        var latencies = acks.GroupBy(a => Second(a.At)).ToDictionary(g => g.Key, g => g.Select(a => (a.At - a.SentAt).TotalMilliseconds).Order().ToArray());
        var failed = failures.GroupBy(f => Second(f.At)).ToDictionary(g => g.Key, g => g.Count());
        var consumed = firstDelivery.Values.GroupBy(d => Second(d.At)).ToDictionary(g => g.Key, g => g.Count());
        var seconds = new List<DrillSecond>(last + 1);
        for (int s = 0; s <= last; s++)
        {
            var l = latencies.GetValueOrDefault(s) ?? [];
            seconds.Add(new DrillSecond(s, l.Length, failed.GetValueOrDefault(s), Percentile(l, 0.50), Percentile(l, 0.99), l.Length == 0 ? 0 : l[^1], consumed.GetValueOrDefault(s)));
        }

        return seconds;
    }

    /// <summary>
    /// The verdict over everything recorded. <paramref name="epochs"/>: each broker group's master epochs
    /// (as its current master reports them) for the one-broker-per-epoch check; a group missing is not checked.
    /// </summary>
    public static DrillVerdict Verdict(
        IReadOnlyCollection<AckRecord> acks, IReadOnlyCollection<ConsumeRecord> deliveries, IReadOnlyCollection<string> rewinds,
        TimeSpan sendingStopped, IReadOnlyDictionary<string, IReadOnlyList<EpochEntryInfo>> epochs)
    {
        ArgumentNullException.ThrowIfNull(acks);
        ArgumentNullException.ThrowIfNull(deliveries);
        ArgumentNullException.ThrowIfNull(rewinds);
        ArgumentNullException.ThrowIfNull(epochs);
        var problems = new List<string>();
        var acked = new Dictionary<string, AckRecord>();
        foreach (var a in acks)
        {
            acked[a.Key] = a;
        }

        var byKey = deliveries.GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.ToList());
        var lost = acked.Keys.Where(k => !byKey.ContainsKey(k)).ToList();
        if (lost.Count > 0)
        {
            problems.Add($"{lost.Count} acknowledged messages never consumed, e.g. " + string.Join(", ", lost.Order(StringComparer.Ordinal).Take(5)));
        }

        var misplaced = acked.Values.Where(a => byKey.TryGetValue(a.Key, out var d) && !d.Any(x => x.Group == a.Group && x.QueueId == a.QueueId && x.QueueOffset == a.QueueOffset)).ToList();
        if (misplaced.Count > 0)
        {
            var e = misplaced[0];
            problems.Add($"{misplaced.Count} acknowledged messages consumed at another position than acknowledged, e.g. {e.Key} acknowledged at {e.Group}/{e.QueueId}@{e.QueueOffset}, consumed at "
                + string.Join(" ", byKey[e.Key].Select(d => $"{d.Group}/{d.QueueId}@{d.QueueOffset}")));
        }

        int orderViolations = 0;
        foreach (var queue in acked.Values.GroupBy(a => (a.Producer, a.Group, a.QueueId)))
        {
            long previous = -1;
            foreach (var a in queue.OrderBy(a => a.Seq))
            {
                if (a.QueueOffset < previous)
                {
                    orderViolations++;
                }

                previous = Math.Max(previous, a.QueueOffset);
            }
        }

        problems.AddRange(TwoBrokersInOneEpoch(acked.Values, epochs));
        long distinct = byKey.Count;
        long duplicates = deliveries.Count - distinct;
        return new DrillVerdict(acked.Count, distinct, lost.Count, duplicates, LongestGap(acked.Values, sendingStopped), rewinds.Count, orderViolations, problems);
    }

    /// <summary>The first send of <paramref name="group"/> made after <paramref name="after"/> and acknowledged, if any.</summary>
    public static AckRecord? FirstAckAfter(IEnumerable<AckRecord> acks, string group, TimeSpan after) =>
        acks.Where(a => a.Group == group && a.SentAt >= after).MinBy(a => a.At);

    /// <summary>The first delivery of a message of <paramref name="group"/> sent after <paramref name="after"/>, if any.</summary>
    public static ConsumeRecord? FirstDeliveryAfter(IEnumerable<AckRecord> acks, IEnumerable<ConsumeRecord> deliveries, string group, TimeSpan after)
    {
        var sentAfter = acks.Where(a => a.Group == group && a.SentAt >= after).Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        return deliveries.Where(d => sentAfter.Contains(d.Key)).MinBy(d => d.At);
    }

    /// <summary>The longest time within [<paramref name="from"/>, <paramref name="to"/>] without an acknowledged send.</summary>
    public static TimeSpan LongestGap(IEnumerable<AckRecord> acks, TimeSpan from, TimeSpan to)
    {
        var times = acks.Select(a => a.At).Where(t => t >= from && t <= to).Order().Prepend(from).Append(to).ToList();
        var longest = TimeSpan.Zero;
        for (int i = 1; i < times.Count; i++)
        {
            longest = times[i] - times[i - 1] > longest ? times[i] - times[i - 1] : longest;
        }

        return longest;
    }

    /// <summary>The broker address (ip:port) in an offset message id, as the acknowledging broker wrote it.</summary>
    public static string HostOf(string offsetMsgId)
    {
        ArgumentNullException.ThrowIfNull(offsetMsgId);
        if (offsetMsgId.Length < 32)
        {
            return offsetMsgId;
        }

        var ip = string.Join('.', Enumerable.Range(0, 4).Select(i => byte.Parse(offsetMsgId.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        int port = int.Parse(offsetMsgId.AsSpan(8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return ip + ":" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The worst broker group's longest time without an acknowledged write, from the first send to the end of sending.</summary>
    private static TimeSpan LongestGap(IEnumerable<AckRecord> acks, TimeSpan sendingStopped)
    {
        var list = acks.ToList();
        if (list.Count == 0)
        {
            return sendingStopped;
        }

        var from = list.Min(a => a.SentAt);
        return list.GroupBy(a => a.Group).Max(g => LongestGap(g, from, sendingStopped));
    }

    private static IEnumerable<string> TwoBrokersInOneEpoch(IEnumerable<AckRecord> acks, IReadOnlyDictionary<string, IReadOnlyList<EpochEntryInfo>> epochs)
    {
        foreach (var group in acks.GroupBy(a => a.Group))
        {
            if (!epochs.TryGetValue(group.Key, out var ranges) || ranges.Count == 0)
            {
                continue;
            }

            foreach (var perEpoch in group.GroupBy(a => EpochOf(ranges, CommitLogOffset(a.OffsetMsgId))))
            {
                var hosts = perEpoch.Select(a => HostOf(a.OffsetMsgId)).Distinct().ToList();
                if (hosts.Count > 1)
                {
                    yield return $"{group.Key} epoch {perEpoch.Key}: writes acknowledged by {hosts.Count} brokers ({string.Join(", ", hosts)})";
                }
            }
        }
    }

    private static Dictionary<string, ConsumeRecord> FirstDeliveries(IEnumerable<ConsumeRecord> deliveries)
    {
        var first = new Dictionary<string, ConsumeRecord>(StringComparer.Ordinal);
        foreach (var d in deliveries)
        {
            if (!first.TryGetValue(d.Key, out var seen) || d.At < seen.At)
            {
                first[d.Key] = d;
            }
        }

        return first;
    }

    private static long CommitLogOffset(string offsetMsgId) =>
        offsetMsgId.Length < 32 ? -1 : long.Parse(offsetMsgId.AsSpan(16, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static int EpochOf(IReadOnlyList<EpochEntryInfo> ranges, long offset) =>
        ranges.LastOrDefault(r => r.StartOffset <= offset)?.Epoch ?? 0;

    private static int Second(TimeSpan at) => Math.Max(0, (int)at.TotalSeconds);

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
