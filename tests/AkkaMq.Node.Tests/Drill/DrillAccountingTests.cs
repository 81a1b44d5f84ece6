using System.Globalization;
using AkkaMq.Node.Commands.Drill;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>The drill's verdict on every message, from records built by hand.</summary>
public sealed class DrillAccountingTests
{
    private const string BrokerA = "broker-a";
    private const string BrokerB = "broker-b";
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<EpochEntryInfo>> NoEpochs = new Dictionary<string, IReadOnlyList<EpochEntryInfo>>();

    [Fact]
    public void Every_acknowledged_message_consumed_at_its_position_passes()
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 0), Ack("k1", seq: 1, offset: 1), Ack("k2", seq: 2, offset: 2) };
        var deliveries = acks.Select(Delivered).ToList();

        var verdict = Verdict(acks, deliveries);

        Assert.Equal(3, verdict.Acknowledged);
        Assert.Equal(3, verdict.Consumed);
        Assert.Equal(0, verdict.Lost);
        Assert.Equal(0, verdict.Duplicates);
        Assert.Equal(0, verdict.OrderViolations);
        Assert.Equal(0, verdict.OffsetsRewound);
        Assert.Empty(verdict.Problems);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void An_acknowledged_message_never_delivered_is_lost_and_named()
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 0), Ack("k-missing", seq: 1, offset: 1), Ack("k2", seq: 2, offset: 2) };
        var deliveries = new[] { Delivered(acks[0]), Delivered(acks[2]) };

        var verdict = Verdict(acks, deliveries);

        Assert.Equal(1, verdict.Lost);
        Assert.Equal(2, verdict.Consumed);
        var problem = Assert.Single(verdict.Problems);
        Assert.Contains("k-missing", problem, StringComparison.Ordinal);
        Assert.False(verdict.Passed);
    }

    [Theory]
    [InlineData(BrokerB, 0, 5)]
    [InlineData(BrokerA, 1, 5)]
    [InlineData(BrokerA, 0, 6)]
    public void A_delivery_at_another_position_than_acknowledged_is_a_problem(string group, int queue, long offset)
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 4), Ack("k-moved", seq: 1, offset: 5) };
        var deliveries = new[] { Delivered(acks[0]), new ConsumeRecord("k-moved", Sec(2), group, queue, offset) };

        var verdict = Verdict(acks, deliveries);

        Assert.Equal(0, verdict.Lost);
        var problem = Assert.Single(verdict.Problems);
        Assert.Contains("consumed at another position", problem, StringComparison.Ordinal);
        Assert.Contains("k-moved", problem, StringComparison.Ordinal);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void A_second_copy_at_another_position_is_a_duplicate_not_a_misplaced_message()
    {
        // A producer retry can store a message twice; the copy acknowledged is the one that counts.
        var ack = Ack("k0", seq: 0, offset: 7);
        var deliveries = new[] { Delivered(ack), new ConsumeRecord("k0", Sec(3), BrokerA, 0, 8) };

        var verdict = Verdict([ack], deliveries);

        Assert.Equal(1, verdict.Duplicates);
        Assert.Empty(verdict.Problems);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Duplicates_are_deliveries_beyond_the_first_and_do_not_fail_the_drill()
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 0), Ack("k1", seq: 1, offset: 1), Ack("k2", seq: 2, offset: 2) };
        var deliveries = new[]
        {
            Delivered(acks[0]), Delivered(acks[0]), Delivered(acks[0]),
            Delivered(acks[1]), Delivered(acks[1]),
            Delivered(acks[2]),
        };

        var verdict = Verdict(acks, deliveries);

        Assert.Equal(3, verdict.Consumed);
        Assert.Equal(3, verdict.Duplicates);
        Assert.Equal(0, verdict.Lost);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void A_consumed_message_whose_send_failed_is_not_a_problem()
    {
        // The send timed out at the producer but the broker had stored it: consumed, never acknowledged.
        var acks = new[] { Ack("k0", seq: 0, offset: 0), Ack("k2", seq: 2, offset: 2) };
        var deliveries = new[] { Delivered(acks[0]), new ConsumeRecord("k1-failed", Sec(2), BrokerA, 0, 1), Delivered(acks[1]) };

        var verdict = Verdict(acks, deliveries);

        Assert.Equal(2, verdict.Acknowledged);
        Assert.Equal(3, verdict.Consumed);
        Assert.Equal(0, verdict.Lost);
        Assert.Equal(0, verdict.Duplicates);
        Assert.Empty(verdict.Problems);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void One_producer_acknowledged_out_of_order_on_one_queue_is_an_order_violation()
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 10), Ack("k1", seq: 1, offset: 12), Ack("k2", seq: 2, offset: 11) };

        var verdict = Verdict(acks, acks.Select(Delivered).ToList());

        Assert.Equal(1, verdict.OrderViolations);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Order_is_judged_by_sequence_not_by_the_order_records_arrive_in()
    {
        var acks = new[] { Ack("k2", seq: 2, offset: 12), Ack("k0", seq: 0, offset: 10), Ack("k1", seq: 1, offset: 11) };

        var verdict = Verdict(acks, acks.Select(Delivered).ToList());

        Assert.Equal(0, verdict.OrderViolations);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Different_producers_and_different_queues_are_ordered_independently()
    {
        var acks = new[]
        {
            // Producer 1's first message lands after producer 0's second on the same queue.
            Ack("p0-0", producer: 0, seq: 0, offset: 10),
            Ack("p0-1", producer: 0, seq: 1, offset: 11),
            Ack("p1-0", producer: 1, seq: 0, offset: 12),
            Ack("p1-1", producer: 1, seq: 1, offset: 13),

            // Producer 2 alternates queues: its later message has a lower offset, but on another queue.
            Ack("p2-0", producer: 2, seq: 0, offset: 50, queue: 0),
            Ack("p2-1", producer: 2, seq: 1, offset: 3, queue: 1),

            // Producer 3 alternates groups the same way.
            Ack("p3-0", producer: 3, seq: 0, offset: 60, group: BrokerA),
            Ack("p3-1", producer: 3, seq: 1, offset: 1, group: BrokerB),
        };

        var verdict = Verdict(acks, acks.Select(Delivered).ToList());

        Assert.Equal(0, verdict.OrderViolations);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Rewound_offsets_are_counted_and_fail_the_drill()
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 0) };
        string[] rewinds = ["broker-a/0 committed 40 after 55", "broker-b/2 committed 3 after 9"];

        var verdict = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), rewinds, Sec(5), NoEpochs);

        Assert.Equal(2, verdict.OffsetsRewound);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Two_brokers_acknowledging_in_one_epoch_is_a_problem_naming_both()
    {
        var acks = new[]
        {
            Ack("k0", seq: 0, offset: 0, msgId: MsgId(127, 0, 0, 1, 10911, 100)),
            Ack("k1", seq: 1, offset: 1, msgId: MsgId(127, 0, 0, 2, 10921, 300)),
        };
        var epochs = Epochs(BrokerA, new EpochEntryInfo(1, 0, 1000), new EpochEntryInfo(2, 1000, long.MaxValue));

        var verdict = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), [], Sec(5), epochs);

        var problem = Assert.Single(verdict.Problems);
        Assert.Contains("127.0.0.1:10911", problem, StringComparison.Ordinal);
        Assert.Contains("127.0.0.2:10921", problem, StringComparison.Ordinal);
        Assert.Contains("epoch 1", problem, StringComparison.Ordinal);
        Assert.False(verdict.Passed);
    }

    [Fact]
    public void Two_brokers_in_different_epochs_is_a_failover_not_a_problem()
    {
        var acks = new[]
        {
            Ack("k0", seq: 0, offset: 0, msgId: MsgId(127, 0, 0, 1, 10911, 100)),
            Ack("k1", seq: 1, offset: 1, msgId: MsgId(127, 0, 0, 1, 10911, 900)),
            Ack("k2", seq: 2, offset: 2, msgId: MsgId(127, 0, 0, 2, 10921, 1000)),
            Ack("k3", seq: 3, offset: 3, msgId: MsgId(127, 0, 0, 2, 10921, 5000)),
        };
        var epochs = Epochs(BrokerA, new EpochEntryInfo(1, 0, 1000), new EpochEntryInfo(2, 1000, long.MaxValue));

        var verdict = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), [], Sec(5), epochs);

        Assert.Empty(verdict.Problems);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void A_group_without_epochs_is_not_checked_for_two_brokers()
    {
        var acks = new[]
        {
            Ack("k0", seq: 0, offset: 0, msgId: MsgId(127, 0, 0, 1, 10911, 100)),
            Ack("k1", seq: 1, offset: 1, msgId: MsgId(127, 0, 0, 2, 10921, 300)),
        };

        foreach (var epochs in new[] { NoEpochs, Epochs(BrokerB, new EpochEntryInfo(1, 0, long.MaxValue)), Epochs(BrokerA) })
        {
            var verdict = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), [], Sec(5), epochs);
            Assert.Empty(verdict.Problems);
        }
    }

    [Fact]
    public void Longest_unavailable_is_the_worst_groups_longest_hole_in_acknowledgements()
    {
        // Both groups are acknowledged every 0.1 s for 10 s; broker-b has nothing between 4 s and 7 s.
        var acks = new List<AckRecord>();
        for (int i = 0; i <= 100; i++)
        {
            acks.Add(Ack($"a{i}", seq: i, offset: i, group: BrokerA, sentAt: Ms(i * 100), at: Ms((i * 100) + 5)));
            if (i <= 40 || i >= 70)
            {
                acks.Add(Ack($"b{i}", producer: 1, seq: i, offset: i, group: BrokerB, sentAt: Ms(i * 100), at: Ms((i * 100) + 5)));
            }
        }

        var verdict = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), [], Sec(10), NoEpochs);

        Assert.Equal(TimeSpan.FromSeconds(3), verdict.LongestUnavailable);
    }

    [Fact]
    public void Longest_unavailable_counts_from_the_first_send_and_to_the_end_of_sending()
    {
        // broker-b's first answer comes 2.5 s after the first send; broker-a's last answer is at 3.01 s.
        var acks = new List<AckRecord>
        {
            Ack("a0", seq: 0, offset: 0, group: BrokerA, sentAt: Ms(1000), at: Ms(1010)),
            Ack("a1", seq: 1, offset: 1, group: BrokerA, sentAt: Ms(3000), at: Ms(3010)),
            Ack("b0", producer: 1, seq: 0, offset: 0, group: BrokerB, sentAt: Ms(3400), at: Ms(3500)),
            Ack("b1", producer: 1, seq: 1, offset: 1, group: BrokerB, sentAt: Ms(4400), at: Ms(4500)),
        };

        var verdict = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), [], Ms(4500), NoEpochs);

        Assert.Equal(TimeSpan.FromMilliseconds(2500), verdict.LongestUnavailable);

        var quietEnd = DrillAccounting.Verdict(acks, acks.Select(Delivered).ToList(), [], Ms(6000), NoEpochs);
        Assert.Equal(TimeSpan.FromMilliseconds(2990), quietEnd.LongestUnavailable);
    }

    [Fact]
    public void Longest_unavailable_with_nothing_acknowledged_is_the_whole_sending_time()
    {
        var verdict = DrillAccounting.Verdict([], [], [], Sec(30), NoEpochs);

        Assert.Equal(TimeSpan.FromSeconds(30), verdict.LongestUnavailable);
    }

    [Fact]
    public void Longest_gap_includes_the_edges_of_the_range()
    {
        var acks = new[] { Ack("k0", seq: 0, offset: 0, at: Sec(2)), Ack("k1", seq: 1, offset: 1, at: Sec(3)) };

        Assert.Equal(TimeSpan.FromSeconds(7), DrillAccounting.LongestGap(acks, Sec(1), Sec(10)));
        Assert.Equal(TimeSpan.FromSeconds(1.5), DrillAccounting.LongestGap(acks, Ms(500), Ms(3500)));
        Assert.Equal(TimeSpan.FromSeconds(4), DrillAccounting.LongestGap(acks, Sec(5), Sec(9)));
        Assert.Equal(TimeSpan.FromSeconds(4), DrillAccounting.LongestGap([], Sec(5), Sec(9)));
    }

    [Fact]
    public void First_ack_after_is_the_earliest_acknowledged_of_the_group_sent_at_or_after_the_time()
    {
        var acks = new[]
        {
            Ack("before", seq: 0, offset: 0, sentAt: Ms(2900), at: Ms(3100)),
            Ack("late", seq: 1, offset: 1, sentAt: Ms(3000), at: Ms(6000)),
            Ack("exact", seq: 2, offset: 2, sentAt: Ms(3000), at: Ms(4000)),
            Ack("other-group", producer: 1, seq: 0, offset: 0, group: BrokerB, sentAt: Ms(3200), at: Ms(3300)),
        };

        Assert.Equal("exact", DrillAccounting.FirstAckAfter(acks, BrokerA, Sec(3))?.Key);
        Assert.Equal("other-group", DrillAccounting.FirstAckAfter(acks, BrokerB, Sec(3))?.Key);
        Assert.Null(DrillAccounting.FirstAckAfter(acks, BrokerA, Sec(7)));
        Assert.Null(DrillAccounting.FirstAckAfter(acks, "broker-c", Sec(0)));
    }

    [Fact]
    public void First_delivery_after_is_the_earliest_delivery_of_a_group_message_sent_at_or_after_the_time()
    {
        var acks = new[]
        {
            Ack("before", seq: 0, offset: 0, sentAt: Ms(2900), at: Ms(3100)),
            Ack("first-sent", seq: 1, offset: 1, sentAt: Ms(3000), at: Ms(3100)),
            Ack("second-sent", seq: 2, offset: 2, sentAt: Ms(3500), at: Ms(3600)),
            Ack("other-group", producer: 1, seq: 0, offset: 0, group: BrokerB, sentAt: Ms(3200), at: Ms(3300)),
        };
        var deliveries = new[]
        {
            new ConsumeRecord("before", Ms(3200), BrokerA, 0, 0),
            new ConsumeRecord("other-group", Ms(3400), BrokerB, 0, 0),
            new ConsumeRecord("first-sent", Ms(5000), BrokerA, 0, 1),
            new ConsumeRecord("second-sent", Ms(4000), BrokerA, 0, 2),
        };

        Assert.Equal("second-sent", DrillAccounting.FirstDeliveryAfter(acks, deliveries, BrokerA, Sec(3))?.Key);
        Assert.Equal("other-group", DrillAccounting.FirstDeliveryAfter(acks, deliveries, BrokerB, Sec(3))?.Key);
        Assert.Equal("second-sent", DrillAccounting.FirstDeliveryAfter(acks, deliveries, BrokerA, Ms(3500))?.Key);
        Assert.Null(DrillAccounting.FirstDeliveryAfter(acks, deliveries, BrokerA, Ms(3501)));
    }

    [Fact]
    public void Host_of_an_offset_message_id_is_the_ip_and_port_it_starts_with()
    {
        Assert.Equal("127.0.0.1:10911", DrillAccounting.HostOf("7F000001" + "00002A9F" + "00000000000004D2"));
        Assert.Equal("10.20.30.40:8080", DrillAccounting.HostOf(MsgId(10, 20, 30, 40, 8080, 123456789)));
        Assert.Equal("7F00000100002A9F", DrillAccounting.HostOf("7F00000100002A9F"));
        Assert.Equal(string.Empty, DrillAccounting.HostOf(string.Empty));
    }

    [Fact]
    public void Seconds_count_acks_failures_and_first_deliveries_with_latencies()
    {
        var acks = new[]
        {
            Ack("k0", seq: 0, offset: 0, sentAt: Ms(100), at: Ms(110)),
            Ack("k1", seq: 1, offset: 1, sentAt: Ms(200), at: Ms(230)),
            Ack("k2", seq: 2, offset: 2, sentAt: Ms(300), at: Ms(320)),
            Ack("k3", seq: 3, offset: 3, sentAt: Ms(2000), at: Ms(2250)),
        };
        var failures = new[] { new FailRecord(Ms(500), "FLUSH_SLAVE_TIMEOUT"), new FailRecord(Ms(2100), "timeout"), new FailRecord(Ms(2900), "timeout") };
        var deliveries = new[]
        {
            new ConsumeRecord("k0", Ms(400), BrokerA, 0, 0),
            new ConsumeRecord("k0", Ms(1200), BrokerA, 0, 0), // a redelivery: counted at its first delivery only
            new ConsumeRecord("k1", Ms(1500), BrokerA, 0, 1),
            new ConsumeRecord("k2", Ms(4100), BrokerA, 0, 2),
            new ConsumeRecord("k2", Ms(3100), BrokerA, 0, 2), // the earlier delivery, recorded later
        };

        var seconds = DrillAccounting.Seconds(acks, failures, deliveries);

        DrillSecond[] expected =
        [
            new(0, 3, 1, 20, 30, 30, 1),
            new(1, 0, 0, 0, 0, 0, 1),
            new(2, 1, 2, 250, 250, 250, 0),
            new(3, 0, 0, 0, 0, 0, 1),
        ];
        Assert.Equal(expected, seconds);
    }

    [Fact]
    public void Seconds_percentiles_of_a_hundred_latencies()
    {
        var acks = Enumerable.Range(1, 100).Select(i => Ack($"k{i}", seq: i, offset: i, sentAt: Ms(0), at: Ms(i))).ToList();

        var second = Assert.Single(DrillAccounting.Seconds(acks, [], []));

        Assert.Equal(100, second.Acknowledged);
        Assert.Equal(50, second.P50Ms);
        Assert.Equal(99, second.P99Ms);
        Assert.Equal(100, second.MaxMs);
    }

    [Fact]
    public void Seconds_run_to_the_last_second_that_has_anything()
    {
        Assert.Empty(DrillAccounting.Seconds([], [], []));

        var onlyFailure = DrillAccounting.Seconds([], [new FailRecord(Ms(5200), "timeout")], []);
        Assert.Equal(6, onlyFailure.Count);
        Assert.Equal(Enumerable.Range(0, 6), onlyFailure.Select(s => s.Second));
        Assert.Equal(1, onlyFailure[5].Failed);
        Assert.All(onlyFailure.Take(5), s => Assert.Equal(new DrillSecond(s.Second, 0, 0, 0, 0, 0, 0), s));

        var onlyDelivery = DrillAccounting.Seconds([], [], [new ConsumeRecord("k", Ms(7999), BrokerA, 0, 0)]);
        Assert.Equal(8, onlyDelivery.Count);
        Assert.Equal(1, onlyDelivery[7].Consumed);
    }

    private static DrillVerdict Verdict(IReadOnlyCollection<AckRecord> acks, IReadOnlyCollection<ConsumeRecord> deliveries) =>
        DrillAccounting.Verdict(acks, deliveries, [], Sec(10), NoEpochs);

    private static AckRecord Ack(
        string key, long seq, long offset, int producer = 0, int queue = 0, string group = BrokerA,
        TimeSpan? sentAt = null, TimeSpan? at = null, string? msgId = null)
    {
        var sent = sentAt ?? Ms(100 * seq);
        return new AckRecord(key, producer, seq, sent, at ?? sent + Ms(5), group, queue, offset, msgId ?? MsgId(127, 0, 0, 1, 10911, offset * 200));
    }

    private static ConsumeRecord Delivered(AckRecord ack) => new(ack.Key, ack.At + Ms(50), ack.Group, ack.QueueId, ack.QueueOffset);

    /// <summary>An offset message id as a broker writes it: IPv4 address, port and commit log offset in hex.</summary>
    private static string MsgId(byte a, byte b, byte c, byte d, int port, long commitLogOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"{a:X2}{b:X2}{c:X2}{d:X2}{port:X8}{commitLogOffset:X16}");

    private static Dictionary<string, IReadOnlyList<EpochEntryInfo>> Epochs(string group, params EpochEntryInfo[] entries) =>
        new() { [group] = entries };

    private static TimeSpan Sec(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan Ms(long milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
