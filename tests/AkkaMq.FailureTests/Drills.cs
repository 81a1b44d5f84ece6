using System.Globalization;
using AkkaMq.Node.Commands.Drill;
using Xunit.Abstractions;

namespace AkkaMq.FailureTests;

/// <summary>
/// Runs a drill of real <c>akkamq run</c> processes for a test and checks what every drill must show:
/// the verdict passed (nothing acknowledged lost, no offset rewound, order kept, one acknowledging
/// broker per master epoch, every rejoin done) and the timeline has the expected steps in order.
/// Lengths come from the environment so a longer soak uses the same tests: DRILL_DURATION and
/// DRILL_PAUSE (seconds), DRILL_RATE (messages a second).
/// </summary>
internal static class Drills
{
    public static DrillOptions Options(string scenario, ITestOutputHelper output) => new()
    {
        Scenario = scenario,
        Duration = TimeSpan.FromSeconds(Setting("DRILL_DURATION", 25)),
        Pause = TimeSpan.FromSeconds(Setting("DRILL_PAUSE", 20)),
        Rate = Setting("DRILL_RATE", 200),
        Progress = line => Write(output, line),
    };

    public static async Task<DrillResult> RunAsync(DrillOptions options, ITestOutputHelper output)
    {
        var result = await DrillScenarios.RunAsync(options, CancellationToken.None);
        var summary = new StringWriter(CultureInfo.InvariantCulture);
        DrillReport.WriteSummary(result, summary);
        Write(output, summary.ToString());
        Assert.True(result.Verdict.Passed, "the drill failed:\n" + summary);
        Assert.True(result.Verdict.Acknowledged > 500, "too little load to judge: " + result.Verdict.Acknowledged);
        return result;
    }

    /// <summary>The first event of <paramref name="kind"/> (asserted present).</summary>
    public static TimelineEvent First(DrillResult result, TimelineKind kind) =>
        result.Timeline.FirstOrDefault(e => e.Kind == kind) ?? throw new Xunit.Sdk.XunitException($"no {kind} event on the timeline");

    /// <summary>Asserts the events of <paramref name="kinds"/> occur in this order (first of each).</summary>
    public static void InOrder(DrillResult result, params TimelineKind[] kinds)
    {
        for (int i = 1; i < kinds.Length; i++)
        {
            Assert.True(First(result, kinds[i - 1]).At <= First(result, kinds[i]).At, $"{kinds[i - 1]} should come before {kinds[i]}");
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    private static void Write(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // A late progress line from a background step after the test ended.
        }
    }
}
