namespace AkkaMq.Cluster.Routing;

/// <summary>
/// The route table as the earlier file-based control-state store kept it:
/// <c>&lt;control dir&gt;/route-table.json</c>, one <see cref="RouteTableCodec"/> document replaced
/// whole on every change. The <see cref="RouteRegistryActor"/> imports it once into an empty
/// journal and then renames it to <c>route-table.json.migrated</c>, so it is never read again.
/// </summary>
public sealed class LegacyRouteTableFile
{
    public const string FileName = "route-table.json";
    public const string MigratedSuffix = ".migrated";

    public LegacyRouteTableFile(string directory) => Path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);

    public string Path { get; }

    public string MigratedPath => Path + MigratedSuffix;

    public bool Exists => File.Exists(Path);

    /// <summary>Reads and decodes the file; throws <see cref="FormatException"/> or <see cref="IOException"/> when it cannot.</summary>
    public RouteTable Read() => RouteTableCodec.Decode(File.ReadAllBytes(Path), Path);

    /// <summary>Renames the file to <see cref="MigratedPath"/>, replacing an earlier one.</summary>
    public void MarkMigrated() => File.Move(Path, MigratedPath, overwrite: true);
}
