using System.CommandLine;
using AkkaMq.Node.Commands;
using AkkaMq.Node.Commands.Admin;
using AkkaMq.Node.Commands.Bench;
using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node;

/// <summary>The <c>akkamq</c> command line: one executable, one sub-command per task.</summary>
public static class Cli
{
    /// <summary>Exit code for configuration that cannot be used; nothing was started.</summary>
    public const int BadConfigExitCode = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("AkkaMq: a message broker for Apache RocketMQ 4.x clients, built on Akka.NET (single-node today; replicated broker groups with automatic failover are being built).");
        root.Add(RunCommand.Build());
        root.Add(ConfigCommand.Build());
        root.Add(HoconCommand.Build());
        root.Add(AdminCommand.Build());
        root.Add(BenchCommand.Build());
        root.Add(DrillCommand.Build());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given streams (tests pass their own).</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // The run command handles SIGINT/SIGTERM itself so the shutdown phases can complete.
            ProcessTerminationTimeout = null,
        };
        return Build().Parse(args).InvokeAsync(configuration, cancellation);
    }
}
