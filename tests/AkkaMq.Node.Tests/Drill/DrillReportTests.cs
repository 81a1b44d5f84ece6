using System.Text.Json;
using System.Text.RegularExpressions;
using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node.Tests.Drill;

public sealed class DrillReportTests
{
    private const string DataOpen = "<script type=\"application/json\" id=\"drill-data\">";

    [Fact]
    public void Summary_shows_header_timeline_in_time_order_numbers_and_passed()
    {
        var text = Summary(DrillSamples.KillMaster(DrillSamples.PassingVerdict()));
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal("drill kill-master: kill -9 the master of group g1 under load | started 2026-12-05 06:00:00.000 UTC | duration 30.250s", lines[0]);

        string[] expected =
        [
            "   0.000s  Info",
            "  10.000s  Fault",
            "  10.800s  Detection",
            "  12.200s  Election",
            "  12.900s  FirstAck",
            "  13.500s  ConsumerResumed",
            "  20.000s  Repair",
            "  24.500s  Recovered",
        ];
        var at = expected.Select(e => lines.FindIndex(l => l.StartsWith(e, StringComparison.Ordinal))).ToList();
        Assert.DoesNotContain(-1, at);
        Assert.Equal(at.Order(), at);
        Assert.Contains(lines, l => l.StartsWith("  10.000s", StringComparison.Ordinal) && l.EndsWith("killed n1 (the master)", StringComparison.Ordinal));

        Assert.Equal("5400", Value(lines, "acknowledged"));
        Assert.Equal("5400", Value(lines, "consumed"));
        Assert.Equal("0", Value(lines, "lost"));
        Assert.Equal("17", Value(lines, "duplicates"));
        Assert.Equal("2.900s", Value(lines, "longest unavailable (worst group)"));
        Assert.Equal("0", Value(lines, "offsets rewound"));
        Assert.Equal("0", Value(lines, "order violations"));

        var verdict = lines.IndexOf("verdict: PASSED");
        Assert.True(verdict > at[^1], "the verdict line comes after the timeline");
        Assert.DoesNotContain(lines, l => l.StartsWith("verdict: FAILED", StringComparison.Ordinal));
        Assert.True(lines.IndexOf("  - producer ran at 200 sends/s") > verdict, "notes follow the verdict");
    }

    [Fact]
    public void Summary_of_a_run_that_lost_messages_lists_the_problems_and_fails_with_the_reason()
    {
        var text = Summary(DrillSamples.KillMaster(DrillSamples.LosingVerdict("queue 2 offset went back from 120 to 80")));
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal("3", Value(lines, "lost"));
        Assert.Equal("5397", Value(lines, "consumed"));
        Assert.Equal("queue 2 offset went back from 120 to 80", Value(lines, "problem"));
        Assert.Contains("verdict: FAILED (3 lost, 1 problem)", lines);
        Assert.DoesNotContain("verdict: PASSED", lines);
    }

    [Fact]
    public void Summary_keeps_arbitrary_text_on_one_line_and_handles_an_empty_run()
    {
        var multiLine = Summary(DrillSamples.KillMaster(DrillSamples.PassingVerdict(), "first line\nsecond line"));
        Assert.StartsWith("drill kill-master: first line second line | started", multiLine, StringComparison.Ordinal);

        var empty = Summary(DrillSamples.Empty()).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("(no events)", empty);
        Assert.Equal("0", Value(empty, "acknowledged"));
        Assert.Equal("verdict: PASSED", empty[^2]);
        Assert.Equal("", empty[^1]);
    }

    [Fact]
    public void Html_escapes_every_arbitrary_string()
    {
        const string hostile = "<script>alert('x')</script> & \"quoted\"";
        var result = DrillSamples.KillMaster(DrillSamples.LosingVerdict(hostile), description: "<b>bold</b> & co") with
        {
            Scenario = "kill<master>",
            Notes = ["<img src=x onerror=alert(1)>"],
        };
        var html = DrillReport.RenderHtml(result);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("kill<master>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; co", html, StringComparison.Ordinal);

        // Exactly two script elements: the JSON data and the layout check; none smuggled in by the data.
        Assert.Equal(2, Regex.Matches(html, "<script", RegexOptions.IgnoreCase).Count);
        Assert.Equal(2, Regex.Matches(html, "</script", RegexOptions.IgnoreCase).Count);
        Assert.Contains("verdict: FAILED (3 lost, 1 problem)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_embeds_the_result_as_json_that_parses_back()
    {
        const string problem = "offset </script> went back";
        var result = DrillSamples.KillMaster(DrillSamples.LosingVerdict(problem));
        using var data = JsonDocument.Parse(DataBlock(DrillReport.RenderHtml(result)));
        var root = data.RootElement;

        Assert.Equal("kill-master", root.GetProperty("scenario").GetString());
        Assert.Equal(DrillSamples.Start, root.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(30.25, root.GetProperty("durationSeconds").GetDouble());

        var seconds = root.GetProperty("seconds").EnumerateArray().ToList();
        Assert.Equal(30, seconds.Count);
        for (var s = 0; s < 30; s++)
        {
            Assert.Equal(s, seconds[s].GetProperty("second").GetInt32());
            Assert.Equal(DrillSamples.AcknowledgedIn(s), seconds[s].GetProperty("acknowledged").GetInt32());
        }

        Assert.Equal(40, seconds[11].GetProperty("failed").GetInt32());
        Assert.Equal(850.0, seconds[13].GetProperty("p99Ms").GetDouble());

        var kinds = root.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Info", "Fault", "Detection", "Election", "FirstAck", "ConsumerResumed", "Repair", "Recovered"], kinds);
        Assert.Equal(10.0, root.GetProperty("timeline")[1].GetProperty("atSeconds").GetDouble());

        var verdict = root.GetProperty("verdict");
        Assert.False(verdict.GetProperty("passed").GetBoolean());
        Assert.Equal(3, verdict.GetProperty("lost").GetInt64());
        Assert.Equal(2.9, verdict.GetProperty("longestUnavailableSeconds").GetDouble());
        Assert.Equal(problem, verdict.GetProperty("problems")[0].GetString());
    }

    [Fact]
    public void Html_of_an_empty_run_is_still_a_whole_page()
    {
        var html = DrillReport.RenderHtml(DrillSamples.Empty());

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"drill-chart\"", html, StringComparison.Ordinal);
        Assert.Contains("No events were recorded.", html, StringComparison.Ordinal);
        Assert.Contains("verdict: PASSED", html, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);

        using var data = JsonDocument.Parse(DataBlock(html));
        Assert.Equal(0, data.RootElement.GetProperty("seconds").GetArrayLength());
        Assert.Equal(0, data.RootElement.GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public void Html_renders_latencies_that_are_not_numbers_as_gaps_and_json_nulls()
    {
        var result = DrillSamples.Empty() with
        {
            Duration = TimeSpan.FromSeconds(3),
            Seconds = [new(0, 10, 0, 1, 2, 3, 10), new(1, 10, 0, double.NaN, double.PositiveInfinity, double.NaN, 10), new(2, 10, 0, 1, 2, 3, 10)],
        };
        var html = DrillReport.RenderHtml(result);

        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
        Assert.Equal(2, PathData(html, "p99-line").Count(c => c == 'M'));
        using var data = JsonDocument.Parse(DataBlock(html));
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("seconds")[1].GetProperty("p99Ms").ValueKind);
        Assert.Equal(2.0, data.RootElement.GetProperty("seconds")[2].GetProperty("p99Ms").GetDouble());
    }

    [Fact]
    public void Html_needs_nothing_from_the_network()
    {
        var html = DrillReport.RenderHtml(DrillSamples.KillMaster(DrillSamples.PassingVerdict()));

        // The only URL is the SVG namespace name, which is never fetched.
        var urls = Regex.Matches(html, "(https?:)?//[A-Za-z0-9.-]+\\.[a-z]{2,}[^\"' <]*").Select(m => m.Value).Distinct().ToList();
        Assert.Equal(["http://www.w3.org/2000/svg"], urls);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Html_chart_draws_every_second_breaks_latency_in_the_gap_and_marks_the_failover()
    {
        var html = DrillReport.RenderHtml(DrillSamples.KillMaster(DrillSamples.PassingVerdict()));

        var ack = PathData(html, "ack-line");
        Assert.Equal(30, Regex.Matches(ack, "[ML]").Count);
        Assert.Equal(1, ack.Count(c => c == 'M'));
        Assert.Equal(30, Regex.Matches(PathData(html, "failed-line"), "[ML]").Count);

        // No latency without acknowledged sends: seconds 10 to 12 leave the p99 line in two pieces.
        var p99 = PathData(html, "p99-line");
        Assert.Equal(27, Regex.Matches(p99, "[ML]").Count);
        Assert.Equal(2, p99.Count(c => c == 'M'));

        var markers = Regex.Matches(html, "<g class=\"marker marker-([a-z]+)\">").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["fault", "election", "firstack", "repair", "recovered"], markers);
        Assert.Matches("<g class=\"marker marker-fault\"><title>[^<]*</title><line [^>]*stroke=\"#d32f2f\"", html);
    }

    private static string PathData(string html, string id)
    {
        var path = Regex.Match(html, "<path id=\"" + id + "\"[^>]* d=\"(?<d>[^\"]*)\"");
        Assert.True(path.Success, "no path " + id);
        return path.Groups["d"].Value;
    }

    internal static string DataBlock(string html)
    {
        var start = html.IndexOf(DataOpen, StringComparison.Ordinal);
        Assert.True(start >= 0, "the page has no drill-data block");
        start += DataOpen.Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    private static string Summary(DrillResult result)
    {
        using var output = new StringWriter { NewLine = "\n" };
        DrillReport.WriteSummary(result, output);
        return output.ToString();
    }

    /// <summary>The value of the verdict table row named <paramref name="check"/>.</summary>
    private static string Value(List<string> lines, string check)
    {
        var row = lines.Single(l => l.StartsWith(check + "  ", StringComparison.Ordinal));
        return row[check.Length..].Trim();
    }
}
