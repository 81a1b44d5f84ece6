namespace AkkaMq.Hocon;

/// <summary>Where a value or a problem was found: a file path or an origin name, with a 1-based line and column.</summary>
public sealed record ConfigOrigin(string Description, int Line, int Column)
{
    public override string ToString() => $"{Description}:{Line}:{Column}";
}
