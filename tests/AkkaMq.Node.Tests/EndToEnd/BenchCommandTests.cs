using System.Globalization;
using System.Text.RegularExpressions;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary><c>akkamq bench produce</c> and <c>akkamq bench consume</c> against a standalone node with group commit.</summary>
[Trait("Category", "EndToEnd")]
public sealed partial class BenchCommandTests : IAsyncLifetime
{
    private NodeFixture _node = null!;

    public async Task InitializeAsync() => _node = await NodeFixture.StartAsync("akkamq.broker.store.flush = group-commit");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Produce_ACount_StoresThatManyAndConsumeReadsThemAll()
    {
        await CliRun.InvokeAsync("admin", "updateTopic", "-n", _node.NameServer, "-c", "DefaultCluster", "-t", "BenchCount", "-r", "4", "-w", "4");

        var produced = await CliRun.InvokeAsync("bench", "produce", "-n", _node.NameServer, "-t", "BenchCount", "-c", "2", "-f", "8", "-s", "100", "-m", "300");
        Assert.True(produced.ExitCode == 0, produced.Output + produced.Error);
        Assert.Equal((300, 0), Summary(produced.Output));
        Assert.Matches(@"Latency ms: p50 [\d.]+ \| p99 [\d.]+ \| p99\.9 [\d.]+", produced.Output);

        var consumed = await CliRun.InvokeAsync("bench", "consume", "-n", _node.NameServer, "-t", "BenchCount", "-d", "30");
        Assert.True(consumed.ExitCode == 0, consumed.Output + consumed.Error);
        Assert.Contains("consume: 300 stored messages in 4 queues", consumed.Output);
        Assert.Equal((300, 0), Summary(consumed.Output));
    }

    [Fact]
    public async Task Produce_AtAFixedRate_SendsAboutThatManyAMoment()
    {
        await CliRun.InvokeAsync("admin", "updateTopic", "-n", _node.NameServer, "-c", "DefaultCluster", "-t", "BenchRate", "-r", "2", "-w", "2");

        // 2 s at 200 a second is 400; unpaced, the same run sends thousands. A busy machine may send fewer.
        var produced = await CliRun.InvokeAsync("bench", "produce", "-n", _node.NameServer, "-t", "BenchRate", "-f", "16", "-s", "64", "--rate", "200", "-d", "2");
        Assert.True(produced.ExitCode == 0, produced.Output + produced.Error);
        var (sent, failed) = Summary(produced.Output);
        Assert.Equal(0, failed);
        Assert.InRange(sent, 150, 420);
    }

    [Fact]
    public async Task Produce_WithAWarmUp_CountsOnlyTheMeasuredSends()
    {
        await CliRun.InvokeAsync("admin", "updateTopic", "-n", _node.NameServer, "-c", "DefaultCluster", "-t", "BenchWarm", "-r", "1", "-w", "1");

        var produced = await CliRun.InvokeAsync("bench", "produce", "-n", _node.NameServer, "-t", "BenchWarm", "-f", "4", "-s", "64", "--warmup", "1", "-m", "50");
        Assert.True(produced.ExitCode == 0, produced.Output + produced.Error);
        Assert.Contains("warm-up: 1 s", produced.Output);
        Assert.Equal((50, 0), Summary(produced.Output));

        var consumed = await CliRun.InvokeAsync("bench", "consume", "-n", _node.NameServer, "-t", "BenchWarm", "-d", "30");
        var stored = long.Parse(StoredPattern().Match(consumed.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(stored > 50, consumed.Output);
    }

    [Fact]
    public async Task Produce_ToAnUnreachableNameServer_FailsWithOneLine()
    {
        var result = await CliRun.InvokeAsync("bench", "produce", "-n", "127.0.0.1:1", "-m", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("akkamq bench produce:", result.Error.Trim(), StringComparison.Ordinal);
    }

    private static (long Succeeded, long Failed) Summary(string output)
    {
        var m = SummaryPattern().Match(output);
        Assert.True(m.Success, output);
        return (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"consume: (\d+) stored messages")]
    private static partial Regex StoredPattern();

    [GeneratedRegex(@"Summary: (\d+) [^\n]*failures (\d+)")]
    private static partial Regex SummaryPattern();
}
