using AkkaMq.Broker.Replication;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>Which appends of replicated records wake the broker actor.</summary>
public sealed class ReplicatedArrivalsTests
{
    [Fact]
    public void WithoutPartitions_OneNoticeStandsForEveryAppendUntilTheBrokerReloads()
    {
        var arrivals = new ReplicatedArrivals();

        Assert.True(arrivals.ShouldNotify());
        Assert.False(arrivals.ShouldNotify());
        Assert.False(arrivals.ShouldNotify());

        arrivals.Reloading();
        Assert.True(arrivals.ShouldNotify());
        Assert.False(arrivals.ShouldNotify());
    }

    [Fact]
    public void OncePartitionsExist_EveryAppendIsTold()
    {
        var arrivals = new ReplicatedArrivals();
        Assert.True(arrivals.ShouldNotify());

        arrivals.PartitionsExist();

        Assert.True(arrivals.ShouldNotify());
        Assert.True(arrivals.ShouldNotify());
    }
}
