using System.Diagnostics;

namespace AkkaMq.Node.Commands.Drill;

/// <summary>
/// How to start another <c>akkamq</c> process from this one: the same build's <c>akkamq.dll</c>
/// (next to this assembly, also when a test project references the node) run by the .NET host that
/// runs this process.
/// </summary>
public static class NodeExecutable
{
    /// <summary>A start of <c>akkamq <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>, output redirected.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> arguments, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string dll = Path.Combine(AppContext.BaseDirectory, "akkamq.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} not found: the drill starts nodes from the same build as itself", dll);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The node file alone configures the child: AKKAMQ_* variables of this process would override it.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AKKAMQ_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        return start;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return "dotnet";
    }
}
