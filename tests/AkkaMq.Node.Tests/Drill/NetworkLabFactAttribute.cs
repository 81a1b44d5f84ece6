using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.Node.Tests.Drill;

/// <summary>
/// A fact that needs a <see cref="NetworkLab"/>. Where labs cannot be built here (not Linux, not root, no
/// <c>ip</c>, namespaces refused, or the tools the tests use to make traffic missing) it is reported as
/// skipped with that reason, never as passed. On CI (<c>CI=true</c>), which runs as root, lacking root is
/// not a reason to skip: the test runs and fails saying so.
/// </summary>
public sealed class NetworkLabFactAttribute : FactAttribute
{
    // Decided once per test run, when the tests are discovered: the probe makes and removes one namespace.
    private static readonly Lazy<string?> SkipReason = new(FindSkipReason);

    public NetworkLabFactAttribute() => Skip = SkipReason.Value;

    private static string? FindSkipReason()
    {
        var (available, reason) = NetworkLab.ProbeAsync().GetAwaiter().GetResult();
        if (available)
            return LabTraffic.MissingTool();
        if (RootRequired && reason == NetworkLab.NotRootReason)
            return null;
        return "network namespaces are unavailable here: " + reason;
    }

    /// <summary>Whether a run as non-root is a failure rather than a reason to skip.</summary>
    public static bool RootRequired => Environment.GetEnvironmentVariable("CI") == "true";
}
