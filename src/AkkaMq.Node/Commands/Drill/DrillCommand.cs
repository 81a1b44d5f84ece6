using System.CommandLine;
using System.Globalization;
using AkkaMq.Client;
using AkkaMq.Hocon;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// <c>akkamq drill &lt;scenario&gt; [--nodes 3] [--duration 60s] [--rate N] [--report drill.html] [--against ns]</c>:
/// a local cluster of child processes in a temporary directory (or a running cluster, for scenarios
/// that need no process control), the drill's own producers and consumer, the fault, and a timeline
/// and verdict table; exit code 0 only when nothing acknowledged was lost and every promise held.
/// </summary>
internal static class DrillCommand
{
    /// <summary>Exit code when the drill ran and its verdict is FAILED.</summary>
    public const int FailedVerdictExitCode = 3;

    private const NumberStyles BareSeconds = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public static Command Build()
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "What to break: " + string.Join(", ", DrillScenarios.Names) + ".",
        };
        scenario.AcceptOnlyFromAmong([.. DrillScenarios.Names]);
        var nodes = new Option<int>("--nodes") { Description = "Nodes of the local cluster (at least 3).", DefaultValueFactory = _ => 3 };
        var duration = new Option<string>("--duration") { Description = "How long the load runs in all, e.g. 60s or 2m (a bare number is seconds).", DefaultValueFactory = _ => "60s" };
        var rate = new Option<int>("--rate") { Description = "Messages a second, all producers together.", DefaultValueFactory = _ => 200 };
        var producers = new Option<int>("--producers") { Description = "Producers, each sending one message at a time.", DefaultValueFactory = _ => 4 };
        var pause = new Option<string>("--pause") { Description = "How long pause-master stops the master and partition-master cuts it off.", DefaultValueFactory = _ => "20s" };
        var report = new Option<FileInfo?>("--report") { Description = "Write a self-contained HTML report (chart, timeline, verdict) to this file." };
        var against = new Option<string?>("--against")
        {
            Description = "Nameservers of a running cluster (host:port;host:port) to drill instead of starting one; only for scenarios that need no process control: "
                + string.Join(", ", DrillScenarios.AgainstNames) + ". Creates the topic DrillTopic there.",
        };
        var directory = new Option<DirectoryInfo?>("--dir") { Description = "Keep the nodes' files (node files, logs, stores) here instead of a temporary directory." };
        var command = new Command("drill", "Run a failure drill against a local cluster of real node processes and account for every message.")
        {
            scenario, nodes, duration, rate, producers, pause, report, against, directory,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            DrillOptions options;
            try
            {
                options = new DrillOptions
                {
                    Scenario = parse.GetValue(scenario)!,
                    Nodes = Positive(parse.GetValue(nodes), "--nodes"),
                    Duration = ParseDuration(parse.GetValue(duration)!, "--duration"),
                    Rate = Positive(parse.GetValue(rate), "--rate"),
                    Producers = Positive(parse.GetValue(producers), "--producers"),
                    Pause = ParseDuration(parse.GetValue(pause)!, "--pause"),
                    Directory = parse.GetValue(directory)?.FullName,
                    Against = parse.GetValue(against) is { } a && !string.IsNullOrWhiteSpace(a) ? a : null,
                    Progress = line => output.WriteLine(line),
                };
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync("akkamq drill: " + e.Message).ConfigureAwait(false);
                return 1;
            }

            DrillResult result;
            try
            {
                result = await DrillScenarios.RunAsync(options, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DrillException or MQClientException or MQBrokerException)
            {
                await error.WriteLineAsync("akkamq drill: " + e.Message).ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync().ConfigureAwait(false);
            DrillReport.WriteSummary(result, output);
            if (parse.GetValue(report) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, DrillReport.RenderHtml(result), ct).ConfigureAwait(false);
                await output.WriteLineAsync("report: " + file.FullName).ConfigureAwait(false);
            }

            return result.Verdict.Passed ? 0 : FailedVerdictExitCode;
        });
        return command;
    }

    /// <summary>A HOCON duration ("60s", "2m", "1500ms"); a bare number is seconds. Zero or less is refused.</summary>
    internal static TimeSpan ParseDuration(string text, string option)
    {
        TimeSpan duration;
        if (double.TryParse(text, BareSeconds, CultureInfo.InvariantCulture, out double seconds))
        {
            duration = double.IsFinite(seconds) && Math.Abs(seconds) <= int.MaxValue
                ? TimeSpan.FromSeconds(seconds)
                : throw new ArgumentException($"{option} {text}: not a duration of at most {int.MaxValue} seconds (e.g. 60s, 2m, 1500ms)");
        }
        else
        {
            try
            {
                duration = TimeSpan.FromTicks(ConfigUnits.ParseDurationNanos(text) / 100);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"{option} {text}: not a duration (e.g. 60s, 2m, 1500ms): {e.Message}", e);
            }
        }

        return duration > TimeSpan.Zero ? duration : throw new ArgumentException($"{option} {text}: must be longer than zero");
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new ArgumentException($"{option} {value}: must be at least 1");
}
