namespace AkkaMq.Hocon;

/// <summary>
/// The tree a document parses into. Substitutions, concatenations and merge stacks are the
/// unresolved node kinds; resolving replaces them with plain objects, arrays and scalars.
/// </summary>
internal abstract class HValue
{
    protected HValue(ConfigOrigin origin) => Origin = origin;

    public ConfigOrigin Origin { get; }

    /// <summary>True when this node or anything below it still holds a substitution.</summary>
    public abstract bool NeedsResolve { get; }
}

internal enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// A string, number, boolean or null. <see cref="Text"/> is the string value, or the number as
/// written (so "1e6" concatenates as "1e6"), or "true"/"false"/"null".
/// </summary>
internal sealed class HScalar : HValue
{
    public HScalar(ConfigOrigin origin, ScalarKind kind, string text, bool ignorableWhitespace = false)
        : base(origin)
    {
        Kind = kind;
        Text = text;
        IgnorableWhitespace = ignorableWhitespace;
    }

    public ScalarKind Kind { get; }

    public string Text { get; }

    /// <summary>Unquoted whitespace between concatenated values; dropped next to objects and arrays.</summary>
    public bool IgnorableWhitespace { get; }

    public override bool NeedsResolve => false;

    public static HScalar Str(ConfigOrigin origin, string text) => new(origin, ScalarKind.String, text);
}

internal sealed class HObject : HValue
{
    private readonly Dictionary<string, HValue> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private bool? _needsResolve;

    public HObject(ConfigOrigin origin)
        : base(origin)
    {
    }

    public IReadOnlyList<string> Keys => _order;

    public int Count => _order.Count;

    public override bool NeedsResolve => _needsResolve ??= ComputeNeedsResolve();

    public HValue? Get(string key) => _fields.GetValueOrDefault(key);

    public void Set(string key, HValue value)
    {
        if (!_fields.ContainsKey(key))
        {
            _order.Add(key);
        }

        _fields[key] = value;
        _needsResolve = null;
    }

    /// <summary>Assigns <paramref name="value"/> to <paramref name="key"/>, merging it over any earlier value.</summary>
    public void MergeField(string key, HValue value)
    {
        var existing = Get(key);
        Set(key, existing is null ? value : Merging.Merge(value, existing));
    }

    private bool ComputeNeedsResolve()
    {
        foreach (var key in _order)
        {
            if (_fields[key].NeedsResolve)
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class HArray : HValue
{
    public HArray(ConfigOrigin origin, List<HValue> items)
        : base(origin)
    {
        Items = items;
        NeedsResolve = items.Exists(static i => i.NeedsResolve);
    }

    public List<HValue> Items { get; }

    public override bool NeedsResolve { get; }
}

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>. When the document was included below a key, the first
/// <see cref="PrefixLength"/> segments are that key: the path is tried with them first, then without.
/// </summary>
internal sealed class HSubstitution : HValue
{
    public HSubstitution(ConfigOrigin origin, IReadOnlyList<string> path, int prefixLength, bool optional)
        : base(origin)
    {
        Path = path;
        PrefixLength = prefixLength;
        Optional = optional;
    }

    public IReadOnlyList<string> Path { get; }

    public int PrefixLength { get; }

    public bool Optional { get; }

    public override bool NeedsResolve => true;

    public string Render(bool withPrefix) =>
        ConfigPath.Render(withPrefix ? Path : Path.Skip(PrefixLength).ToList());
}

/// <summary>Values written next to each other that could only be joined once substitutions are known.</summary>
internal sealed class HConcatenation : HValue
{
    public HConcatenation(ConfigOrigin origin, List<HValue> pieces)
        : base(origin) => Pieces = pieces;

    public List<HValue> Pieces { get; }

    public override bool NeedsResolve => true;
}

/// <summary>
/// Definitions of one field that could not be merged while parsing, highest priority first.
/// <see cref="Identity"/> is the node a self-reference meets when it looks the field up; for a
/// stack's remainder it is the stack the remainder was cut from.
/// </summary>
internal sealed class HMergeStack : HValue
{
    public HMergeStack(ConfigOrigin origin, List<HValue> stack, HValue? identity = null)
        : base(origin)
    {
        Stack = stack;
        Identity = identity ?? this;
    }

    public List<HValue> Stack { get; }

    public HValue Identity { get; }

    public override bool NeedsResolve => true;
}
