using Microsoft.Extensions.Time.Testing;

namespace AkkaMq.Broker.Tests;

/// <summary>The pending resets the pull path takes, on a clock the test moves.</summary>
public sealed class OffsetResetsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Take_GivesEachResetOnce()
    {
        var resets = new OffsetResets(_time);
        resets.Assign("T", "G", 0, 42);

        Assert.True(resets.IsPending("T", "G", 0));
        Assert.Equal(42, resets.Take("T", "G", 0));
        Assert.Equal(-1, resets.Take("T", "G", 0));
        Assert.Equal(0, resets.Count);
    }

    [Fact]
    public void LapsedResets_OfQueuesNeverPulledAgain_AreSweptByTheNextReset()
    {
        var resets = new OffsetResets(_time);
        for (int q = 0; q < 8; q++)
        {
            resets.Assign("Old", "Gone", q, 10);
        }

        _time.Advance(OffsetResets.Lifetime + TimeSpan.FromSeconds(1));
        Assert.False(resets.IsPending("Old", "Gone", 0));

        resets.Assign("New", "G", 0, 5);

        Assert.Equal(1, resets.Count);
        Assert.Equal(5, resets.Take("New", "G", 0));
        Assert.Equal(0, resets.Count);
    }
}
