using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>The drill's offset watcher: which falls of a committed offset count as rewinds.</summary>
public sealed class OffsetHistoryTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void An_offset_still_held_a_second_later_is_settled_and_a_fall_below_it_is_a_rewind()
    {
        var history = new OffsetHistory();
        Assert.Null(history.Observe(S(1.0), 100));
        Assert.Null(history.Observe(S(1.5), 110));
        Assert.Null(history.Observe(S(2.0), 120));
        Assert.Equal(100, history.Current?.Offset);

        // The broker crashed and came back with 99: 100 was in the log, so this is a rewind of it.
        var rewound = history.Observe(S(30.0), 99);

        Assert.NotNull(rewound);
        Assert.Equal(100, rewound.Offset);
        Assert.Equal(S(1.0), rewound.At);
        Assert.Equal(S(2.0), rewound.ConfirmedAt);
    }

    [Fact]
    public void Commits_seen_just_before_a_crash_and_gone_after_it_are_not_rewinds()
    {
        var history = new OffsetHistory();
        history.Observe(S(3.0), 118);
        history.Observe(S(4.0), 121);
        history.Observe(S(4.75), 123);

        // Killed at 4.8 s: 121 was the last settled value, 123 had not been written yet; the broker came back with 122.
        Assert.Null(history.Observe(S(30.1), 122));
        Assert.Null(history.Observe(S(30.4), 122));
        Assert.Equal(121, history.Current?.Offset);

        // Once it moves past 123 that one is settled as well; a later fall below it counts.
        Assert.Null(history.Observe(S(31.0), 130));
        Assert.Equal(123, history.Current?.Offset);
        Assert.Equal(123, history.Observe(S(40.0), 122)?.Offset);
    }

    [Fact]
    public void A_steady_offset_settles_and_a_queue_without_offset_is_ignored()
    {
        var history = new OffsetHistory();
        Assert.Null(history.Observe(S(0.0), -1));
        history.Observe(S(0.5), 7);
        history.Observe(S(1.0), 7);
        history.Observe(S(1.6), 7);
        Assert.Equal(7, history.Current?.Offset);

        Assert.Null(history.Observe(S(2.0), -1));
        Assert.Equal(7, history.Observe(S(2.5), 6)?.Offset);
    }
}
