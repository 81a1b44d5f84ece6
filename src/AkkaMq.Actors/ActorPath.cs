namespace AkkaMq.Actors;

/// <summary>
/// The address of an actor: <c>akkamq://node/user/broker/store</c>. Immutable; the string form is
/// built once because it is used in every log line and dead letter.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string _text;

    private ActorPath(string systemName, ActorPath? parent, string name)
    {
        SystemName = systemName;
        Parent = parent;
        Name = name;
        _text = parent is null ? "akkamq://" + systemName : parent._text + "/" + name;
    }

    /// <summary>The actor system's name (the authority part of the path).</summary>
    public string SystemName { get; }

    /// <summary>The parent path; null only for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last element; empty for the root.</summary>
    public string Name { get; }

    /// <summary>The root path of a system, <c>akkamq://name</c>.</summary>
    public static ActorPath Root(string systemName) => new(systemName, null, string.Empty);

    /// <summary>The path of a child of this path.</summary>
    public ActorPath Child(string name) => new(SystemName, this, name);

    /// <inheritdoc />
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(ActorPath? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);
}
