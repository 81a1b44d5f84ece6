using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Broker.Tests.Follower;

public sealed class FollowerOffsetDeltaTests
{
    [Fact]
    public async Task ACommitAnsweredByTheMaster_ReachesTheFollower_WithoutAFlushOfTheMastersOffsets()
    {
        await using var pair = await FollowerPair.StartAsync();
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(Requests.SendV2("FD", "m" + i, 0))).Code);
        }

        // No flush of the master's offsets: the answered commit is in its log (as a delta record).
        Assert.Equal((int)ResponseCode.Success, (await pair.Master.BrokerAsync(FollowerPair.UpdateOffset("G", "FD", 0, 4))).Code);
        pair.Replicate();

        await FollowerPair.WaitUntilAsync(async () => await FollowerReadTests.QueryAsync(pair, "G", "FD", 0) == 4, "the follower to answer offset 4");
    }
}
