namespace AkkaMq.Node.Configuration;

/// <summary>
/// <c>akkamq.health</c>: the node's HTTP health endpoint. <see cref="Listen"/> is <c>host:port</c>
/// (port 0 picks a free one, logged at start-up) or empty for no endpoint.
/// </summary>
public sealed record HealthSettings(string Listen)
{
    public static HealthSettings Default { get; } = new(string.Empty);

    public bool Enabled => !string.IsNullOrWhiteSpace(Listen);
}
