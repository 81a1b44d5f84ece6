using AkkaMq.Node.Commands.Bench;

namespace AkkaMq.Node.Tests.Bench;

/// <summary>The follower lag that <c>bench produce --replication</c> reports, from status samples.</summary>
public sealed class ReplicationLagTests
{
    [Fact]
    public void AFollowerCopyingWhatTheMasterHeld50MsEarlier_Lags50MsAndTheBytesWrittenMeanwhile()
    {
        // The master writes 1,000 bytes a millisecond; the follower holds what the master held 50 ms before.
        var lag = new ReplicationLag();
        for (int t = 0; t <= 1000; t += 10)
        {
            lag.Record(t, t * 1000L, Math.Max(0, t - 50) * 1000L);
        }

        var summary = lag.Summarize();

        Assert.Equal(101, summary.Samples);
        Assert.Equal(50_000, summary.BytesP50);
        Assert.Equal(50_000, summary.BytesMax);
        Assert.Equal(50.0, summary.MillisP50, 3);
        Assert.Equal(50.0, summary.MillisMax, 3);
        // The last 50 ms of master offsets were never seen on the follower.
        Assert.Equal(5, summary.Unmatched);
    }

    [Fact]
    public void TheCrossingBetweenTwoSamples_IsInterpolated_NotRoundedToTheInterval()
    {
        var lag = new ReplicationLag();
        lag.Record(0, 1000, 0);
        lag.Record(10, 1000, 400);
        lag.Record(20, 1000, 1400);   // passed 1000 at 16 ms: 60 % of the way from 400 to 1400

        var summary = lag.Summarize();

        Assert.Equal(16.0, summary.MillisP50, 3);
        Assert.Equal(1000, summary.BytesMax);
        Assert.Equal(0, summary.Unmatched);
    }

    [Fact]
    public void AFollowerThatHoldsEverything_HasNoLag()
    {
        var lag = new ReplicationLag();
        for (int t = 0; t < 5; t++)
        {
            lag.Record(t, 500L * t, 500L * t);
        }

        var summary = lag.Summarize();

        Assert.Equal((0L, 0L, 0.0, 0.0), (summary.BytesP99, summary.BytesMax, summary.MillisP99, summary.MillisMax));
    }

    [Fact]
    public void OneSlowStretch_ShowsInTheTailNotTheMedian()
    {
        var lag = new ReplicationLag();
        for (int t = 0; t < 200; t++)
        {
            // In step with the master, except from 100 to 110 ms when the follower stands still.
            long follower = t is >= 100 and < 110 ? 99 : t;
            lag.Record(t, t, follower);
        }

        var summary = lag.Summarize();

        Assert.Equal(0, summary.BytesP50);
        Assert.Equal(10, summary.BytesMax);
        Assert.Equal(0.0, summary.MillisP50, 3);
        // Offset 100 reached the follower between 109 and 110 ms, read as 109.09 ms between those samples.
        Assert.InRange(summary.MillisMax, 9.0, 10.0);
    }

    [Fact]
    public void AnOffsetGoingBack_KeepsTheHighWaterMark_AndSamplesOutOfOrderAreRejected()
    {
        var lag = new ReplicationLag();
        lag.Record(0, 100, 100);
        lag.Record(1, 200, 50);   // a reconnecting follower reports less than it held

        Assert.Equal(100, lag.LastFollowerOffset);
        Assert.Throws<ArgumentException>(() => lag.Record(0.5, 300, 300));
    }

    [Fact]
    public void NoSamples_SummarizeAsEmpty()
    {
        Assert.Equal(0, new ReplicationLag().Summarize().Samples);
    }

    [Theory]
    [InlineData("127.0.0.1:10911", "127.0.0.1:10911")]
    [InlineData(" broker-a.local:10911 ", "broker-a.local:10911")]
    [InlineData("127.0.0.1", null)]
    [InlineData("127.0.0.1:0", null)]
    [InlineData("127.0.0.1:70000", null)]
    [InlineData(":10911", null)]
    public void TheMasterAddress_MustBeHostAndPort(string given, string? expected)
    {
        var parsed = ReplicationProbe.ParseAddress(given, out var error);

        Assert.Equal(expected, parsed);
        Assert.Equal(expected is null, error is not null);
    }
}
