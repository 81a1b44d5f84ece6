namespace AkkaMq.Cluster.Routing;

/// <summary>Settings of one <see cref="RouteRegistryActor"/>.</summary>
public sealed record RouteRegistryOptions
{
    public static RouteRegistryOptions Default { get; } = new();

    /// <summary>
    /// A snapshot of the whole table is saved after every this many events; once it is stored, older
    /// snapshots and the events it covers are deleted. Recovery then reads one snapshot and fewer
    /// than this many events.
    /// </summary>
    public int SnapshotInterval { get; init; } = 100;

    /// <summary>
    /// Where a node that ran the file-based store kept its control state (<c>&lt;store dir&gt;/control</c>).
    /// When the journal is empty and <see cref="LegacyRouteTableFile.FileName"/> is there, its table is
    /// imported. Null: nothing to import.
    /// </summary>
    public string? LegacyDirectory { get; init; }

    internal void Validate()
    {
        if (SnapshotInterval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SnapshotInterval), SnapshotInterval, "the snapshot interval must be at least 1 event");
        }
    }
}
