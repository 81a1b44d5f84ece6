using System.Collections.Concurrent;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// Compiled SQL92 selectors by (consumer group, topic, expression, subscription version), so a
/// selector is parsed once and the pull path only looks it up. Members of one group started at
/// different times carry different versions of the same subscription; each keeps its entry
/// instead of evicting the other's. Filled by heartbeats, CHECK_CLIENT_CONFIG and pulls on any
/// thread (a racing duplicate compile is harmless). Bounded: past <see cref="MaxEntries"/> the
/// cache starts over, since versions only change when consumers restart.
/// </summary>
internal sealed class SqlFilterCache
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<(string Group, string Topic, string Expression, long SubVersion), CompiledSelector> _compiled = new();

    public int Count => _compiled.Count;

    /// <summary>The compiled selector (or its parse error) for this subscription.</summary>
    public CompiledSelector Get(string group, string topic, string? expression, long subVersion)
    {
        var key = (group, topic, expression ?? string.Empty, subVersion);
        if (_compiled.TryGetValue(key, out var cached))
        {
            return cached;
        }

        SqlFilter.TryCompile(key.Item3, out var filter, out var error);
        var compiled = new CompiledSelector(key.Item3, subVersion, filter, error);
        if (_compiled.Count >= MaxEntries)
        {
            _compiled.Clear();
        }

        _compiled[key] = compiled;
        return compiled;
    }
}

/// <summary>One subscription's selector: <see cref="Filter"/> when it compiled, else <see cref="Error"/>.</summary>
internal sealed record CompiledSelector(string Expression, long SubVersion, SqlFilter? Filter, SqlParseException? Error);
