namespace AkkaMq.Node.Commands.Drill;

/// <summary>What a drill runs: the scenario and its parameters.</summary>
public sealed record DrillOptions
{
    /// <summary>One of <see cref="DrillScenarios.Names"/>.</summary>
    public required string Scenario { get; init; }

    /// <summary>Nodes of the local cluster (at least 3: broker-a master and follower, broker-b master).</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>How long the load runs in all, fault and recovery included (it runs longer if recovery needs it).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages a second, all producers together.</summary>
    public int Rate { get; init; } = 200;

    public int Producers { get; init; } = 4;

    /// <summary>How long pause-master keeps the master stopped and partition-master keeps it cut off.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Nameservers of a running cluster to drill instead of starting one (separated by ';'); only
    /// scenarios that need no control of node processes run so.
    /// </summary>
    public string? Against { get; init; }

    /// <summary>Where the nodes' files go; null: a temporary directory removed afterwards.</summary>
    public string? Directory { get; init; }

    /// <summary>HOCON appended to every node file.</summary>
    public string ExtraConfig { get; init; } = string.Empty;

    /// <summary>Receives a line for every step as it happens.</summary>
    public Action<string>? Progress { get; init; }
}
