namespace AkkaMq.Store.Tests.Replication;

public sealed class EpochDivergenceTests
{
    private static EpochEntry[] T(params (int Epoch, long Start)[] e) => [.. e.Select(x => new EpochEntry(x.Epoch, x.Start))];

    [Fact]
    public void SameHistory_ShorterReplica_NeedsNoTruncation()
    {
        Assert.Equal(500, EpochDivergence.TruncationPoint(T((1, 0), (2, 300)), 900, T((1, 0), (2, 300)), 500));
        Assert.Equal(200, EpochDivergence.TruncationPoint(T((1, 0), (2, 300)), 900, T((1, 0)), 200));
    }

    [Fact]
    public void ReplicaLongerInTheCommonEpoch_IsCutAtTheMastersEnd()
    {
        Assert.Equal(700, EpochDivergence.TruncationPoint(T((1, 0), (2, 300)), 700, T((1, 0), (2, 300)), 1000));
    }

    [Fact]
    public void ReplicaWroteAnEpochTheMasterNeverHad_IsCutWhereTheMastersNextEpochBegan()
    {
        // The replica was master in epoch 2 and wrote up to 800; the master (epoch 1 ended at 400, then 3) never saw it.
        Assert.Equal(400, EpochDivergence.TruncationPoint(T((1, 0), (3, 400)), 1200, T((1, 0), (2, 600)), 800));
        // Same, but the replica's epoch 1 ended first.
        Assert.Equal(350, EpochDivergence.TruncationPoint(T((1, 0), (3, 400)), 1200, T((1, 0), (2, 350)), 800));
    }

    [Fact]
    public void SameEpochNumberAtAnotherOffset_IsNotCommon()
    {
        Assert.Equal(100, EpochDivergence.TruncationPoint(T((1, 0), (2, 100)), 900, T((1, 0), (2, 150)), 400));
    }

    [Fact]
    public void NoCommonEpoch_MeansTruncateEverything()
    {
        Assert.Null(EpochDivergence.TruncationPoint(T((2, 0)), 900, T((1, 0)), 400));
        Assert.Null(EpochDivergence.TruncationPoint(T((1, 0)), 900, T(), 400));
    }
}
