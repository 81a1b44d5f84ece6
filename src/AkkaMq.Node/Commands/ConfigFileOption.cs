using System.CommandLine;

namespace AkkaMq.Node.Commands;

internal static class ConfigFileOption
{
    public static Option<string> Create() => new("--config", "-c")
    {
        Description = "The node's HOCON file; it overrides reference.conf.",
        Required = true,
    };
}
