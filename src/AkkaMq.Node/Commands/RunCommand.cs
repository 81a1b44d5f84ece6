using System.CommandLine;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Commands;

/// <summary><c>akkamq run --config FILE</c>: a node with the roles its file names, until SIGINT/SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var config = ConfigFileOption.Create();
        var command = new Command("run", "Run a node from its HOCON file until SIGINT or SIGTERM.") { config };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetRequiredValue(config), parse.InvocationConfiguration.Error, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(string path, TextWriter error, CancellationToken cancellation)
    {
        NodeSettings settings;
        try
        {
            settings = NodeConfigLoader.Load(path);
        }
        catch (NodeConfigurationException e)
        {
            await error.WriteLineAsync($"akkamq: bad configuration, nothing started:{Environment.NewLine}{e.Message}").ConfigureAwait(false);
            return Cli.BadConfigExitCode;
        }

        using var loggerFactory = NodeLogging.CreateFactory();
        return await new NodeHost(settings, loggerFactory).RunAsync(cancellation).ConfigureAwait(false);
    }
}
