using AkkaMq.Node.Commands.Drill;
using Xunit.Abstractions;

namespace AkkaMq.FailureTests;

/// <summary>
/// Faults beyond one master, in a cluster of three real node processes under load: the node hosting
/// the Controller killed, every node killed at once, and every node restarted one after another.
/// </summary>
[Trait("Category", "Failure")]
public sealed class ClusterFailureTests(ITestOutputHelper output)
{
    /// <summary>The longest a broker group may go without an acknowledged write in one rolling-restart step.</summary>
    private static readonly TimeSpan StepTarget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KillController_TheControllerMoves_AndTheNodeComesBack()
    {
        var result = await Drills.RunAsync(Drills.Options("kill-controller", output), output);

        Drills.InOrder(result, TimelineKind.Fault, TimelineKind.Repair, TimelineKind.Recovered);
        Assert.Contains(result.Timeline, e => e.Kind == TimelineKind.Info && e.What.StartsWith("the Controller runs on ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PowerLoss_EveryNodeKilledAtOnce_EveryAcknowledgedMessageIsThereAfterTheRestart()
    {
        var result = await Drills.RunAsync(Drills.Options("power-loss", output), output);

        Drills.InOrder(result, TimelineKind.Fault, TimelineKind.Repair, TimelineKind.Recovered);
        Assert.True(result.Verdict.Acknowledged > 0 && result.Verdict.Lost == 0);
    }

    [Fact]
    public async Task RollingRestart_OfEveryNode_LosesNothing_AndEachStepStaysWithinTheTarget()
    {
        var result = await Drills.RunAsync(Drills.Options("rolling-restart", output), output);

        Assert.Equal(3, result.Timeline.Count(e => e.Kind == TimelineKind.Fault));
        Assert.Equal(3, result.Timeline.Count(e => e.Kind == TimelineKind.Recovered));
        // broker-a's master, stopped with its follower back in the in-sync set, hands the group over.
        Assert.Contains(result.Timeline, e => e.Kind == TimelineKind.Election && e.What.Contains("master of broker-a, epoch 2", StringComparison.Ordinal));
        Assert.True(result.Verdict.LongestUnavailable < StepTarget, $"a group went {result.Verdict.LongestUnavailable.TotalSeconds:F1}s without an acknowledged write");
    }

    [Fact]
    public async Task SwitchOver_AgainstARunningCluster_MovesTheMasterWithoutLoss()
    {
        await using var cluster = DrillCluster.Create(3);
        await cluster.StartAllAsync(CancellationToken.None);
        var refused = await Assert.ThrowsAsync<DrillException>(() =>
            DrillScenarios.RunAsync(Drills.Options("kill-master", output) with { Against = cluster.NameServers }, CancellationToken.None));
        Assert.Contains("needs control of the node processes", refused.Message, StringComparison.Ordinal);

        var result = await Drills.RunAsync(Drills.Options("switch-over", output) with { Against = cluster.NameServers }, output);

        Drills.InOrder(result, TimelineKind.Fault, TimelineKind.Election, TimelineKind.Recovered);
        Assert.Contains(cluster.Nodes[1].BrokerAddress + " master of broker-a", Drills.First(result, TimelineKind.Election).What, StringComparison.Ordinal);
        var master = await cluster.MasterOfAsync("broker-a", CancellationToken.None);
        Assert.Equal("node-b", master?.Node.Name);
    }
}
