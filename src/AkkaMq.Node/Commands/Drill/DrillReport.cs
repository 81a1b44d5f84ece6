using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AkkaMq.Node.Commands.Admin;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// Presents a <see cref="DrillResult"/>: a plain text summary for the terminal and one self-contained
/// HTML page (inline CSS, an inline SVG chart, the data as JSON) that needs nothing from the network.
/// </summary>
public static partial class DrillReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Writes the header, the timeline, the verdict table ending in <c>verdict: PASSED</c> or
    /// <c>verdict: FAILED (why)</c>, then the notes.
    /// </summary>
    public static void WriteSummary(DrillResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);

        output.WriteLine(HeaderLine(result));
        output.WriteLine();

        output.WriteLine("timeline:");
        var timeline = new TextTable("At", "Kind", "What");
        foreach (var e in SortedTimeline(result))
        {
            timeline.Add(FormatAt(e.At), e.Kind, OneLine(e.What));
        }

        timeline.WriteTo(output);
        if (timeline.Count == 0)
        {
            output.WriteLine("(no events)");
        }

        output.WriteLine();
        output.WriteLine("verdict:");
        var verdict = new TextTable("Check", "Value");
        foreach (var (name, value) in VerdictRows(result.Verdict))
        {
            verdict.Add(name, value);
        }

        foreach (var problem in result.Verdict.Problems)
        {
            verdict.Add("problem", OneLine(problem));
        }

        verdict.WriteTo(output);
        output.WriteLine(result.Verdict.Passed ? "verdict: PASSED" : $"verdict: FAILED ({FailureReason(result.Verdict)})");

        if (result.Notes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("notes:");
            foreach (var note in result.Notes)
            {
                output.WriteLine("  - " + OneLine(note));
            }
        }
    }

    /// <summary>
    /// One HTML5 page: header facts, the load chart with markers at the fault, election, first
    /// acknowledgement, repair and recovery, the timeline and the verdict. The result is also embedded
    /// as JSON in <c>&lt;script type="application/json" id="drill-data"&gt;</c>.
    /// </summary>
    public static string RenderHtml(DrillResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var passed = result.Verdict.Passed;
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>Drill ").Append(Escape(result.Scenario)).Append(passed ? " passed" : " failed").Append("</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");

        html.Append("<h1>Drill <code>").Append(Escape(result.Scenario)).Append("</code> ");
        html.Append(passed
            ? "<span class=\"badge passed\">PASSED</span>"
            : "<span class=\"badge failed\">FAILED</span>");
        html.Append("</h1>\n<p class=\"description\">").Append(Escape(result.Description)).Append("</p>\n");
        html.Append("<dl class=\"facts\"><dt>Started</dt><dd>").Append(Escape(FormatStart(result.StartedAt)))
            .Append("</dd><dt>Duration</dt><dd>").Append(Escape(FormatSeconds(result.Duration)))
            .Append("</dd><dt>Verdict</dt><dd>").Append(passed ? "passed" : Escape("failed: " + FailureReason(result.Verdict)))
            .Append("</dd></dl>\n");

        html.Append("<h2>Load</h2>\n");
        RenderChart(result, html);

        html.Append("<h2>Timeline</h2>\n");
        AppendTimeline(result, html);

        html.Append("<h2>Verdict</h2>\n");
        AppendVerdict(result.Verdict, html);

        if (result.Notes.Count > 0)
        {
            html.Append("<h2>Notes</h2>\n<ul class=\"notes\">\n");
            foreach (var note in result.Notes)
            {
                html.Append("<li>").Append(Escape(note)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<script type=\"application/json\" id=\"drill-data\">").Append(ToJson(result)).Append("</script>\n");
        html.Append("<script>\n").Append(CheckScript).Append("</script>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    internal static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    internal static IEnumerable<TimelineEvent> SortedTimeline(DrillResult result) => result.Timeline.OrderBy(e => e.At);

    /// <summary>Seconds since the start, right-aligned to milliseconds: <c>  12.345s</c>.</summary>
    internal static string FormatAt(TimeSpan at) => at.TotalSeconds.ToString("0.000", Invariant).PadLeft(8) + "s";

    internal static string FormatSeconds(TimeSpan span) => span.TotalSeconds.ToString("0.000", Invariant) + "s";

    /// <summary>What broke, short: <c>2 lost, 1 problem</c>.</summary>
    internal static string FailureReason(DrillVerdict verdict)
    {
        var reasons = new List<string>();
        if (verdict.Lost != 0)
        {
            reasons.Add(verdict.Lost.ToString(Invariant) + " lost");
        }

        if (verdict.OffsetsRewound != 0)
        {
            reasons.Add(Count(verdict.OffsetsRewound, "offset rewound", "offsets rewound"));
        }

        if (verdict.OrderViolations != 0)
        {
            reasons.Add(Count(verdict.OrderViolations, "order violation", "order violations"));
        }

        if (verdict.Problems.Count != 0)
        {
            reasons.Add(Count(verdict.Problems.Count, "problem", "problems"));
        }

        return reasons.Count == 0 ? "no reason recorded" : string.Join(", ", reasons);
    }

    private static string Count(int n, string one, string many) => n.ToString(Invariant) + " " + (n == 1 ? one : many);

    private static string HeaderLine(DrillResult result) =>
        $"drill {OneLine(result.Scenario)}: {OneLine(result.Description)} | started {FormatStart(result.StartedAt)} | duration {FormatSeconds(result.Duration)}";

    private static string FormatStart(DateTimeOffset startedAt) =>
        startedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", Invariant) + " UTC";

    private static IEnumerable<(string Name, string Value)> VerdictRows(DrillVerdict v)
    {
        yield return ("acknowledged", v.Acknowledged.ToString(Invariant));
        yield return ("consumed", v.Consumed.ToString(Invariant));
        yield return ("lost", v.Lost.ToString(Invariant));
        yield return ("duplicates", v.Duplicates.ToString(Invariant));
        yield return ("longest unavailable (worst group)", FormatSeconds(v.LongestUnavailable));
        yield return ("offsets rewound", v.OffsetsRewound.ToString(Invariant));
        yield return ("order violations", v.OrderViolations.ToString(Invariant));
    }

    /// <summary>Arbitrary text on one terminal line: line breaks and other control characters become spaces.</summary>
    private static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }

    private static void AppendTimeline(DrillResult result, StringBuilder html)
    {
        if (result.Timeline.Count == 0)
        {
            html.Append("<p class=\"empty\">No events were recorded.</p>\n");
            return;
        }

        html.Append("<table class=\"timeline\">\n<thead><tr><th>At</th><th>Kind</th><th>What</th></tr></thead>\n<tbody>\n");
        foreach (var e in SortedTimeline(result))
        {
            html.Append("<tr class=\"kind-").Append(e.Kind.ToString().ToLowerInvariant()).Append("\"><td class=\"num\">")
                .Append(Escape(FormatAt(e.At).Trim())).Append("</td><td>").Append(e.Kind)
                .Append("</td><td>").Append(Escape(e.What)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendVerdict(DrillVerdict verdict, StringBuilder html)
    {
        html.Append("<table class=\"verdict\">\n<tbody>\n");
        foreach (var (name, value) in VerdictRows(verdict))
        {
            var bad = (name is "lost" or "offsets rewound" or "order violations") && value != "0";
            html.Append(bad ? "<tr class=\"bad\">" : "<tr>").Append("<th>").Append(Escape(name))
                .Append("</th><td class=\"num\">").Append(Escape(value)).Append("</td></tr>\n");
        }

        foreach (var problem in verdict.Problems)
        {
            html.Append("<tr class=\"bad\"><th>problem</th><td class=\"problem\">").Append(Escape(problem)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
        html.Append(verdict.Passed
            ? "<p class=\"verdict-line passed\">verdict: PASSED</p>\n"
            : "<p class=\"verdict-line failed\">verdict: FAILED (" + Escape(FailureReason(verdict)) + ")</p>\n");
    }

    /// <summary>
    /// The result as JSON for machines. The default encoder escapes <c>&lt;</c>, <c>&gt;</c> and
    /// <c>&amp;</c>, so no string in it can end the script element it sits in.
    /// </summary>
    private static string ToJson(DrillResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("scenario", result.Scenario);
            json.WriteString("description", result.Description);
            json.WriteString("startedAt", result.StartedAt.ToUniversalTime());
            json.WriteNumber("durationSeconds", result.Duration.TotalSeconds);
            json.WriteStartArray("timeline");
            foreach (var e in SortedTimeline(result))
            {
                json.WriteStartObject();
                json.WriteNumber("atSeconds", e.At.TotalSeconds);
                json.WriteString("kind", e.Kind.ToString());
                json.WriteString("what", e.What);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("seconds");
            foreach (var s in result.Seconds)
            {
                json.WriteStartObject();
                json.WriteNumber("second", s.Second);
                json.WriteNumber("acknowledged", s.Acknowledged);
                json.WriteNumber("failed", s.Failed);
                WriteFinite(json, "p50Ms", s.P50Ms);
                WriteFinite(json, "p99Ms", s.P99Ms);
                WriteFinite(json, "maxMs", s.MaxMs);
                json.WriteNumber("consumed", s.Consumed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteVerdictJson(result.Verdict, json);
            json.WriteStartArray("notes");
            foreach (var note in result.Notes)
            {
                json.WriteStringValue(note);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A number, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    private static void WriteFinite(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteVerdictJson(DrillVerdict v, Utf8JsonWriter json)
    {
        json.WriteStartObject("verdict");
        json.WriteBoolean("passed", v.Passed);
        json.WriteNumber("acknowledged", v.Acknowledged);
        json.WriteNumber("consumed", v.Consumed);
        json.WriteNumber("lost", v.Lost);
        json.WriteNumber("duplicates", v.Duplicates);
        json.WriteNumber("longestUnavailableSeconds", v.LongestUnavailable.TotalSeconds);
        json.WriteNumber("offsetsRewound", v.OffsetsRewound);
        json.WriteNumber("orderViolations", v.OrderViolations);
        json.WriteStartArray("problems");
        foreach (var problem in v.Problems)
        {
            json.WriteStringValue(problem);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; max-width: 1100px; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
        .badge { padding: 2px 10px; border-radius: 4px; color: #fff; font-size: 0.8em; vertical-align: middle; }
        .badge.passed, .verdict-line.passed { background: #2e7d32; }
        .badge.failed, .verdict-line.failed { background: #c62828; }
        .verdict-line { display: inline-block; color: #fff; padding: 4px 12px; border-radius: 4px; font-weight: bold; }
        .description { color: #444; }
        dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
        dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
        table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.kind-fault td, tr.bad th, tr.bad td { background: #fdecea; }
        tr.kind-election td, tr.kind-firstack td { background: #e8f0fe; }
        tr.kind-repair td, tr.kind-recovered td { background: #e8f5e9; }
        td.problem { white-space: pre-wrap; }
        svg#drill-chart { display: block; border: 1px solid #ddd; background: #fff; }
        .empty { color: #777; font-style: italic; }

        """;
}
