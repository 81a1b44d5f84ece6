using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AkkaMq.Node.Commands.Drill;
using Xunit.Abstractions;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// Opens the HTML report in headless Chromium and reads what the page's own check measured in
/// <c>body[data-rendered]</c>: the chart has a size, the load line is drawn and every marker is there.
/// </summary>
public sealed class DrillReportBrowserTests(ITestOutputHelper output)
{
    private static readonly Regex Rendered = new(
        "^chart (?<w>\\d+)x(?<h>\\d+); line (?<line>none|(?<lw>\\d+)x(?<lh>\\d+)); markers (?<markers>\\d+); faults (?<faults>\\d+)$");

    [Fact]
    public async Task Chromium_lays_out_the_chart_line_and_every_marker()
    {
        var browser = HeadlessChromium.Require(output.WriteLine);
        if (browser is null)
        {
            return;
        }

        using var dir = new TempDir();
        var page = dir.Write("report.html", DrillReport.RenderHtml(DrillSamples.KillMaster(DrillSamples.PassingVerdict())));
        var clock = Stopwatch.StartNew();
        var rendered = Measured(await HeadlessChromium.DumpDomAsync(browser, page, dir.Path));
        output.WriteLine($"data-rendered=\"{rendered}\" after {clock.ElapsedMilliseconds} ms");

        var m = Rendered.Match(rendered);
        Assert.True(m.Success, "unexpected data-rendered: " + rendered);
        Assert.True(int.Parse(m.Groups["w"].Value) > 0 && int.Parse(m.Groups["h"].Value) > 0, rendered);
        Assert.True(int.Parse(m.Groups["lw"].Value) > 0, "the load line has no width: " + rendered);
        Assert.True(int.Parse(m.Groups["lh"].Value) > 0, "the load line is flat although the load has a gap: " + rendered);
        Assert.Equal("5", m.Groups["markers"].Value);
        Assert.Equal("1", m.Groups["faults"].Value);
    }

    [Fact]
    public async Task Chromium_renders_an_empty_run_without_error()
    {
        var browser = HeadlessChromium.Require(output.WriteLine);
        if (browser is null)
        {
            return;
        }

        using var dir = new TempDir();
        var page = dir.Write("report.html", DrillReport.RenderHtml(DrillSamples.Empty()));
        var rendered = Measured(await HeadlessChromium.DumpDomAsync(browser, page, dir.Path));
        output.WriteLine($"data-rendered=\"{rendered}\"");

        var m = Rendered.Match(rendered);
        Assert.True(m.Success, "unexpected data-rendered: " + rendered);
        Assert.Equal("none", m.Groups["line"].Value);
        Assert.Equal("0", m.Groups["markers"].Value);
    }

    [Fact]
    public async Task Chromium_check_reports_an_error_when_the_chart_did_not_draw()
    {
        var browser = HeadlessChromium.Require(output.WriteLine);
        if (browser is null)
        {
            return;
        }

        // The same page with its load line taken out: the check must say so rather than pass.
        var html = DrillReport.RenderHtml(DrillSamples.KillMaster(DrillSamples.PassingVerdict()));
        html = Regex.Replace(html, "<path id=\"ack-line\"[^>]*/>", "");
        using var dir = new TempDir();
        var page = dir.Write("report.html", html);
        var rendered = RenderedAttribute(await HeadlessChromium.DumpDomAsync(browser, page, dir.Path));

        Assert.Equal("error: throughput line missing", rendered);
    }

    [Fact]
    public async Task Chromium_screenshot_of_the_report_is_a_real_image()
    {
        var browser = HeadlessChromium.Require(output.WriteLine);
        if (browser is null)
        {
            return;
        }

        using var dir = new TempDir();
        var page = dir.Write("report.html", DrillReport.RenderHtml(DrillSamples.KillMaster(DrillSamples.LosingVerdict("lost 3 of queue 1"))));
        var png = Path.Combine(dir.Path, "report.png");
        var clock = Stopwatch.StartNew();
        await HeadlessChromium.ScreenshotAsync(browser, page, png, dir.Path);
        output.WriteLine($"screenshot of {new FileInfo(png).Length} bytes after {clock.ElapsedMilliseconds} ms");

        Assert.True(File.Exists(png), "no screenshot written");
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.True(bytes.Length > 20_000, $"a screenshot of {bytes.Length} bytes is too small to hold the chart and tables");
    }

    /// <summary>The <c>data-rendered</c> attribute of the dumped body, or a clear failure when it is absent.</summary>
    private static string Measured(string dom)
    {
        var value = RenderedAttribute(dom);
        Assert.False(value.StartsWith("error:", StringComparison.Ordinal), "the page reported: " + value);
        return value;
    }

    private static string RenderedAttribute(string dom)
    {
        var body = Regex.Match(dom, "<body[^>]*\\sdata-rendered=\"(?<value>[^\"]*)\"");
        Assert.True(body.Success, "the page's check did not run: no data-rendered on <body> in the dumped DOM");
        return WebUtility.HtmlDecode(body.Groups["value"].Value);
    }
}
