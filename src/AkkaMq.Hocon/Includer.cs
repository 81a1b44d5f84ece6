namespace AkkaMq.Hocon;

/// <summary>
/// Loads the files named by <c>include</c>, relative to the including file. A name without a
/// known extension loads name.conf, name.json and name.properties and merges them, .conf first.
/// </summary>
internal sealed class Includer
{
    private const int MaxDepth = 50;
    private readonly string _directory;
    private readonly IReadOnlyList<string> _chain;

    private Includer(string directory, IReadOnlyList<string> chain)
    {
        _directory = directory;
        _chain = chain;
    }

    public static Includer ForFile(string fullPath, IReadOnlyList<string> chain) =>
        new(Path.GetDirectoryName(fullPath) ?? ".", [.. chain, fullPath]);

    public static Includer ForString() => new(Environment.CurrentDirectory, []);

    /// <summary>Parses a file by its extension; <paramref name="prefix"/> is where it is included.</summary>
    public static HValue ParseFile(string fullPath, IReadOnlyList<string> chain, IReadOnlyList<string> prefix)
    {
        var text = File.ReadAllText(fullPath);
        if (fullPath.EndsWith(".properties", StringComparison.OrdinalIgnoreCase))
        {
            return PropertiesParser.Parse(text, fullPath);
        }

        return Parser.ParseDocument(text, fullPath, ForFile(fullPath, chain), prefix);
    }

    public HObject? Include(ConfigOrigin at, string name, bool required, string kind, IReadOnlyList<string> prefix)
    {
        if (kind == "url")
        {
            throw new ConfigException(at, null, $"include url(\"{name}\") is not supported; include files only");
        }

        var path = Path.IsPathRooted(name) ? name : Path.GetFullPath(Path.Combine(_directory, name));
        var candidates = HasKnownExtension(path) ? [path] : new[] { path + ".conf", path + ".json", path + ".properties" };
        HObject? result = null;
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            var loaded = Load(at, candidate, prefix);
            result = result is null ? loaded : Merging.MergeObjects(result, loaded);
        }

        if (result is null && required)
        {
            throw new ConfigException(at, null, $"required include '{name}' not found (looked for {string.Join(", ", candidates)})");
        }

        return result;
    }

    private HObject Load(ConfigOrigin at, string file, IReadOnlyList<string> prefix)
    {
        if (_chain.Contains(file, StringComparer.Ordinal) || _chain.Count >= MaxDepth)
        {
            throw new ConfigException(at, null, $"include cycle: '{file}' is already being included");
        }

        var value = ParseFile(file, _chain, prefix);
        return value as HObject
            ?? throw new ConfigException(value.Origin, null, $"included file '{file}' must hold an object, not an array");
    }

    private static bool HasKnownExtension(string path) =>
        path.EndsWith(".conf", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".properties", StringComparison.OrdinalIgnoreCase);
}
