using System.Text.Json.Nodes;

namespace AkkaMq.Node.Tests;

public sealed class HoconCommandTests
{
    [Theory]
    [InlineData("cases/merge-override")]
    [InlineData("cases/subst-substitutions-look-forward")]
    [InlineData("cases/implied-commas-one-line-no-root-braces")]
    [InlineData("cases/conf-plus-equals-operator-without-previous-init")]
    public async Task Hocon_PrintsResolvedRootAsJson(string caseName)
    {
        var conf = Path.Combine(RepoPaths.HoconTestData, caseName + ".conf");
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.HoconTestData, caseName + ".json")));

        var result = await CliRun.InvokeAsync("hocon", conf);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(result.Output)), $"expected {expected?.ToJsonString()}, got {result.Output}");
    }

    [Fact]
    public async Task Hocon_ResolvesIncludesRelativeToTheFile()
    {
        var dir = Path.Combine(RepoPaths.HoconTestData, "includes");
        var withExpected = Directory.GetDirectories(dir).First(d => File.Exists(Path.Combine(d, "expected.json")));
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(withExpected, "expected.json")));

        var result = await CliRun.InvokeAsync("hocon", Path.Combine(withExpected, "main.conf"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(result.Output)), result.Output);
    }

    [Fact]
    public async Task Hocon_RejectsBadFile_WithFileLineAndColumn()
    {
        using var temp = new TempDir();
        var file = temp.Write("bad.conf", "a = 1\nb = {\n  c = 2\n");

        var result = await CliRun.InvokeAsync("hocon", file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Matches(@"bad\.conf:\d+:\d+", result.Error);
    }

    [Fact]
    public async Task Hocon_RejectsUnresolvedSubstitution()
    {
        using var temp = new TempDir();
        var file = temp.Write("subst.conf", "a = ${akkamq_test_not_defined_anywhere}\n");

        var result = await CliRun.InvokeAsync("hocon", file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("subst.conf:1:", result.Error);
    }

    [Fact]
    public async Task Hocon_ReportsMissingFile()
    {
        var result = await CliRun.InvokeAsync("hocon", "/nonexistent/akkamq.conf");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not found", result.Error);
    }
}
