using AkkaMq.Node.Commands.Drill;

namespace AkkaMq.FailureTests;

/// <summary>
/// A fact that cuts links between node processes in network namespaces. Where namespaces cannot be
/// made here (not Linux, not root, no iproute2) it is reported as skipped with the reason — never as
/// passed; on CI (<c>CI=true</c>, run as root) lacking root is no reason to skip, and the test fails.
/// </summary>
public sealed class PartitionFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> SkipReason = new(() =>
    {
        var (available, reason) = NetworkLab.ProbeAsync().GetAwaiter().GetResult();
        if (available || (Environment.GetEnvironmentVariable("CI") == "true" && reason == NetworkLab.NotRootReason))
        {
            return null;
        }

        return "network namespaces are unavailable here: " + reason;
    });

    public PartitionFactAttribute() => Skip = SkipReason.Value;
}
