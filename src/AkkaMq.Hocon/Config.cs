namespace AkkaMq.Hocon;

/// <summary>
/// A parsed HOCON document (object or array at the root). Parse, merge with fallbacks, resolve,
/// then read values by path. Getters on a wrong type or a missing key throw
/// <see cref="ConfigException"/> naming the full key path and where the value was defined.
/// </summary>
public sealed partial class Config
{
    private readonly HValue _root;
    private readonly string _pathPrefix;

    private Config(HValue root, bool resolved, string pathPrefix = "")
    {
        _root = root;
        IsResolved = resolved || !root.NeedsResolve;
        _pathPrefix = pathPrefix;
    }

    public static Config Empty { get; } = new(new HObject(new ConfigOrigin("empty config", 1, 1)), resolved: true);

    public bool IsResolved { get; }

    /// <summary>Direct child keys of the root object (none when the root is an array).</summary>
    public IEnumerable<string> Keys => _root is HObject obj ? [.. obj.Keys] : [];

    internal HValue Root => _root;

    /// <summary>Parses a file and everything it includes; substitutions are not yet resolved.</summary>
    public static Config ParseFile(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ConfigException(null, null, $"configuration file '{path}' does not exist");
        }

        return new Config(Includer.ParseFile(fullPath, [], []), resolved: false);
    }

    /// <summary>Parses text; <paramref name="originName"/> names it in error messages.</summary>
    public static Config ParseString(string text, string originName) =>
        new(Parser.ParseDocument(text, originName, Includer.ForString(), []), resolved: false);

    /// <summary>This configuration with <paramref name="fallback"/> beneath it: this wins, objects merge deeply.</summary>
    public Config WithFallback(Config fallback)
    {
        var merged = Merging.Merge(_root, fallback._root);
        return new Config(merged, resolved: false, _pathPrefix);
    }

    /// <summary>Resolves substitutions against this whole configuration, environment variables as fallback.</summary>
    public Config Resolve(Func<string, string?>? environment = null)
    {
        var resolved = Resolver.ResolveRoot(_root, environment ?? Environment.GetEnvironmentVariable);
        return new Config(resolved, resolved: true, _pathPrefix);
    }

    /// <summary>The resolved root as plain JSON.</summary>
    public string ToJson(bool indented = false)
    {
        RequireResolved();
        return ConfigJson.Write(_root, indented);
    }

    public bool HasPath(string path)
    {
        var value = Find(path);
        return value is not null && value is not HScalar { Kind: ScalarKind.Null };
    }

    public Config GetConfig(string path)
    {
        var value = Require(path);
        if (value is not HObject)
        {
            throw WrongType(path, value, "object");
        }

        return new Config(value, IsResolved, FullPath(path));
    }

    public ConfigOrigin? OriginOf(string path) => Find(path)?.Origin;

    /// <summary>The value at <paramref name="path"/>, which must exist and be resolved.</summary>
    internal HValue RequireValue(string path) => Require(path);

    internal string FullPath(string path) => string.IsNullOrEmpty(_pathPrefix) ? path : _pathPrefix + "." + path;

    private HValue? Find(string path)
    {
        if (path.Length == 0)
        {
            return _root;
        }

        HValue? node = _root;
        foreach (var segment in ConfigPath.Parse(path))
        {
            node = (node as HObject)?.Get(segment);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private HValue Require(string path)
    {
        var value = Find(path);
        if (value is null)
        {
            throw new ConfigException(_root.Origin, FullPath(path), "no value at this path");
        }

        if (value.NeedsResolve)
        {
            throw new ConfigException(value.Origin, FullPath(path), "value is not resolved; call Resolve() first");
        }

        return value;
    }

    private ConfigException WrongType(string path, HValue value, string expected) =>
        new(value.Origin, FullPath(path), $"expected {expected}, got {Merging.Describe(value)}");

    private void RequireResolved()
    {
        if (_root.NeedsResolve)
        {
            throw new ConfigException(_root.Origin, null, "configuration is not resolved; call Resolve() first");
        }
    }
}
