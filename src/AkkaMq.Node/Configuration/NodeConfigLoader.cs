using AkkaMq.Broker;
using AkkaMq.Hocon;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Node.Configuration;

/// <summary>
/// Builds a node's effective configuration: its own file over the shipped reference.conf
/// (embedded in this assembly), substitutions resolved with environment variables as fallback,
/// then bound strictly onto <see cref="NodeSettings"/>.
/// </summary>
public static class NodeConfigLoader
{
    public const string RootPath = "akkamq";
    private const string ReferenceResource = "reference.conf";

    public static Config LoadReference()
    {
        using var stream = typeof(NodeConfigLoader).Assembly.GetManifestResourceStream(ReferenceResource)
            ?? throw new InvalidOperationException($"{ReferenceResource} is not embedded in {typeof(NodeConfigLoader).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return Config.ParseString(reader.ReadToEnd(), ReferenceResource);
    }

    /// <summary>The node file merged over reference.conf and resolved.</summary>
    public static Config LoadEffective(string path, Func<string, string?>? environment = null)
    {
        if (!File.Exists(path))
        {
            throw new NodeConfigurationException($"{path}: configuration file not found");
        }

        try
        {
            return Config.ParseFile(path).WithFallback(LoadReference()).Resolve(environment);
        }
        catch (ConfigException e)
        {
            throw new NodeConfigurationException(e.Message, e);
        }
    }

    /// <summary>Binds and checks <c>akkamq</c>; every problem names its key and where it was set.</summary>
    public static NodeSettings Bind(Config effective)
    {
        NodeSettings settings;
        try
        {
            settings = ConfigBinder.Bind<NodeSettings>(effective, RootPath);
        }
        catch (ConfigException e)
        {
            throw new NodeConfigurationException(e.Message, e);
        }

        var problems = new List<string>();
        Check(settings, effective, problems);
        if (problems.Count > 0)
        {
            throw new NodeConfigurationException(string.Join(Environment.NewLine, problems));
        }

        return settings;
    }

    public static NodeSettings Load(string path, Func<string, string?>? environment = null) =>
        Bind(LoadEffective(path, environment));

    private static void Check(NodeSettings s, Config config, List<string> problems)
    {
        void Problem(string key, string what)
        {
            var full = RootPath + "." + key;
            var origin = config.OriginOf(full);
            var where = origin is null ? "" : $"{origin.Description}:{origin.Line}:{origin.Column}: ";
            problems.Add($"{where}{full}: {what}");
        }

        if (s.Roles.Count == 0)
        {
            Problem("roles", "a node needs at least one role (namesrv, broker, controller)");
        }
        else if (s.Roles.Distinct().Count() != s.Roles.Count)
        {
            Problem("roles", "a role is listed twice");
        }

        if (!HostPort.TryParse(s.Namesrv.Listen, out _))
        {
            Problem("namesrv.listen", $"expected host:port, got '{s.Namesrv.Listen}'");
        }

        if (!HostPort.TryParse(s.Broker.Listen, out _))
        {
            Problem("broker.listen", $"expected host:port, got '{s.Broker.Listen}'");
        }

        if (!HostPort.TryParse(s.Broker.Advertise, out var advertise) || advertise.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            // Message ids embed the store host as 4 address bytes, so clients need an IPv4 address.
            Problem("broker.advertise", $"expected an IPv4 address and port that clients can reach, got '{s.Broker.Advertise}'");
        }

        CheckStore(s.Broker.Store, Problem);
        CheckLimits(s, Problem);
        CheckControlState(s.ControlState ?? ControlStateSettings.Default, Problem);
        CheckHealth(s.Health ?? HealthSettings.Default, Problem);
    }

    private static void CheckHealth(HealthSettings health, Action<string, string> problem)
    {
        if (health.Enabled && !HostPort.TryParse(health.Listen, out _))
        {
            problem("health.listen", $"expected host:port with an IP address or localhost (port 0 picks a free one), or \"\" for no endpoint, got '{health.Listen}'");
        }
    }

    private static void CheckControlState(ControlStateSettings state, Action<string, string> problem)
    {
        switch (state.Kind.Trim().ToLowerInvariant())
        {
            case "sqlite":
                break;
            case "postgresql":
                if (string.IsNullOrWhiteSpace(state.ConnectionString))
                {
                    problem("control-state.connection-string", "required when control-state.kind = postgresql");
                }

                break;
            default:
                problem("control-state.kind", $"expected sqlite or postgresql, got '{state.Kind}'");
                break;
        }
    }

    private static void CheckLimits(NodeSettings s, Action<string, string> problem)
    {
        if (s.Remoting is { } remoting)
        {
            if (remoting.MaxPendingOutbound.Bytes < FrameDecoder.DefaultMaxFrameLength)
            {
                // One largest frame must fit, or a peer could be cut off for a single answer.
                problem("remoting.max-pending-outbound", $"must be at least 16m (the largest frame), got {remoting.MaxPendingOutbound.Bytes} bytes");
            }

            if (remoting.IdleTimeout < TimeSpan.Zero)
            {
                problem("remoting.idle-timeout", "must be 0 (off) or positive");
            }

            if (remoting.WarningInterval < TimeSpan.Zero)
            {
                problem("remoting.warning-interval", "must be 0 (every warning) or positive");
            }
        }

        if (s.Broker.SendQueue is { } queue)
        {
            if (queue.MaxWait <= TimeSpan.Zero)
            {
                problem("broker.send-queue.max-wait", "must be positive");
            }

            if (queue.PageCacheBusyTimeout <= TimeSpan.Zero)
            {
                problem("broker.send-queue.page-cache-busy-timeout", "must be positive");
            }
        }
    }

    private static void CheckStore(StoreSettingsSection store, Action<string, string> problem)
    {
        const long MinSegment = 64 * 1024;
        if (store.CommitlogSegmentSize.Bytes < MinSegment)
        {
            problem("broker.store.commitlog-segment-size", $"must be at least 64k, got {store.CommitlogSegmentSize.Bytes} bytes");
        }

        if (store.MaxMessageSize.Bytes <= 0 || store.MaxMessageSize.Bytes >= store.CommitlogSegmentSize.Bytes)
        {
            problem("broker.store.max-message-size", "must be positive and smaller than commitlog-segment-size");
        }

        if (store.FlushInterval <= TimeSpan.Zero)
        {
            problem("broker.store.flush-interval", "must be positive");
        }

        if (store.CheckpointInterval <= TimeSpan.Zero)
        {
            problem("broker.store.checkpoint-interval", "must be positive");
        }

        if (store.FileReservedTime <= TimeSpan.Zero)
        {
            problem("broker.store.file-reserved-time", "must be positive");
        }
    }
}
