using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Node.Hosting;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// One drill in progress: the cluster, the load, the clock (zero when the load starts), the timeline
/// and the notes. A watcher polls every node's health endpoint to time detection and election and,
/// acting as a service manager would, starts again a node whose process ended by itself.
/// </summary>
internal sealed class DrillRun : IAsyncDisposable
{
    public const string Topic = "DrillTopic";
    public const string FailedGroup = "broker-a";

    /// <summary>How long a recovery step (election, rejoin) may take before the drill reports it as a problem.</summary>
    public static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(90);

    private readonly ConcurrentQueue<TimelineEvent> _timeline = new();
    private readonly List<(string Group, TimeSpan FaultAt)> _recoveries = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _watching;
    private volatile FaultWatch? _fault;

    public DrillRun(DrillOptions options, DrillCluster cluster)
    {
        Options = options;
        Cluster = cluster;
    }

    public DrillOptions Options { get; }

    public DrillCluster Cluster { get; }

    public Stopwatch Clock { get; } = new();

    public DrillLoad Load { get; private set; } = null!;

    public List<string> Notes { get; } = [];

    public List<string> Problems { get; } = [];

    public IReadOnlyCollection<TimelineEvent> Timeline => _timeline;

    /// <summary>Why broker-a's master got no disk of its own for disk-loss (null when it did, or for other scenarios).</summary>
    public string? NoLoopDiskReason { get; init; }

    public DateTimeOffset StartedAt { get; private set; }

    public async Task StartLoadAsync(CancellationToken ct)
    {
        StartedAt = DateTimeOffset.UtcNow;
        Clock.Start();
        Load = await DrillLoad.StartAsync(Cluster, Clock, Topic, Options.Producers, Options.Rate, ct).ConfigureAwait(false);
        Add(TimelineKind.Info, $"load started: {Options.Producers} producers, {Options.Rate} messages/s in all on {Topic}, one push consumer");
        _watching = Task.Run(WatchAsync);
    }

    public void Add(TimelineKind kind, string what)
    {
        var e = new TimelineEvent(Clock.Elapsed, kind, what);
        _timeline.Enqueue(e);
        Options.Progress?.Invoke($"{e.At.TotalSeconds,8:F3}s  {kind,-15} {what}");
    }

    public void Note(string note)
    {
        Notes.Add(note);
        Options.Progress?.Invoke("note: " + note);
    }

    public void Problem(string problem)
    {
        Problems.Add(problem);
        Options.Progress?.Invoke("PROBLEM: " + problem);
    }

    /// <summary>From now on the watcher times detection of <paramref name="faulted"/> and the election of a new master of its group above <paramref name="epochBefore"/>.</summary>
    public void WatchFault(DrillNode faulted, int epochBefore) => _fault = new FaultWatch(faulted, epochBefore, Clock.Elapsed);

    /// <summary>The current master of <paramref name="group"/> and its epoch, waiting for one up to the step deadline.</summary>
    public async Task<(DrillNode Node, int Epoch)> MasterAsync(string group, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (await Cluster.MasterOfAsync(group, ct).ConfigureAwait(false) is { } master)
            {
                return master;
            }

            if (waited.Elapsed > StepDeadline)
            {
                throw new DrillException($"no master of {group} within {StepDeadline.TotalSeconds:0}s");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until a node other than <paramref name="old"/> is master of <paramref name="group"/> above <paramref name="epochBefore"/>.</summary>
    public async Task<(DrillNode Node, int Epoch)?> WaitForElectionAsync(string group, DrillNode old, int epochBefore, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StepDeadline)
        {
            if (await Cluster.MasterOfAsync(group, ct).ConfigureAwait(false) is { } master && master.Node != old && master.Epoch > epochBefore)
            {
                return master;
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        Problem($"no new master of {group} within {StepDeadline.TotalSeconds:0}s of the fault");
        return null;
    }

    /// <summary>Waits until <paramref name="node"/> serves its group again (a follower in the in-sync set, or its master); a Recovered event or a problem.</summary>
    public async Task<bool> WaitForRejoinAsync(DrillNode node, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StepDeadline)
        {
            var health = await Cluster.HealthOfAsync(node, ct).ConfigureAwait(false);
            var group = health?.Groups.FirstOrDefault(g => g.Group == node.Group);
            if (health is { Ready: true } && group is { Role: "master" or "follower" } && await Cluster.InSyncAsync(node, ct).ConfigureAwait(false))
            {
                Add(TimelineKind.Recovered, $"{node.Name} {group.Role} of {node.Group} (epoch {group.MasterEpoch}), in the in-sync set");
                return true;
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        Problem($"{node.Name} did not rejoin {node.Group} in sync within {StepDeadline.TotalSeconds:0}s; its log ends:\n{node.Tail(15)}");
        return false;
    }

    /// <summary>Starts a stopped node again and waits until it is ready, starting it once more (noted on the timeline) if it does not get in.</summary>
    public Task RestartAsync(DrillNode node, CancellationToken ct) =>
        Cluster.RestartAsync(node, ct, retrying: what => Add(TimelineKind.Info, what));

    /// <summary>Lets the load run until <paramref name="until"/> has passed since it started.</summary>
    public async Task RunOutAsync(TimeSpan until, CancellationToken ct)
    {
        var left = until - Clock.Elapsed;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the load, waits for the consumer to catch up and computes the result.</summary>
    public async Task<DrillResult> FinishAsync(string description, CancellationToken ct)
    {
        var stopped = Clock.Elapsed;
        await Load.DrainAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watching is { } watching)
        {
            await watching.ConfigureAwait(false);
        }

        foreach (var (group, faultAt) in _recoveries)
        {
            FindRecoveryEvents(group, faultAt);
        }

        var epochs = await EpochsAsync(ct).ConfigureAwait(false);
        var verdict = DrillAccounting.Verdict(Load.Acks, Load.Deliveries, Load.Rewinds, stopped, epochs);
        var problems = verdict.Problems.Concat(Problems).ToList();
        foreach (var rewind in Load.Rewinds.Take(5))
        {
            problems.Add("offset rewound: " + rewind);
        }

        var failures = Load.Failures.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}").ToList();
        Notes.Add("sends not acknowledged: " + (failures.Count == 0 ? "none" : string.Join(", ", failures)));
        if (Load.OffsetWatchErrors > 0)
        {
            Notes.Add($"committed offsets unreadable in {Load.OffsetWatchErrors} rounds of 250 ms (a group failing over)");
        }
        var timeline = _timeline.OrderBy(e => e.At).ToList();
        return new DrillResult(Options.Scenario, description, StartedAt, stopped, timeline,
            DrillAccounting.Seconds(Load.Acks, Load.Failures, Load.Deliveries), verdict with { Problems = problems }, Notes);
    }

    /// <summary>
    /// The group takes writes again: waits until it acknowledged 20 sends made after <paramref name="since"/>
    /// (a problem when it does not within <see cref="StepDeadline"/>), then asks for its first acknowledged
    /// write and first delivery after <paramref name="since"/> on the timeline (found when the drill
    /// finishes, once everything is counted).
    /// </summary>
    public async Task ExpectWritesAgainAsync(string group, TimeSpan since, CancellationToken ct)
    {
        const int Writes = 20;
        if (!await Load.WaitForGroupAcksAsync(group, since, Writes, StepDeadline, ct).ConfigureAwait(false))
        {
            Problem($"{group} acknowledged fewer than {Writes} writes sent after {since.TotalSeconds:F1}s within {StepDeadline.TotalSeconds:0}s of the repair");
        }

        _recoveries.Add((group, since));
    }

    /// <summary>Notes the longest time without an acknowledged write of each group within [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public void NoteUnavailability(TimeSpan from, TimeSpan to, string what)
    {
        foreach (var group in Cluster.Groups)
        {
            var gap = DrillAccounting.LongestGap(Load.Acks.Where(a => a.Group == group), from, to);
            Note(string.Create(CultureInfo.InvariantCulture, $"{what}: {group} longest without an acknowledged write {gap.TotalSeconds:F2}s"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watching is { } watching)
        {
            await watching.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        if (Load is { } load)
        {
            await load.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void FindRecoveryEvents(string group, TimeSpan faultAt)
    {
        if (DrillAccounting.FirstAckAfter(Load.Acks, group, faultAt) is { } ack)
        {
            _timeline.Enqueue(new TimelineEvent(ack.At, TimelineKind.FirstAck, $"first write acknowledged by {group} after the fault, by {DrillAccounting.HostOf(ack.OffsetMsgId)}"));
        }
        else
        {
            Problem($"{group} acknowledged no write sent after the fault");
        }

        if (DrillAccounting.FirstDeliveryAfter(Load.Acks, Load.Deliveries, group, faultAt) is { } delivery)
        {
            _timeline.Enqueue(new TimelineEvent(delivery.At, TimelineKind.ConsumerResumed, $"the consumer received {group}'s first message sent after the fault ({delivery.Key})"));
        }
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<EpochEntryInfo>>> EpochsAsync(CancellationToken ct)
    {
        var epochs = new Dictionary<string, IReadOnlyList<EpochEntryInfo>>();
        await using var admin = new AdminClient(Cluster.ClientOptions("drill-epochs"));
        foreach (var group in Cluster.Groups)
        {
            if (await Cluster.MasterAddressAsync(group, ct).ConfigureAwait(false) is not { } master)
            {
                Problem($"no master of {group} at the end to read its epochs from");
                continue;
            }

            epochs[group] = (await admin.GetBrokerEpochCacheAsync(master.Address, ct).ConfigureAwait(false)).EpochList;
        }

        return epochs;
    }

    /// <summary>
    /// One polling loop per node (a node that does not answer delays only its own loop) plus the
    /// service-manager check; each answer is looked at as it arrives, so events are timed to ~100 ms.
    /// </summary>
    private Task WatchAsync() =>
        Task.WhenAll(Cluster.Nodes.Select(WatchNodeAsync).Append(SuperviseAsync()));

    private async Task SuperviseAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var node in Cluster.Nodes.Where(n => !n.IsRunning && !n.StoppedByDrill && n.ExitCode is not null))
            {
                Add(TimelineKind.Info, $"{node.Name} exited by itself (code {node.ExitCode}); started again, as its service manager would");
                Cluster.Restart(node);
            }

            await Task.Delay(100, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task WatchNodeAsync(DrillNode node)
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_fault is { Detected: false } or { Elected: false } && node.IsRunning)
            {
                try
                {
                    Look(node, await Cluster.HealthOfAsync(node, _stop.Token).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }

            await Task.Delay(100, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private void Look(DrillNode node, HealthReport? report)
    {
        if (report is null || _fault is not { } fault)
        {
            return;
        }

        lock (fault)
        {
            if (node == fault.Node)
            {
                // A node whose disk failed still answers: it says so itself.
                if (!fault.Detected && report.Groups.FirstOrDefault(g => g.Store != "open") is { } failed)
                {
                    fault.Detected = true;
                    Add(TimelineKind.Detection, $"{node.Name} reports the store of {failed.Group} {failed.Store}");
                }

                return;
            }

            if (!fault.Detected && report.Unreachable.Contains(fault.Node.AkkaAddress(DrillCluster.ClusterName)))
            {
                fault.Detected = true;
                Add(TimelineKind.Detection, $"{node.Name} marks {fault.Node.Name} unreachable");
            }

            var group = report.Groups.FirstOrDefault(g => g.Group == fault.Node.Group);
            if (!fault.Elected && group is { Role: "master" } && group.MasterEpoch > fault.EpochBefore)
            {
                fault.Elected = true;
                Add(TimelineKind.Election, $"{node.Name} master of {group.Group}, epoch {group.MasterEpoch}");
            }
        }
    }

    private sealed class FaultWatch(DrillNode node, int epochBefore, TimeSpan at)
    {
        public DrillNode Node { get; } = node;

        public int EpochBefore { get; } = epochBefore;

        public TimeSpan At { get; } = at;

        public bool Detected { get; set; }

        public bool Elected { get; set; }
    }
}
