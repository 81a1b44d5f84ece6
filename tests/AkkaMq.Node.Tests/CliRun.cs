namespace AkkaMq.Node.Tests;

internal sealed record CliResult(int ExitCode, string Output, string Error);

internal static class CliRun
{
    /// <summary>Runs the akkamq command line in this process with captured output.</summary>
    public static async Task<CliResult> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Cli.InvokeAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>akkamq admin &lt;args[0]&gt; -n nameServer args[1..]</c> and asserts it succeeded.</summary>
    public static async Task<CliResult> AdminAsync(string nameServer, params string[] args)
    {
        var result = await InvokeAsync(["admin", args[0], "-n", nameServer, .. args[1..]]);
        Assert.True(result.ExitCode == 0, $"admin {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }
}
