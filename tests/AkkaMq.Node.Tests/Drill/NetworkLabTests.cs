using System.Diagnostics;
using AkkaMq.Node.Commands.Drill;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// The network lab behind the partition drills: hosts in their own namespaces reach each other and are
/// reached from here; a cut host is unreachable from everyone while the others still talk; healing
/// restores it; disposing leaves nothing behind. Where namespaces cannot be made the tests are reported as
/// skipped with the reason — except on CI, which runs as root, where lacking root fails.
/// </summary>
public sealed class NetworkLabTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [NetworkLabFact]
    public async Task A_cut_host_is_unreachable_from_every_other_host_and_the_caller_until_healed()
    {
        await RequireLabsAsync();
        var clock = Stopwatch.StartNew();
        await using var lab = await NetworkLab.CreateAsync(3);
        output.WriteLine($"lab {lab.Id}: 3 hosts built in {clock.ElapsedMilliseconds} ms; "
            + $"hosts {lab.AddressOf(0)}, {lab.AddressOf(1)}, {lab.AddressOf(2)}; client {lab.ClientAddress} on {lab.ClientInterface}");
        var listeners = new List<Process>();
        try
        {
            listeners.Add(await LabTraffic.StartListenerAsync(lab, 0));
            listeners.Add(await LabTraffic.StartListenerAsync(lab, 2));

            await ReachesAsync("host 1 -> host 0", () => LabTraffic.ConnectFromHostAsync(lab, 1, lab.AddressOf(0)), 0);
            await ReachesAsync("caller -> host 0", () => LabTraffic.ConnectFromCallerAsync(lab.AddressOf(0)), 0);
            await ReachesAsync("host 1 -> host 2", () => LabTraffic.ConnectFromHostAsync(lab, 1, lab.AddressOf(2)), 2);
            await ReachesAsync("host 0 -> host 2", () => LabTraffic.ConnectFromHostAsync(lab, 0, lab.AddressOf(2)), 2);

            clock.Restart();
            await lab.IsolateAsync(0);
            output.WriteLine($"isolate took {clock.ElapsedMilliseconds} ms");
            await FailsAsync("host 1 -> host 0", () => LabTraffic.ConnectFromHostAsync(lab, 1, lab.AddressOf(0)));
            await FailsAsync("caller -> host 0", () => LabTraffic.ConnectFromCallerAsync(lab.AddressOf(0)));
            await FailsAsync("host 0 -> host 2", () => LabTraffic.ConnectFromHostAsync(lab, 0, lab.AddressOf(2)));
            await ReachesAsync("host 1 -> host 2 while host 0 is cut", () => LabTraffic.ConnectFromHostAsync(lab, 1, lab.AddressOf(2)), 2);
            await ReachesAsync("caller -> host 2 while host 0 is cut", () => LabTraffic.ConnectFromCallerAsync(lab.AddressOf(2)), 2);

            clock.Restart();
            await lab.HealAsync(0);
            await ReachesAsync("host 1 -> host 0 after healing", () => LabTraffic.ConnectFromHostAsync(lab, 1, lab.AddressOf(0)), 0);
            await ReachesAsync("caller -> host 0 after healing", () => LabTraffic.ConnectFromCallerAsync(lab.AddressOf(0)), 0);
            output.WriteLine($"heal to reachable again took {clock.ElapsedMilliseconds} ms");
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Kill();
                await listener.WaitForExitAsync();
                listener.Dispose();
            }
        }

        clock.Restart();
        await lab.DisposeAsync();
        output.WriteLine($"dispose took {clock.ElapsedMilliseconds} ms");
        Assert.Empty(lab.CleanupFailures);
        await AssertGoneAsync(lab);
        await lab.DisposeAsync(); // a second dispose finds everything gone and reports nothing
        Assert.Empty(lab.CleanupFailures);
    }

    [NetworkLabFact]
    public async Task Wrap_runs_the_program_inside_the_host_with_its_arguments_environment_and_directory()
    {
        await RequireLabsAsync();
        await using var lab = await NetworkLab.CreateAsync(1);
        var directory = Directory.CreateTempSubdirectory("netlab-wrap-");
        try
        {
            // One argument string, as many callers write it, rather than an argument list.
            var start = new ProcessStartInfo(SystemCommand.Find("bash")!, "-c \"echo \\\"$LAB_MARK\\\"; pwd; \\\"$LAB_IP\\\" -4 -o addr show\"")
            {
                WorkingDirectory = directory.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["LAB_MARK"] = "marked twice";
            start.Environment["LAB_IP"] = SystemCommand.Find("ip")!;
            using var process = Process.Start(lab.Wrap(0, start))!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(Deadline).Token);
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("marked twice", lines[0]);
            Assert.Equal(directory.FullName, lines[1]);
            // The host's namespace holds its own address and loopback, and nothing of the caller's.
            Assert.Contains(lines, l => l.Contains(" eth0 ") && l.Contains(lab.AddressOf(0) + "/24"));
            Assert.Contains(lines, l => l.Contains(" lo ") && l.Contains("127.0.0.1/8"));
            Assert.DoesNotContain(text, lab.ClientAddress);
            Assert.Equal(2, lines.Length - 2);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [NetworkLabFact]
    public async Task A_lab_cancelled_while_being_built_leaves_nothing_behind()
    {
        await RequireLabsAsync();
        var ours = $"{NetworkLab.Prefix}{Environment.ProcessId}-";
        var linksBefore = await LabTraffic.IpAsync("-o", "link", "show");
        using var cancel = new CancellationTokenSource();
        var creating = NetworkLab.CreateAsync(60, cancel.Token);
        var clock = Stopwatch.StartNew();
        while (!(await LabTraffic.IpAsync("netns", "list")).Contains(ours) && !creating.IsCompleted)
            Assert.True(clock.Elapsed < Deadline, "no namespace of the lab appeared");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => creating);

        Assert.DoesNotContain(ours, await LabTraffic.IpAsync("netns", "list"));
        var linksAfter = await LabTraffic.IpAsync("-o", "link", "show");
        Assert.Equal(CountClientLinks(linksBefore), CountClientLinks(linksAfter));
    }

    [NetworkLabFact]
    public async Task Leftovers_of_a_gone_process_are_removed_and_those_of_a_live_one_kept()
    {
        await RequireLabsAsync();
        using var gone = Process.Start(new ProcessStartInfo(SystemCommand.Find("bash")!, "-c true"))!;
        await gone.WaitForExitAsync();
        Assert.False(Directory.Exists("/proc/" + gone.Id), "the pid was reused already");
        var suffix = Random.Shared.Next(0x10000).ToString("x4");
        var orphan = $"{NetworkLab.Prefix}{gone.Id}-t{suffix}-h0";
        var ours = $"{NetworkLab.Prefix}{Environment.ProcessId}-t{suffix}-h0";
        try
        {
            await LabTraffic.IpAsync("netns", "add", orphan);
            await LabTraffic.IpAsync("netns", "add", ours);

            var removed = await NetworkLab.RemoveLeftoversAsync();

            Assert.Contains(orphan, removed);
            Assert.DoesNotContain(ours, removed);
            var listing = await LabTraffic.IpAsync("netns", "list");
            Assert.DoesNotContain(orphan, listing);
            Assert.Contains(ours, listing);
        }
        finally
        {
            await SystemCommand.RunAsync(SystemCommand.Find("ip")!, ["netns", "del", ours]);
            await SystemCommand.RunAsync(SystemCommand.Find("ip")!, ["netns", "del", orphan]);
        }
    }

    [Theory]
    [InlineData("amqlab-4242-0a1b2c-h0", true, 4242)]
    [InlineData("amqlab-17-probe0001", true, 17)]
    [InlineData("amqlab-x1-0a1b2c-br", false, 0)]
    [InlineData("amqlab--0a1b2c-br", false, 0)]
    [InlineData("other-4242-h0", false, 0)]
    public void The_creator_is_read_from_a_lab_namespace_name(string name, bool isLab, int pid)
    {
        Assert.Equal(isLab, NetworkLab.TryCreatorOf(name, out var creator));
        Assert.Equal(pid, creator);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(NetworkLab.MaxHosts + 1)]
    public async Task A_lab_needs_between_one_and_the_most_hosts(int hosts)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => NetworkLab.CreateAsync(hosts));
    }

    /// <summary>
    /// The attribute skipped the test where labs cannot be built, so here they must be: anything else (on
    /// CI, not running as root) is a failure.
    /// </summary>
    private static async Task RequireLabsAsync()
    {
        var (available, reason) = await NetworkLab.ProbeAsync();
        if (!available && reason == NetworkLab.NotRootReason && NetworkLabFactAttribute.RootRequired)
            Assert.Fail("CI runs as root, yet this process is not root: the network lab tests cannot run");
        Assert.True(available, "network namespaces are unavailable: " + reason);
    }

    private async Task ReachesAsync(string what, Func<Task<(bool Reached, string Detail)>> attempt, int host)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < Deadline)
        {
            var (reached, detail) = await attempt();
            if (reached)
            {
                Assert.Equal(LabTraffic.GreetingOf(host), detail);
                output.WriteLine($"{what}: reached in {clock.ElapsedMilliseconds} ms");
                return;
            }
            last = detail;
            await Task.Delay(100);
        }
        Assert.Fail($"{what}: not reached within {Deadline.TotalSeconds} s; last attempt: {last}");
    }

    /// <summary>The cut is in place once the port is down, so the very first attempt must fail.</summary>
    private async Task FailsAsync(string what, Func<Task<(bool Reached, string Detail)>> attempt)
    {
        var clock = Stopwatch.StartNew();
        var (reached, detail) = await attempt();
        Assert.False(reached, $"{what} still connected after the cut: {detail}");
        output.WriteLine($"{what}: failed as expected in {clock.ElapsedMilliseconds} ms ({detail})");
    }

    private static int CountClientLinks(string links) =>
        links.Split('\n').Count(l => l.Contains(": amqc", StringComparison.Ordinal));

    private static async Task AssertGoneAsync(NetworkLab lab)
    {
        var namespaces = await LabTraffic.IpAsync("netns", "list");
        Assert.DoesNotContain(lab.Id, namespaces);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var links = await LabTraffic.IpAsync("-o", "link", "show");
            var addresses = await LabTraffic.IpAsync("-4", "-o", "addr", "show");
            if (!links.Contains(lab.ClientInterface) && !addresses.Contains(lab.ClientAddress))
                return;
            Assert.True(clock.Elapsed < Deadline, $"the lab's link is still there: {links}");
            await Task.Delay(100);
        }
    }
}
