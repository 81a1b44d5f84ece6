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
}
