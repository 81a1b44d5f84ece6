namespace AkkaMq.NameServer;

/// <summary>Settings of the nameserver role, bound from <c>akkamq.namesrv</c>.</summary>
/// <param name="Listen">host:port the nameserver port listens on; port 0 picks a free port.</param>
public sealed record NameServerSettings(string Listen);
