using System.Diagnostics;
using AkkaMq.Client;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// The drills: each starts a local cluster of child processes, runs the load, injects its fault,
/// repairs it the way an operator (or a service manager) would, and accounts for every message.
/// </summary>
public static class DrillScenarios
{
    private static readonly Dictionary<string, Scenario> Catalogue = new(StringComparer.Ordinal)
    {
        ["disk-loss"] = new("The master of broker-a loses its disk under load; it comes back on an empty disk, copies the log and rejoins.", DiskLossAsync),
        ["kill-master"] = new("kill -9 of broker-a's master under load; it is started again on its store and rejoins as a follower; then the same for the new master, so the group fails over back to the restarted node.", KillMasterAsync),
        ["kill-controller"] = new("kill -9 of the node hosting the Controller under load; the Controller moves, the node comes back.", KillControllerAsync),
        ["pause-master"] = new("SIGSTOP of broker-a's master (a long GC pause, a frozen VM), SIGCONT later: it must come back as a follower, not a second master.", PauseMasterAsync),
        ["partition-master"] = new("broker-a's master is cut off from every other node and from the clients, then the link comes back.", PartitionMasterAsync),
        ["rolling-restart"] = new("Every node stopped gracefully and started again, one after another, followers first, under load.", RollingRestartAsync),
        ["power-loss"] = new("kill -9 of every node at once under load, then all started again on their stores.", PowerLossAsync),
        ["switch-over"] = new("A planned master change under load (electMaster to an in-sync follower), as before maintenance; the old master stays as a follower.",
            SwitchOverAsync, NeedsProcesses: false),
    };

    /// <summary>The scenario names <c>akkamq drill</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Catalogue.Keys];

    /// <summary>The scenarios that need no control of node processes, so also run <c>--against</c> a running cluster.</summary>
    public static IReadOnlyList<string> AgainstNames { get; } = [.. Catalogue.Where(s => !s.Value.NeedsProcesses).Select(s => s.Key)];

    /// <summary>Runs <paramref name="options"/>' scenario from start to verdict.</summary>
    public static async Task<DrillResult> RunAsync(DrillOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Catalogue.TryGetValue(options.Scenario, out var scenario))
        {
            throw new DrillException($"unknown scenario '{options.Scenario}'; one of: {string.Join(", ", Names)}");
        }

        if (options.Nodes < 3)
        {
            throw new DrillException($"--nodes {options.Nodes}: a drill needs at least 3 nodes (broker-a master and follower, broker-b master)");
        }

        if (options.Against is not null && scenario.NeedsProcesses)
        {
            throw new DrillException($"{options.Scenario} needs control of the node processes: run it without --against (the drill starts its own cluster); "
                + "against a running cluster: " + string.Join(", ", AgainstNames));
        }

        await using var lab = options.Scenario == "partition-master" ? await OpenLabAsync(options, ct).ConfigureAwait(false) : null;
        await using var cluster = options.Against is { } against
            ? await DrillCluster.AttachAsync(against, ct).ConfigureAwait(false)
            : DrillCluster.Create(options.Nodes, options.Directory, options.ExtraConfig, lab);
        string? noDisk = null;
        if (cluster.IsLocal)
        {
            if (options.Scenario == "disk-loss")
            {
                // broker-a's first master gets a disk of its own that the drill can pull.
                noDisk = await cluster.LoopDisksUnavailableAsync(ct).ConfigureAwait(false);
                var disk = noDisk is null ? await cluster.GiveOwnDiskAsync(cluster.Nodes[0], ct).ConfigureAwait(false) : null;
                options.Progress?.Invoke(disk is null
                    ? $"no disk of its own for {cluster.Nodes[0].Name} ({noDisk}): its disk will be pulled as kill -9 and removal of its store"
                    : $"{cluster.Nodes[0].Name}'s store is on {disk.Device} (ext4 on a loop device)");
            }

            options.Progress?.Invoke($"starting {options.Nodes} nodes under {cluster.Directory}" + (lab is null ? " on 127.0.0.1" : " in network namespaces"));
            await cluster.StartAllAsync(ct).ConfigureAwait(false);
        }
        else
        {
            options.Progress?.Invoke($"against cluster {cluster.BrokerClusterName} at {cluster.NameServers}: broker groups {string.Join(", ", cluster.Groups)}");
        }

        await using var run = new DrillRun(options, cluster) { NoLoopDiskReason = noDisk };
        await run.StartLoadAsync(ct).ConfigureAwait(false);
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(options.Duration.TotalSeconds / 5, 5, 15));
        if (!await run.Load.WaitForMoreAcksAsync(100, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false))
        {
            throw new DrillException("the load did not get going: fewer than 100 sends acknowledged in 60 s");
        }

        await run.RunOutAsync(warmUp, ct).ConfigureAwait(false);
        await scenario.RunAsync(run, ct).ConfigureAwait(false);
        await run.RunOutAsync(options.Duration, ct).ConfigureAwait(false);
        return await run.FinishAsync(scenario.Description, ct).ConfigureAwait(false);
    }

    private static async Task<NetworkLab> OpenLabAsync(DrillOptions options, CancellationToken ct)
    {
        var (available, reason) = await NetworkLab.ProbeAsync(ct).ConfigureAwait(false);
        if (!available)
        {
            throw new DrillException("partition-master needs Linux network namespaces (run as root with iproute2): " + reason);
        }

        return await NetworkLab.CreateAsync(options.Nodes, ct).ConfigureAwait(false);
    }

    private static async Task KillMasterAsync(DrillRun run, CancellationToken ct)
    {
        var (faultAt, rejoined) = await KillAndRestartMasterAsync(run, string.Empty, ct).ConfigureAwait(false);
        if (rejoined)
        {
            // A node started again after a crash must be electable: the new master goes the same way, and the group
            // fails over back to the restarted node.
            await KillAndRestartMasterAsync(run, " (the group's second failover)", ct).ConfigureAwait(false);
        }

        await FinishAsync(run, faultAt, "kill-master", ct).ConfigureAwait(false);
    }

    /// <summary>kill -9 of broker-a's master, the election after it, and the node started again on its store until it rejoins.</summary>
    private static async Task<(TimeSpan FaultAt, bool Rejoined)> KillAndRestartMasterAsync(DrillRun run, string what, CancellationToken ct)
    {
        var (master, epoch) = await run.MasterAsync(DrillRun.FailedGroup, ct).ConfigureAwait(false);
        var faultAt = await KillAsync(run, master, epoch, $"master of {master.Group}, epoch {epoch}{what}", ct).ConfigureAwait(false);
        await AfterMasterLossAsync(run, master, epoch, faultAt, ct).ConfigureAwait(false);
        run.Add(TimelineKind.Repair, $"{master.Name} starting again on its store");
        await run.RestartAsync(master, ct).ConfigureAwait(false);
        return (faultAt, await run.WaitForRejoinAsync(master, ct).ConfigureAwait(false));
    }

    private static async Task DiskLossAsync(DrillRun run, CancellationToken ct)
    {
        var (master, epoch) = await run.MasterAsync(DrillRun.FailedGroup, ct).ConfigureAwait(false);
        var disk = run.Cluster.DiskOf(master);
        run.WatchFault(master, epoch);
        TimeSpan faultAt;
        if (disk is not null)
        {
            master.Hold();
            await disk.FailAsync(ct).ConfigureAwait(false);
            faultAt = run.Clock.Elapsed;
            run.Add(TimelineKind.Fault, $"disk of {master.Name} (master of {master.Group}, epoch {epoch}) pulled: every read and write of {disk.Device} fails from now on");
            run.Note($"{master.Name}'s store is on ext4 on a loop device; the disk is pulled by emptying the device, so writes, fsync and uncached reads return EIO");
        }
        else
        {
            int? pid = master.Pid;
            master.Kill();
            faultAt = run.Clock.Elapsed;
            await master.WaitForExitAsync(ct).ConfigureAwait(false);
            master.WipeStore();
            run.Add(TimelineKind.Fault, $"disk of {master.Name} (master of {master.Group}, epoch {epoch}) pulled: kill -9 (pid {pid}) and its store directory removed");
            run.Note($"the disk is pulled as kill -9 of the process and removal of its store directory: no disk of its own here ({run.NoLoopDiskReason ?? "the master moved before the fault"})");
        }

        await AfterMasterLossAsync(run, master, epoch, faultAt, ct).ConfigureAwait(false);
        if (disk is not null)
        {
            run.Add(TimelineKind.Info, master.IsRunning
                ? $"{master.Name} still runs on its failed disk; stopping it to replace the disk"
                : $"{master.Name} ended on its failed disk (exit code {master.ExitCode})");
            await master.StopAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            await run.Cluster.GiveOwnDiskAsync(master, ct).ConfigureAwait(false);
        }

        run.Add(TimelineKind.Repair, $"{master.Name} starting on an empty disk");
        await run.RestartAsync(master, ct).ConfigureAwait(false);
        if (await run.WaitForRejoinAsync(master, ct).ConfigureAwait(false))
        {
            await using var admin = new AdminClient(run.Cluster.ClientOptions("drill-admin"));
            var topics = await admin.GetAllTopicConfigAsync(master.BrokerAddress, ct).ConfigureAwait(false);
            if (!topics.ContainsKey(DrillRun.Topic))
            {
                run.Problem($"{master.Name} rejoined without {DrillRun.Topic}: a client asking it would get \"topic not exist\"");
            }
        }

        await FinishAsync(run, faultAt, "disk-loss", ct).ConfigureAwait(false);
    }

    private static async Task KillControllerAsync(DrillRun run, CancellationToken ct)
    {
        var asked = run.Cluster.Nodes.First(n => n.IsRunning);
        var host = await run.Cluster.ControllerHostAsync(asked, ct).ConfigureAwait(false);
        var master = await run.Cluster.MasterOfAsync(host.Group, ct).ConfigureAwait(false);
        bool wasMaster = master?.Node == host;
        int epoch = master?.Epoch ?? 0;
        var faultAt = await KillAsync(run, host, wasMaster ? epoch : int.MaxValue,
            "host of the Controller" + (wasMaster ? $" and master of {host.Group}, epoch {epoch}" : $", follower of {host.Group}"), ct).ConfigureAwait(false);
        var survivor = run.Cluster.Nodes.First(n => n.IsRunning);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < DrillRun.StepDeadline)
        {
            var moved = await TryControllerHostAsync(run, survivor, ct).ConfigureAwait(false);
            if (moved is not null && moved != host)
            {
                run.Add(TimelineKind.Info, $"the Controller runs on {moved.Name}");
                break;
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        if (wasMaster && run.Cluster.Nodes.Count(n => n.Group == host.Group) > 1)
        {
            await AfterMasterLossAsync(run, host, epoch, faultAt, ct).ConfigureAwait(false);
        }
        else
        {
            if (wasMaster)
            {
                run.Note($"{host.Group} has no other member: it takes no writes until {host.Name} is back");
            }

            if (!await run.Load.WaitForMoreAcksAsync(50, DrillRun.StepDeadline, ct).ConfigureAwait(false))
            {
                run.Problem("writes did not go on after the Controller's host was killed");
            }
        }

        run.Add(TimelineKind.Repair, $"{host.Name} starting again on its store");
        await run.RestartAsync(host, ct).ConfigureAwait(false);
        await run.WaitForRejoinAsync(host, ct).ConfigureAwait(false);
        await FinishAsync(run, faultAt, "kill-controller", ct, host.Group).ConfigureAwait(false);
    }

    private static async Task PauseMasterAsync(DrillRun run, CancellationToken ct)
    {
        var (master, epoch) = await run.MasterAsync(DrillRun.FailedGroup, ct).ConfigureAwait(false);
        run.WatchFault(master, epoch);
        await master.PauseAsync(ct).ConfigureAwait(false);
        var faultAt = run.Clock.Elapsed;
        run.Add(TimelineKind.Fault, $"SIGSTOP {master.Name} (pid {master.Pid}), master of {master.Group}, epoch {epoch}, for {run.Options.Pause.TotalSeconds:0}s");
        await AfterMasterLossAsync(run, master, epoch, faultAt, ct).ConfigureAwait(false);
        await run.RunOutAsync(faultAt + run.Options.Pause, ct).ConfigureAwait(false);
        await master.ResumeAsync(ct).ConfigureAwait(false);
        run.Add(TimelineKind.Repair, $"SIGCONT {master.Name}");
        await run.WaitForRejoinAsync(master, ct).ConfigureAwait(false);
        await FinishAsync(run, faultAt, "pause-master", ct).ConfigureAwait(false);
    }

    private static async Task PartitionMasterAsync(DrillRun run, CancellationToken ct)
    {
        var lab = run.Cluster.Lab ?? throw new DrillException("partition-master runs in network namespaces");
        var (master, epoch) = await run.MasterAsync(DrillRun.FailedGroup, ct).ConfigureAwait(false);
        run.WatchFault(master, epoch);
        await lab.IsolateAsync(master.Index, ct).ConfigureAwait(false);
        var faultAt = run.Clock.Elapsed;
        run.Add(TimelineKind.Fault, $"{master.Name} ({master.Host}), master of {master.Group}, epoch {epoch}, cut off from every other node and the clients");
        await AfterMasterLossAsync(run, master, epoch, faultAt, ct).ConfigureAwait(false);
        await run.RunOutAsync(faultAt + run.Options.Pause, ct).ConfigureAwait(false);
        await lab.HealAsync(master.Index, ct).ConfigureAwait(false);
        run.Add(TimelineKind.Repair, $"{master.Name}'s link restored");
        await run.WaitForRejoinAsync(master, ct).ConfigureAwait(false);
        await FinishAsync(run, faultAt, "partition-master", ct).ConfigureAwait(false);
    }

    private static async Task RollingRestartAsync(DrillRun run, CancellationToken ct)
    {
        var health = await run.Cluster.HealthAsync(ct).ConfigureAwait(false);
        bool IsMaster(DrillNode n) => health[n]?.Groups.Any(g => g.Role == "master") == true;
        var order = run.Cluster.Nodes.OrderBy(IsMaster).ThenBy(n => n.Index).ToList();
        for (int step = 0; step < order.Count; step++)
        {
            var node = order[step];
            var from = run.Clock.Elapsed;
            var served = (await run.Cluster.HealthOfAsync(node, ct).ConfigureAwait(false))?.Groups.FirstOrDefault();
            // A master whose group has a follower (restarted and back in the in-sync set in an earlier step)
            // hands the group over: its group must get a new master before the node is started again.
            int? handOverFrom = served is { Role: "master" } && run.Cluster.Nodes.Any(n => n != node && n.Group == node.Group) ? served.MasterEpoch : null;
            if (handOverFrom is { } epoch)
            {
                run.WatchFault(node, epoch);
            }

            run.Add(TimelineKind.Fault, $"step {step + 1} of {order.Count}: {node.Name} ({served?.Role ?? "unknown role"} of {node.Group}) stopping gracefully (SIGTERM)");
            await node.StopAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            if (handOverFrom is { } before)
            {
                await run.WaitForElectionAsync(node.Group, node, before, ct).ConfigureAwait(false);
            }

            run.Add(TimelineKind.Repair, $"{node.Name} starting again on its store");
            await run.RestartAsync(node, ct).ConfigureAwait(false);
            await run.WaitForRejoinAsync(node, ct).ConfigureAwait(false);
            await run.Load.WaitForMoreAcksAsync(50, DrillRun.StepDeadline, ct).ConfigureAwait(false);
            run.NoteUnavailability(from, run.Clock.Elapsed, $"step {step + 1} ({node.Name})");
        }
    }

    private static async Task PowerLossAsync(DrillRun run, CancellationToken ct)
    {
        foreach (var node in run.Cluster.Nodes)
        {
            node.Kill();
        }

        var faultAt = run.Clock.Elapsed;

        run.Add(TimelineKind.Fault, "kill -9 of every node at once");
        run.Note("kill -9 ends the processes, not the machine: what they wrote to the page cache stays; acknowledged writes were flushed (group-commit)");
        foreach (var node in run.Cluster.Nodes)
        {
            await node.WaitForExitAsync(ct).ConfigureAwait(false);
        }

        run.Add(TimelineKind.Repair, "every node starting again on its store (the first seed first)");
        await run.Cluster.StartAllAsync(ct).ConfigureAwait(false);
        var masters = new List<string>();
        foreach (var group in run.Cluster.Groups)
        {
            var (node, epoch) = await run.MasterAsync(group, ct).ConfigureAwait(false);
            masters.Add($"{node.Name} master of {group}, epoch {epoch}");
        }

        run.Add(TimelineKind.Recovered, string.Join("; ", masters));
        foreach (var group in run.Cluster.Groups)
        {
            await run.ExpectWritesAgainAsync(group, faultAt, ct).ConfigureAwait(false);
        }

        run.NoteUnavailability(faultAt, run.Clock.Elapsed, "power-loss");
    }

    private static async Task SwitchOverAsync(DrillRun run, CancellationToken ct)
    {
        // broker-a when it has an in-sync follower, else the first group that has one.
        ReplicasInfo? state = null;
        string? group = null;
        foreach (var candidate in run.Cluster.Groups.OrderBy(g => g == DrillRun.FailedGroup ? 0 : 1))
        {
            var s = await run.Cluster.SyncStateAsync(candidate, ct).ConfigureAwait(false);
            if (s is { MasterAddress: { Length: > 0 } } && s.InSyncReplicas.Any(r => r.BrokerAddress != s.MasterAddress))
            {
                (state, group) = (s, candidate);
                break;
            }
        }

        if (state is null || group is null)
        {
            throw new DrillException("no broker group has an in-sync follower to switch to: " + string.Join(", ", run.Cluster.Groups));
        }

        var target = state.InSyncReplicas.First(r => r.BrokerAddress != state.MasterAddress);
        var faultAt = run.Clock.Elapsed;
        run.Add(TimelineKind.Fault, $"electMaster {group}: broker {target.BrokerId} ({target.BrokerAddress}) to replace {state.MasterAddress}, master of epoch {state.MasterEpoch}");
        await using (var admin = new AdminClient(run.Cluster.ClientOptions("drill-admin")))
        {
            var nameServer = run.Cluster.NameServers.Split(';')[0];
            var elected = await admin.ElectMasterAsync(nameServer, run.Cluster.BrokerClusterName, group, target.BrokerId, ct).ConfigureAwait(false);
            run.Add(TimelineKind.Election, $"{elected.MasterAddress} master of {group}, epoch {elected.MasterEpoch}");
        }

        var switchedAt = run.Clock.Elapsed;

        if (!await run.Load.WaitForMoreAcksAsync(50, DrillRun.StepDeadline, ct).ConfigureAwait(false))
        {
            run.Problem("writes did not go on after the switch-over");
        }

        var waited = Stopwatch.StartNew();
        while (true)
        {
            var now = await run.Cluster.SyncStateAsync(group, ct).ConfigureAwait(false);
            if (now is not null && now.MasterAddress == target.BrokerAddress && now.InSyncReplicas.Any(r => r.BrokerAddress == state.MasterAddress))
            {
                run.Add(TimelineKind.Recovered, $"{state.MasterAddress} follower of {group} (epoch {now.MasterEpoch}), in the in-sync set");
                break;
            }

            if (waited.Elapsed > DrillRun.StepDeadline)
            {
                run.Problem($"the old master {state.MasterAddress} did not return to {group}'s in-sync set within {DrillRun.StepDeadline.TotalSeconds:0}s");
                break;
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        // Writes sent before the answer may still be acknowledged by the old master: the new one's come after it.
        await run.ExpectWritesAgainAsync(group, switchedAt, ct).ConfigureAwait(false);
        run.NoteUnavailability(faultAt, run.Clock.Elapsed, "switch-over");
    }

    private static async Task<TimeSpan> KillAsync(DrillRun run, DrillNode node, int epoch, string what, CancellationToken ct)
    {
        run.WatchFault(node, epoch);
        int? pid = node.Pid;
        node.Kill();
        var faultAt = run.Clock.Elapsed;
        run.Add(TimelineKind.Fault, $"kill -9 {node.Name} (pid {pid}), {what}");
        await node.WaitForExitAsync(ct).ConfigureAwait(false);
        return faultAt;
    }

    /// <summary>After the master of a group is lost: the election, writes on the new master, and the other groups going on meanwhile.</summary>
    private static async Task AfterMasterLossAsync(DrillRun run, DrillNode old, int epoch, TimeSpan faultAt, CancellationToken ct)
    {
        var elected = await run.WaitForElectionAsync(old.Group, old, epoch, ct).ConfigureAwait(false);
        var electedAt = run.Clock.Elapsed;
        if (elected is null)
        {
            return;
        }

        if (!await run.Load.WaitForMoreAcksAsync(50, DrillRun.StepDeadline, ct).ConfigureAwait(false))
        {
            run.Problem($"writes did not go on after {elected.Value.Node.Name} became master");
        }

        foreach (var other in run.Cluster.Groups.Where(g => g != old.Group))
        {
            int during = run.Load.Acks.Count(a => a.Group == other && a.At > faultAt && a.At <= electedAt);
            run.Note($"{other} acknowledged {during} writes while {old.Group} had no master ({(electedAt - faultAt).TotalSeconds:F1}s)");
            if (during == 0 && electedAt - faultAt > TimeSpan.FromSeconds(2))
            {
                run.Problem($"{other} acknowledged nothing while {old.Group} failed over");
            }
        }
    }

    /// <summary>After the repair: the group takes writes again (a few sent after the fault acknowledged), then its recovery events and unavailability are noted.</summary>
    private static async Task FinishAsync(DrillRun run, TimeSpan faultAt, string what, CancellationToken ct, string group = DrillRun.FailedGroup)
    {
        await run.ExpectWritesAgainAsync(group, faultAt, ct).ConfigureAwait(false);
        run.NoteUnavailability(faultAt, run.Clock.Elapsed, what);
    }

    private static async Task<DrillNode?> TryControllerHostAsync(DrillRun run, DrillNode asked, CancellationToken ct)
    {
        try
        {
            return await run.Cluster.ControllerHostAsync(asked, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DrillException or MQClientException or MQBrokerException or IOException)
        {
            return null;
        }
    }

    /// <summary>A drill: what it does, its steps, and whether it needs control of the node processes.</summary>
    private sealed record Scenario(string Description, Func<DrillRun, CancellationToken, Task> RunAsync, bool NeedsProcesses = true);
}
