using AkkaMq.Broker.Replication;
using AkkaMq.Cluster.Coordination;
using Microsoft.Extensions.Time.Testing;

namespace AkkaMq.Broker.Tests.Replication;

/// <summary>The master's acknowledgement gate on its own, on virtual time: member 0 is the master, 1 and 2 followers.</summary>
public sealed class InSyncReplicasTests : IDisposable
{
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(3);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private long _masterEnd = 1000;
    private InSyncReplicas? _gate;

    public void Dispose() => _gate?.Dispose();

    private InSyncReplicas Gate(int minInSync = 1, ReplicationMode mode = ReplicationMode.Sync, bool flushed = false) =>
        _gate = new InSyncReplicas(new InSyncOptions(mode, minInSync, MaxLag, AckTimeout, flushed), () => _masterEnd, _time);

    private static SyncStateSet Set(int setEpoch, params long[] members) => new(1, setEpoch, members);

    private FollowerProgress Progress(long id, long written, long? flushed = null, int epoch = 1) =>
        new(id, written, flushed ?? written, _masterEnd) { MasterEpoch = epoch, CaughtUp = written >= _masterEnd };

    private static async Task<ReplicaAck> Done(ValueTask<ReplicaAck> wait) => await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    [Fact]
    public async Task SendIsAcknowledgedOnlyWhenEveryInSyncFollowerReportedItsEnd()
    {
        var gate = Gate(minInSync: 2);
        gate.Lead(0, Set(1, 0, 1, 2));

        var wait = gate.WaitAsync(1000);
        gate.OnProgress(Progress(1, 1000));
        gate.OnProgress(Progress(2, 999));
        Assert.Equal(1, gate.Waiting);

        gate.OnProgress(Progress(2, 1000));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
        Assert.Equal(1000, gate.AcknowledgedOffset);
        // Both already hold it: the next send up to there is acknowledged at once.
        Assert.True(gate.WaitAsync(900).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ProgressOfAnotherMasterEpochOrOfAFollowerOutsideTheSet_DoesNotCount()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        var wait = gate.WaitAsync(1000);

        gate.OnProgress(Progress(1, 1000, epoch: 0));
        gate.OnProgress(Progress(2, 1000));
        Assert.Equal(1, gate.Waiting);

        gate.OnProgress(Progress(1, 1000));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
    }

    [Fact]
    public async Task InGroupCommitModeTheFollowersFlushedOffsetCounts()
    {
        var gate = Gate(flushed: true);
        gate.Lead(0, Set(1, 0, 1));
        var wait = gate.WaitAsync(1000);

        gate.OnProgress(Progress(1, written: 1000, flushed: 500));
        Assert.Equal(1, gate.Waiting);
        gate.OnProgress(Progress(1, written: 1000, flushed: 1000));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
    }

    [Fact]
    public async Task SetOfTheMasterAlone_AcknowledgesAtOnce_ButNotBelowMinInSyncReplicas()
    {
        var alone = Gate(minInSync: 1);
        alone.Lead(0, Set(1, 0));
        Assert.Equal(ReplicaAck.Ok, await alone.WaitAsync(1000));
        alone.Dispose();

        var strict = Gate(minInSync: 2);
        strict.Lead(0, Set(1, 0));
        Assert.Equal(ReplicaAck.NotEnoughReplicas, await strict.WaitAsync(1000));
    }

    [Fact]
    public async Task NotConfirmedWithinTheAckTimeout_TimesOut()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        var first = gate.WaitAsync(1000);
        _time.Advance(AckTimeout / 2);
        var second = gate.WaitAsync(1100);

        _time.Advance(AckTimeout / 2 + TimeSpan.FromMilliseconds(200));
        Assert.Equal(ReplicaAck.Timeout, await Done(first));
        Assert.Equal(1, gate.Waiting);

        // A late report still acknowledges the send that has not timed out.
        gate.OnProgress(Progress(1, 1100));
        Assert.Equal(ReplicaAck.Ok, await Done(second));
    }

    [Fact]
    public async Task AsyncMode_AcknowledgesAfterTheLocalWrite_NeverWhenNotLeading()
    {
        var gate = Gate(mode: ReplicationMode.Async, minInSync: 2);
        Assert.Equal(ReplicaAck.NotMaster, await gate.WaitAsync(1000));
        gate.Lead(0, Set(1, 0, 1));
        Assert.Equal(ReplicaAck.Ok, await gate.WaitAsync(1000));
    }

    [Fact]
    public async Task Resign_AnswersEveryWaiterNotMaster_AndLaterSends()
    {
        var gate = Gate();
        Assert.Equal(ReplicaAck.NotMaster, await gate.WaitAsync(10));
        gate.Lead(0, Set(1, 0, 1));
        var wait = gate.WaitAsync(1000);

        gate.Resign();

        Assert.Equal(ReplicaAck.NotMaster, await Done(wait));
        Assert.Equal(ReplicaAck.NotMaster, await gate.WaitAsync(10));
        Assert.Null(gate.Current);
    }

    [Fact]
    public async Task ANewMasterEpochForgetsProgressOfTheOldOne()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        gate.OnProgress(Progress(1, 1000));
        Assert.Equal(ReplicaAck.Ok, await gate.WaitAsync(1000));

        gate.Lead(0, new SyncStateSet(2, 5, [0, 1]));
        var wait = gate.WaitAsync(1000);
        Assert.Equal(1, gate.Waiting);
        gate.OnProgress(Progress(1, 1000, epoch: 1));
        Assert.Equal(1, gate.Waiting);
        gate.OnProgress(Progress(1, 1000, epoch: 2));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
    }

    [Fact]
    public async Task AFollowerNotCaughtUpForMaxLagTime_IsProposedOut_AndAcksWaitForTheUnionUntilAccepted()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1, 2));
        gate.OnProgress(Progress(1, 1000));
        gate.OnProgress(Progress(2, 1000));
        _masterEnd = 2000;
        _time.Advance(MaxLag / 2);
        gate.OnProgress(Progress(1, 2000));
        Assert.Null(gate.ProposeChange());

        _time.Advance(MaxLag / 2 + TimeSpan.FromSeconds(1));
        Assert.Equal(new long[] { 0, 1 }, gate.ProposeChange());
        Assert.Equal(new long[] { 0, 1 }, gate.Pending);
        Assert.Equal(new long[] { 0, 1, 2 }, gate.Current!.Members);

        // Pending: follower 2 is still waited for.
        var wait = gate.WaitAsync(2000);
        gate.OnProgress(Progress(1, 2000));
        Assert.Equal(1, gate.Waiting);
        Assert.Null(gate.ProposeChange());

        gate.ChangeAccepted(Set(2, 0, 1));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
        Assert.Null(gate.Pending);
        Assert.Equal(new long[] { 0, 1 }, gate.Current!.Members);
    }

    [Fact]
    public async Task WithoutTheControllersAcceptance_TheSetNeverShrinks()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        _time.Advance(MaxLag + TimeSpan.FromSeconds(1));
        Assert.Equal(new long[] { 0 }, gate.ProposeChange());

        // The controller is unreachable: nothing is applied, sends time out rather than being acknowledged alone.
        for (int i = 0; i < 3; i++)
        {
            _time.Advance(MaxLag);
            Assert.Null(gate.ProposeChange());
        }

        var wait = gate.WaitAsync(1000);
        _time.Advance(AckTimeout + TimeSpan.FromMilliseconds(200));
        Assert.Equal(ReplicaAck.Timeout, await Done(wait));
        Assert.Equal(new long[] { 0, 1 }, gate.Current!.Members);

        // Refused (e.g. a fenced set epoch): proposed again next time.
        gate.ChangeRefused("fenced");
        Assert.Null(gate.Pending);
        Assert.Equal(new long[] { 0 }, gate.ProposeChange());
    }

    [Fact]
    public void AFollowerWhoseConnectionClosed_IsProposedOutAtOnce()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1, 2));
        gate.OnProgress(Progress(1, 1000));
        gate.OnProgress(Progress(2, 1000));
        Assert.Null(gate.ProposeChange());

        gate.OnFollowerGone(2);
        Assert.Equal(new long[] { 0, 1 }, gate.ProposeChange());
    }

    [Fact]
    public async Task ShrinkBelowMinInSyncReplicas_AnswersTheWaitingSendsNotEnoughReplicas()
    {
        var gate = Gate(minInSync: 2);
        gate.Lead(0, Set(1, 0, 1));
        var wait = gate.WaitAsync(1000);

        gate.ChangeAccepted(Set(2, 0));

        Assert.Equal(ReplicaAck.NotEnoughReplicas, await Done(wait));
        Assert.Equal(ReplicaAck.NotEnoughReplicas, await gate.WaitAsync(1000));
    }

    [Fact]
    public async Task ACaughtUpFollower_IsProposedIn_AndFromThenOnAcksWaitForIt()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0));
        Assert.Null(gate.ProposeChange());
        _masterEnd = 2000;
        Assert.Equal(ReplicaAck.Ok, await gate.WaitAsync(2000));

        // Behind what was acknowledged: not yet.
        gate.OnProgress(Progress(1, 1500));
        Assert.Null(gate.Pending);
        Assert.Null(gate.ProposeChange());

        gate.OnProgress(Progress(1, 2000));
        Assert.Equal(new long[] { 0, 1 }, gate.Pending);
        _masterEnd = 2500;
        var wait = gate.WaitAsync(2500);
        Assert.Equal(1, gate.Waiting);
        Assert.Equal(new long[] { 0, 1 }, gate.ProposeChange());
        Assert.Null(gate.ProposeChange());

        gate.ChangeAccepted(Set(2, 0, 1));
        Assert.Equal(1, gate.Waiting);
        gate.OnProgress(Progress(1, 2500));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
    }

    [Fact]
    public void AFollowerBehindTheEpochStart_IsNotProposedIn()
    {
        _masterEnd = 5000;
        var gate = Gate();
        gate.Lead(0, Set(1, 0));
        Assert.Null(gate.ProposeChange());

        gate.OnProgress(new FollowerProgress(1, 4000, 4000, 4000) { MasterEpoch = 1, CaughtUp = true });
        Assert.Null(gate.Pending);
        gate.OnProgress(Progress(1, 5000));
        Assert.Equal(new long[] { 0, 1 }, gate.Pending);
    }

    [Fact]
    public async Task StaleSetsAreIgnored()
    {
        var gate = Gate();
        gate.Lead(0, Set(3, 0, 1));
        gate.ChangeAccepted(Set(2, 0));
        gate.ChangeAccepted(new SyncStateSet(0, 9, [0]));
        gate.Lead(0, new SyncStateSet(0, 9, [0]));

        Assert.Equal((1, 3), (gate.Current!.MasterEpoch, gate.Current.SyncStateSetEpoch));
        Assert.Equal(new long[] { 0, 1 }, gate.Current.Members);
        var wait = gate.WaitAsync(1000);
        Assert.Equal(1, gate.Waiting);
        gate.OnProgress(Progress(1, 1000));
        Assert.Equal(ReplicaAck.Ok, await Done(wait));
    }

    [Fact]
    public async Task ManyWaitersOutOfOrder_AreEachAnsweredOnce()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        var waits = Enumerable.Range(1, 2000).Select(i => (End: (long)((i * 7919) % 2000) + 1, Wait: gate.WaitAsync((i * 7919 % 2000) + 1).AsTask())).ToList();

        gate.OnProgress(Progress(1, 1000));
        await Task.WhenAll(waits.Where(w => w.End <= 1000).Select(w => w.Wait)).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(waits.Where(w => w.End > 1000), w => Assert.False(w.Wait.IsCompleted));
        Assert.Equal(1000, gate.Waiting);

        _time.Advance(AckTimeout + TimeSpan.FromMilliseconds(200));
        var rest = await Task.WhenAll(waits.Where(w => w.End > 1000).Select(w => w.Wait)).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(rest, r => Assert.Equal(ReplicaAck.Timeout, r));
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task Dispose_AnswersWaitersNotMaster_AndTheGateStaysStopped()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        var wait = gate.WaitAsync(1000);

        gate.Dispose();
        gate.Lead(0, Set(1, 0));

        Assert.Equal(ReplicaAck.NotMaster, await Done(wait));
        Assert.Equal(ReplicaAck.NotMaster, await gate.WaitAsync(1000));
    }

    [Fact]
    public async Task LeadingTheSameEpochAgain_AppliesTheNewerSet()
    {
        var gate = Gate();
        gate.Lead(0, Set(1, 0, 1));
        var wait = gate.WaitAsync(1000);

        gate.Lead(0, Set(2, 0));

        Assert.Equal(ReplicaAck.Ok, await Done(wait));
        Assert.Equal(new long[] { 0 }, gate.Current!.Members);
    }
}
