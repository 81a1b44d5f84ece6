using System.CommandLine;
using AkkaMq.Node.Configuration;

namespace AkkaMq.Node.Commands;

/// <summary>
/// <c>akkamq config --config FILE</c>: the configuration a node would run with (its file over
/// reference.conf, resolved), as JSON, after the same checks <c>run</c> makes.
/// </summary>
internal static class ConfigCommand
{
    public static Command Build()
    {
        var config = ConfigFileOption.Create();
        var command = new Command("config", "Print a node's effective configuration (reference.conf merged with the file, resolved).") { config };
        command.SetAction(async (parse, _) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var effective = NodeConfigLoader.LoadEffective(parse.GetRequiredValue(config));
                NodeConfigLoader.Bind(effective);
                await output.WriteLineAsync(effective.ToJson(indented: true)).ConfigureAwait(false);
                return 0;
            }
            catch (NodeConfigurationException e)
            {
                await error.WriteLineAsync($"akkamq: bad configuration:{Environment.NewLine}{e.Message}").ConfigureAwait(false);
                return Cli.BadConfigExitCode;
            }
        });
        return command;
    }
}
