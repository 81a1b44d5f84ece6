using System.Globalization;
using System.Text.RegularExpressions;
using AkkaMq.Node;
using AkkaMq.Node.Commands.Drill;
using AkkaMq.Node.Tests.Drill;
using Xunit.Abstractions;

namespace AkkaMq.FailureTests;

/// <summary>
/// broker-a's master fails under load in each way a master fails — its disk, its process, a pause,
/// its network — in a cluster of three real node processes (broker-a master and follower, broker-b
/// master). The follower must take over within the target, nothing acknowledged may be lost, and
/// the old master must come back as a follower in sync.
/// </summary>
[Trait("Category", "Failure")]
public sealed class MasterFailureTests(ITestOutputHelper output)
{
    /// <summary>From the fault to a new master: detection (~4 s) and the election, with room for a loaded CI machine.</summary>
    private static readonly TimeSpan ElectionTarget = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task DiskLoss_TheFollowerTakesOver_AndTheOldMasterRejoinsFromAnEmptyDisk()
    {
        var result = await Drills.RunAsync(Drills.Options("disk-loss", output), output);

        Drills.InOrder(result, TimelineKind.Fault, TimelineKind.Election, TimelineKind.Repair, TimelineKind.Recovered);
        Assert.InRange(Drills.First(result, TimelineKind.Election).At - Drills.First(result, TimelineKind.Fault).At, TimeSpan.Zero, ElectionTarget);
        Assert.True(Drills.First(result, TimelineKind.FirstAck).At >= Drills.First(result, TimelineKind.Fault).At);
        // broker-b, on other nodes, goes on as if nothing happened.
        var brokerB = result.Notes.Select(n => Regex.Match(n, @"^disk-loss: broker-b longest without an acknowledged write (\d+\.\d+)s$")).Single(m => m.Success);
        Assert.True(double.Parse(brokerB.Groups[1].Value, CultureInfo.InvariantCulture) < 5.0, "broker-b stalled: " + brokerB.Value);
    }

    [Fact]
    public async Task KillMaster_ThroughTheCommandLine_PassesAndWritesAReportChromiumRenders()
    {
        using var dir = new TempDirectory();
        string report = Path.Combine(dir.Path, "kill-master.html");
        var captured = new StringWriter(CultureInfo.InvariantCulture);
        var console = TextWriter.Synchronized(captured);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var options = Drills.Options("kill-master", output);

        int exit = await Cli.InvokeAsync(
            ["drill", "kill-master", "--duration", ((int)options.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "--rate", options.Rate.ToString(CultureInfo.InvariantCulture), "--report", report],
            console, error);
        string text = captured.ToString();
        output.WriteLine(text);
        output.WriteLine(error.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("verdict: PASSED", text, StringComparison.Ordinal);
        // The second failover goes back to the node that crashed first and was started again.
        Assert.Matches(new Regex(@"Election\s+node-\w master of broker-a, epoch 3"), text);
        foreach (var kind in new[] { "Fault", "Detection", "Election", "FirstAck", "ConsumerResumed", "Repair", "Recovered" })
        {
            Assert.Matches(new Regex(@"^\s+\d+\.\d{3}s\s+" + kind + @"\s", RegexOptions.Multiline), text);
        }

        Assert.True(File.Exists(report), "no report written");
        var browser = HeadlessChromium.Require(output.WriteLine);
        if (browser is null)
        {
            return;
        }

        string dom = await HeadlessChromium.DumpDomAsync(browser, report, dir.Path);
        var rendered = Regex.Match(dom, "data-rendered=\"([^\"]*)\"").Groups[1].Value;
        output.WriteLine("data-rendered=\"" + rendered + "\"");
        // Two faults: the master, then the master elected after it.
        var m = Regex.Match(rendered, @"^chart (\d+)x(\d+); line (\d+)x(\d+); markers (\d+); faults 2$");
        Assert.True(m.Success, "the report did not lay out: " + rendered);
        Assert.True(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) > 0, rendered);
        Assert.True(int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture) >= 4, "markers for fault, election, first ack, repair and recovery: " + rendered);
    }

    [Fact]
    public async Task PauseMaster_For20Seconds_ComesBackAsAFollower_NotASecondMaster()
    {
        var result = await Drills.RunAsync(Drills.Options("pause-master", output), output);

        Drills.InOrder(result, TimelineKind.Fault, TimelineKind.Election, TimelineKind.Repair, TimelineKind.Recovered);
        Assert.InRange(Drills.First(result, TimelineKind.Election).At - Drills.First(result, TimelineKind.Fault).At, TimeSpan.Zero, ElectionTarget);
        Assert.Contains("follower of broker-a", Drills.First(result, TimelineKind.Recovered).What, StringComparison.Ordinal);
    }

    [PartitionFact]
    public async Task PartitionMaster_TheMajorityElects_AndTheCutOffMasterRejoinsAsAFollower()
    {
        var result = await Drills.RunAsync(Drills.Options("partition-master", output), output);

        Drills.InOrder(result, TimelineKind.Fault, TimelineKind.Election, TimelineKind.Repair, TimelineKind.Recovered);
        Assert.InRange(Drills.First(result, TimelineKind.Election).At - Drills.First(result, TimelineKind.Fault).At, TimeSpan.Zero, ElectionTarget);
        Assert.Contains("follower of broker-a", Drills.First(result, TimelineKind.Recovered).What, StringComparison.Ordinal);
    }
}
