using System.Diagnostics;
using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// <c>akkamq drill</c>'s answers to bad command lines: each is refused with a message naming what is
/// wrong, before any node is started (the node directory given with --dir is never created).
/// </summary>
public sealed class DrillCommandTests : IDisposable
{
    /// <summary>Refusals happen before anything is started; a drill that started would take far longer.</summary>
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(15);

    private readonly string _nodeDirectory = Path.Combine(Path.GetTempPath(), "akkamq-drill-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_nodeDirectory))
        {
            Directory.Delete(_nodeDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Unknown_scenario_is_refused_with_the_list_of_scenarios()
    {
        var result = await RefusedAsync("drill", "melt-disk");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("melt-disk", result.Error, StringComparison.Ordinal);
        Assert.All(DrillScenarios.Names, name => Assert.Contains(name, result.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_scenario_is_refused()
    {
        var result = await RefusedAsync("drill");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Required argument missing", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0s")]
    [InlineData("0")]
    [InlineData("-5s")]
    [InlineData("10 parsecs")]
    [InlineData("")]
    public async Task Bad_duration_is_refused_naming_the_option(string duration)
    {
        var result = await RefusedAsync("drill", "kill-master", "--duration", duration);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--duration", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_pause_is_refused_naming_the_option()
    {
        var result = await RefusedAsync("drill", "pause-master", "--pause", "0ms");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--pause", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fewer_than_three_nodes_is_refused_before_anything_starts()
    {
        var clock = Stopwatch.StartNew();
        var result = await RefusedAsync("drill", "kill-master", "--nodes", "2");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--nodes 2", result.Error, StringComparison.Ordinal);
        Assert.Contains("at least 3 nodes", result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Quick, $"refusing --nodes 2 took {clock.Elapsed}");
        Assert.DoesNotContain("starting", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate", "0")]
    [InlineData("--rate", "-10")]
    [InlineData("--producers", "0")]
    [InlineData("--nodes", "0")]
    public async Task Counts_below_one_are_refused_naming_the_option(string option, string value)
    {
        var result = await RefusedAsync("drill", "kill-master", option, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_that_is_not_a_number_is_refused()
    {
        var result = await RefusedAsync("drill", "kill-master", "--rate", "fast");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("fast", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_scenario_and_option()
    {
        var result = await CliRun.InvokeAsync("drill", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.All(DrillScenarios.Names, name => Assert.Contains(name, result.Output, StringComparison.Ordinal));
        Assert.All(
            new[] { "--nodes", "--duration", "--rate", "--producers", "--pause", "--report", "--dir" },
            option => Assert.Contains(option, result.Output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1500ms", 1_500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("45", 45_000)]
    [InlineData("1.5", 1_500)]
    [InlineData(" 30 ", 30_000)]
    [InlineData("+30", 30_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_are_hocon_durations_and_bare_numbers_are_seconds(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DrillCommand.ParseDuration(text, "--duration"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("0s")]
    [InlineData("-1")]
    [InlineData("-1s")]
    [InlineData("50ns")]
    public void Durations_of_zero_or_less_are_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DrillCommand.ParseDuration(text, "--pause"));
        Assert.StartsWith("--pause", e.Message, StringComparison.Ordinal);
        Assert.Contains("longer than zero", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("10 parsecs")]
    [InlineData("s")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("99999999999999999999")]
    public void Text_that_is_no_duration_is_refused_naming_the_option(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DrillCommand.ParseDuration(text, "--duration"));
        Assert.StartsWith("--duration", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs the command line with --dir and checks it refused without creating the node directory.
    /// Unless the test sets --nodes, it adds --nodes 2 as a backstop: should the option under test be
    /// wrongly accepted, the drill is still refused before a node starts, and the test fails on the message.
    /// </summary>
    private async Task<CliResult> RefusedAsync(params string[] args)
    {
        string[] backstop = args.Contains("--nodes") ? [] : ["--nodes", "2"];
        var clock = Stopwatch.StartNew();
        var result = await CliRun.InvokeAsync([.. args, .. backstop, "--dir", _nodeDirectory]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(Directory.Exists(_nodeDirectory), "a refused drill created its node directory");
        Assert.True(clock.Elapsed < Quick, $"refusing took {clock.Elapsed}");
        return result;
    }
}
