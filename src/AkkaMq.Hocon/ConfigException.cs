namespace AkkaMq.Hocon;

/// <summary>
/// A configuration that cannot be parsed, resolved or read. The message starts with
/// "file:line:col:" when the position is known and names the key path when it is known.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(ConfigOrigin? origin, string? path, string problem)
        : base(Format(origin, path, problem))
    {
        Origin = origin;
        Path = path;
    }

    /// <summary>Several problems found at once (as by <see cref="ConfigBinder"/>), one per line of the message.</summary>
    internal ConfigException(IReadOnlyList<ConfigException> problems)
        : base(problems.Count == 1
            ? problems[0].Message
            : $"{problems.Count} configuration problems:{Environment.NewLine}"
              + string.Join(Environment.NewLine, problems.Select(static p => p.Message)))
    {
        Origin = problems[0].Origin;
        Path = problems[0].Path;
        Problems = problems;
    }

    public ConfigOrigin? Origin { get; }

    /// <summary>Each problem on its own when several were reported together; otherwise empty.</summary>
    public IReadOnlyList<ConfigException> Problems { get; } = [];

    public string? Path { get; }

    private static string Format(ConfigOrigin? origin, string? path, string problem)
    {
        var prefix = origin is null ? "" : origin + ": ";
        var key = string.IsNullOrEmpty(path) ? "" : path + ": ";
        return prefix + key + problem;
    }
}
