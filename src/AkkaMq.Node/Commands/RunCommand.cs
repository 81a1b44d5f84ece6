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
        Akka.Configuration.Config akka;
        var level = NodeLogging.Level();
        try
        {
            var effective = NodeConfigLoader.LoadEffective(path);
            settings = NodeConfigLoader.Bind(effective);
            akka = AkkaConfiguration.Build(effective, settings, level);
        }
        catch (Exception e) when (e is NodeConfigurationException or Akka.Configuration.ConfigurationException)
        {
            await error.WriteLineAsync($"akkamq: bad configuration, nothing started:{Environment.NewLine}{e.Message}").ConfigureAwait(false);
            return Cli.BadConfigExitCode;
        }

        using var loggerFactory = NodeLogging.CreateFactory();
        return await new NodeHost(settings, akka, loggerFactory).RunAsync(cancellation).ConfigureAwait(false);
    }
}
