using System.Globalization;
using System.Text;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>The load chart of the HTML report, drawn as inline SVG, and the script that checks it laid out.</summary>
public static partial class DrillReport
{
    private const double Width = 960, Height = 470;
    private const double Left = 64, Right = 936;
    private const double SendsTop = 50, SendsBottom = 250;
    private const double LatencyTop = 290, LatencyBottom = 410;

    /// <summary>The kinds that get a vertical marker on the chart.</summary>
    private static readonly TimelineKind[] MarkedKinds =
        [TimelineKind.Fault, TimelineKind.Election, TimelineKind.FirstAck, TimelineKind.Repair, TimelineKind.Recovered];

    private static void RenderChart(DrillResult result, StringBuilder svg)
    {
        var seconds = result.Seconds.OrderBy(s => s.Second).ToList();
        var marked = SortedTimeline(result).Where(e => MarkedKinds.Contains(e.Kind)).ToList();
        var xMax = Math.Max(1, result.Duration.TotalSeconds);
        foreach (var s in seconds)
        {
            xMax = Math.Max(xMax, s.Second + 1);
        }

        foreach (var e in marked)
        {
            xMax = Math.Max(xMax, e.At.TotalSeconds);
        }

        var sendsMax = NiceCeiling(seconds.Count == 0 ? 0 : seconds.Max(s => Math.Max(s.Acknowledged, s.Failed)));
        var latencyMax = NiceCeiling(seconds.Select(s => s.P99Ms).Where(double.IsFinite).DefaultIfEmpty(0).Max());
        double X(double t) => Left + (Math.Clamp(t, 0, xMax) / xMax * (Right - Left));

        svg.Append("<svg id=\"drill-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Num(Width))
            .Append("\" height=\"").Append(Num(Height)).Append("\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(Height))
            .Append("\" font-size=\"11\" font-family=\"sans-serif\" role=\"img\" aria-label=\"sends and latency per second\">\n");

        AppendXAxis(svg, xMax, X);
        AppendYAxis(svg, SendsTop, SendsBottom, sendsMax, "sends/s");
        AppendYAxis(svg, LatencyTop, LatencyBottom, latencyMax, "p99 ms");

        var sends = new Panel(SendsTop, SendsBottom, sendsMax);
        var latency = new Panel(LatencyTop, LatencyBottom, latencyMax);
        AppendLine(svg, "ack-line", "#1565c0", "", seconds, s => s.Acknowledged, sends, X);
        AppendLine(svg, "failed-line", "#e65100", " stroke-dasharray=\"5 3\"", seconds, s => s.Failed, sends, X);

        // Latency is only known for seconds with acknowledged sends: the line breaks where there were none.
        AppendLine(svg, "p99-line", "#6a1b9a", "", seconds, s => s.Acknowledged > 0 && double.IsFinite(s.P99Ms) ? s.P99Ms : null, latency, X);

        AppendLegend(svg);

        for (var i = 0; i < marked.Count; i++)
        {
            AppendMarker(svg, marked[i], i, X);
        }

        if (seconds.Count == 0)
        {
            svg.Append("<text x=\"").Append(Num((Left + Right) / 2)).Append("\" y=\"").Append(Num((SendsTop + SendsBottom) / 2))
                .Append("\" text-anchor=\"middle\" fill=\"#777\">no load was recorded</text>\n");
        }

        svg.Append("</svg>\n");
    }

    private static void AppendXAxis(StringBuilder svg, double xMax, Func<double, double> x)
    {
        double[] steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
        var step = steps.FirstOrDefault(s => xMax / s <= 12, Math.Ceiling(xMax / 12));
        svg.Append("<g class=\"x-axis\" stroke=\"#eee\">\n");
        for (var t = 0.0; t <= xMax + 1e-9; t += step)
        {
            svg.Append("<line x1=\"").Append(Num(x(t))).Append("\" x2=\"").Append(Num(x(t))).Append("\" y1=\"").Append(Num(SendsTop))
                .Append("\" y2=\"").Append(Num(LatencyBottom)).Append("\"/><text stroke=\"none\" fill=\"#555\" text-anchor=\"middle\" x=\"")
                .Append(Num(x(t))).Append("\" y=\"").Append(Num(LatencyBottom + 14)).Append("\">").Append(Num(t)).Append("s</text>\n");
        }

        svg.Append("<text stroke=\"none\" fill=\"#555\" text-anchor=\"middle\" x=\"").Append(Num((Left + Right) / 2)).Append("\" y=\"")
            .Append(Num(LatencyBottom + 32)).Append("\">seconds since the load started</text>\n</g>\n");
    }

    private static void AppendYAxis(StringBuilder svg, double top, double bottom, double max, string label)
    {
        svg.Append("<g class=\"y-axis\">\n<rect x=\"").Append(Num(Left)).Append("\" y=\"").Append(Num(top)).Append("\" width=\"")
            .Append(Num(Right - Left)).Append("\" height=\"").Append(Num(bottom - top)).Append("\" fill=\"none\" stroke=\"#bbb\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var value = max * i / 4;
            var y = bottom - ((bottom - top) * i / 4);
            svg.Append("<line x1=\"").Append(Num(Left - 4)).Append("\" x2=\"").Append(Num(Left)).Append("\" y1=\"").Append(Num(y))
                .Append("\" y2=\"").Append(Num(y)).Append("\" stroke=\"#999\"/><text x=\"").Append(Num(Left - 6)).Append("\" y=\"")
                .Append(Num(y + 4)).Append("\" text-anchor=\"end\" fill=\"#555\">").Append(Num(value)).Append("</text>\n");
        }

        svg.Append("<text x=\"").Append(Num(Left + 4)).Append("\" y=\"").Append(Num(top + 12)).Append("\" fill=\"#555\">")
            .Append(label).Append("</text>\n</g>\n");
    }

    /// <summary>A value axis: its top and bottom on the page and the value at the top.</summary>
    private readonly record struct Panel(double Top, double Bottom, double Max)
    {
        public double Y(double value) => Bottom - (Math.Clamp(value / Max, 0, 1) * (Bottom - Top));
    }

    /// <summary>A path through the middle of each second; a null value leaves a gap.</summary>
    private static void AppendLine(
        StringBuilder svg, string id, string colour, string extra, List<DrillSecond> seconds,
        Func<DrillSecond, double?> value, Panel panel, Func<double, double> x)
    {
        svg.Append("<path id=\"").Append(id).Append("\" fill=\"none\" stroke=\"").Append(colour).Append("\" stroke-width=\"2\"")
            .Append(extra).Append(" d=\"");
        var previous = int.MinValue;
        foreach (var s in seconds)
        {
            if (value(s) is not { } v)
            {
                continue;
            }

            svg.Append(s.Second == previous + 1 ? "L" : "M").Append(Num(x(s.Second + 0.5))).Append(',').Append(Num(panel.Y(v))).Append(' ');
            previous = s.Second;
        }

        svg.Append("\"/>\n");
    }

    private static void AppendLegend(StringBuilder svg)
    {
        (string Colour, string Label)[] entries =
            [("#1565c0", "acknowledged sends/s"), ("#e65100", "failed sends/s"), ("#6a1b9a", "p99 latency of acknowledged sends (ms)")];
        var x = Left;
        var y = LatencyBottom + 52;
        svg.Append("<g class=\"legend\" fill=\"#333\">");
        foreach (var (colour, label) in entries)
        {
            svg.Append("<rect x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(y - 5)).Append("\" width=\"14\" height=\"3\" fill=\"")
                .Append(colour).Append("\"/><text x=\"").Append(Num(x + 18)).Append("\" y=\"").Append(Num(y)).Append("\">")
                .Append(label).Append("</text>");
            x += 40 + (label.Length * 6);
        }

        svg.Append("</g>\n");
    }

    private static void AppendMarker(StringBuilder svg, TimelineEvent e, int index, Func<double, double> x)
    {
        var colour = e.Kind switch
        {
            TimelineKind.Fault => "#d32f2f",
            TimelineKind.Election => "#1976d2",
            TimelineKind.FirstAck => "#00897b",
            _ => "#388e3c",
        };
        var at = Num(x(e.At.TotalSeconds));
        var labelY = 12 + (index % 3 * 12);
        svg.Append("<g class=\"marker marker-").Append(e.Kind.ToString().ToLowerInvariant()).Append("\"><title>")
            .Append(Escape(FormatSeconds(e.At) + " " + e.Kind + ": " + e.What)).Append("</title><line x1=\"").Append(at).Append("\" x2=\"").Append(at)
            .Append("\" y1=\"").Append(Num(labelY + 2)).Append("\" y2=\"").Append(Num(LatencyBottom)).Append("\" stroke=\"").Append(colour)
            .Append("\" stroke-width=\"").Append(e.Kind == TimelineKind.Fault ? "2" : "1.5").Append("\" stroke-dasharray=\"4 2\"/><text x=\"")
            .Append(Num(x(e.At.TotalSeconds) + 3)).Append("\" y=\"").Append(Num(labelY)).Append("\" fill=\"").Append(colour).Append("\">")
            .Append(e.Kind).Append("</text></g>\n");
    }

    /// <summary>The smallest of 1, 2 or 5 times a power of ten at or above the value (1 for none).</summary>
    private static double NiceCeiling(double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        var fraction = value / power;
        return power * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10);
    }

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs as the page loads: measures the chart, its load line and its markers, and writes what it
    /// found to <c>body[data-rendered]</c> (<c>chart 960x450; line 872x200; markers 5; faults 1</c>)
    /// or <c>error: ...</c>, so a headless browser can tell the page really drew.
    /// </summary>
    private const string CheckScript = """
        (function () {
          var body = document.body;
          try {
            var data = JSON.parse(document.getElementById('drill-data').textContent);
            var svg = document.getElementById('drill-chart');
            if (!svg) { throw new Error('chart missing'); }
            var box = svg.getBoundingClientRect();
            if (!(box.width > 0 && box.height > 0)) { throw new Error('chart has no size'); }
            var line = document.getElementById('ack-line');
            if (!line) { throw new Error('throughput line missing'); }
            var lineText = 'none';
            if (data.seconds.length > 1) {
              var lb = line.getBBox();
              if (!(lb.width > 0)) { throw new Error('throughput line has no width'); }
              lineText = Math.round(lb.width) + 'x' + Math.round(lb.height);
            }
            var markers = svg.querySelectorAll('g.marker');
            for (var i = 0; i < markers.length; i++) {
              var mb = markers[i].querySelector('line').getBBox();
              if (!(mb.height > 0)) { throw new Error('marker ' + i + ' has no height'); }
            }
            var faults = svg.querySelectorAll('g.marker-fault').length;
            body.setAttribute('data-rendered', 'chart ' + Math.round(box.width) + 'x' + Math.round(box.height) +
              '; line ' + lineText + '; markers ' + markers.length + '; faults ' + faults);
          } catch (e) {
            body.setAttribute('data-rendered', 'error: ' + e.message);
          }
        })();

        """;
}
