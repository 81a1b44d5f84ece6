using System.Diagnostics;
using System.Text;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>A system command that failed: which one, its exit code and what it wrote to stderr.</summary>
public sealed class SystemCommandException(string message) : Exception(message);

/// <summary>What a finished command returned.</summary>
internal readonly record struct CommandOutcome(int ExitCode, string Output, string Error);

/// <summary>
/// Runs the system's tools the drills need (<c>ip</c>, <c>tc</c>, <c>losetup</c>, <c>mount</c>, ...) as child
/// processes, asynchronously and with a time limit. Tools are looked up on PATH and then in the sbin folders, which PATH of a non-login root
/// shell often lacks.
/// </summary>
internal static class SystemCommand
{
    /// <summary>How long one command may take before it is killed and reported.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly string[] SbinFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The full path of <paramref name="tool"/>, or null when it is nowhere to be found.</summary>
    public static string? Find(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SbinFolders))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs the command and returns its outcome whatever the exit code; throws on timeout. Cancellation is
    /// honoured before the command starts, never in the middle, so no command is left half done.
    /// </summary>
    public static async Task<CommandOutcome> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);

        using var process = Process.Start(start)
            ?? throw new SystemCommandException($"`{Describe(file, args)}` could not be started");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new SystemCommandException(
                $"`{Describe(file, args)}` did not finish within {DefaultTimeout.TotalSeconds:0} s and was killed");
        }
        return new CommandOutcome(process.ExitCode, await output, await error);
    }

    /// <summary>Runs the command and returns its standard output; throws when it exits non-zero.</summary>
    public static async Task<string> RunCheckedAsync(string file, IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var outcome = await RunAsync(file, args, ct);
        if (outcome.ExitCode != 0)
            throw Failed(file, args, outcome);
        return outcome.Output;
    }

    public static SystemCommandException Failed(string file, IReadOnlyList<string> args, CommandOutcome outcome) =>
        new($"`{Describe(file, args)}` exited with code {outcome.ExitCode}: {outcome.Error.Trim()}");

    public static string Describe(string file, IReadOnlyList<string> args) =>
        args.Count == 0 ? file : $"{Path.GetFileName(file)} {string.Join(' ', args)}";
}
