using System.CommandLine;
using AkkaMq.Hocon;

namespace AkkaMq.Node.Commands;

/// <summary>
/// <c>akkamq hocon FILE</c>: parse one HOCON or JSON file on its own, resolve it (environment
/// variables as fallback) and print the resolved root as JSON. A file that must be rejected gives
/// file, line and column on stderr and exit code 1.
/// </summary>
internal static class HoconCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "A .conf, .json or .properties file." };
        var command = new Command("hocon", "Parse and resolve one HOCON file and print it as JSON.") { file };
        command.SetAction(async (parse, _) =>
        {
            var path = parse.GetRequiredValue(file);
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!File.Exists(path))
            {
                await error.WriteLineAsync($"{path}: file not found").ConfigureAwait(false);
                return 1;
            }

            try
            {
                await output.WriteLineAsync(Config.ParseFile(path).Resolve().ToJson()).ConfigureAwait(false);
                return 0;
            }
            catch (ConfigException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
