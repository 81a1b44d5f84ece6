using System.ComponentModel.DataAnnotations;

namespace AkkaMq.Hocon.Tests;

public sealed class ConfigBinderTests
{
    public enum FlushMode
    {
        Sync,
        AsyncBatched,
    }

    public sealed record StoreSettings(
        ByteSize CommitlogSegmentSize,
        TimeSpan FlushInterval,
        FlushMode FlushMode,
        [Range(1, 64)] int FlushThreads,
        IReadOnlyList<string> DataDirs);

    public sealed record BrokerSettings(
        [RegularExpression(@"^[^:]+:\d+$")] string Listen,
        [Required] string BrokerName,
        StoreSettings Store,
        IReadOnlyList<int> QueuePorts,
        string? ClusterName,
        TimeSpan? ShutdownTimeout,
        double Ratio = 0.5);

    private const string Broker = """
        akkamq.broker {
          listen = "0.0.0.0:10911"
          broker-name = broker-a
          store {
            commitlog-segment-size = 1g
            flush-interval = 500ms
            flush-mode = async-batched
            flush-threads = 4
            data-dirs = [/data/a, /data/b]
          }
          queue-ports = [1, 2, 3]
        }
        """;

    private static Config Parse(string text) => Config.ParseString(text, "standalone.conf").Resolve(static _ => null);

    [Fact]
    public void Bind_MapsKebabCaseKeysOntoRecord()
    {
        var settings = ConfigBinder.Bind<BrokerSettings>(Parse(Broker), "akkamq.broker");

        Assert.Equal("0.0.0.0:10911", settings.Listen);
        Assert.Equal("broker-a", settings.BrokerName);
        Assert.Equal(new ByteSize(1L << 30), settings.Store.CommitlogSegmentSize);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.Store.FlushInterval);
        Assert.Equal(FlushMode.AsyncBatched, settings.Store.FlushMode);
        Assert.Equal(4, settings.Store.FlushThreads);
        Assert.Equal(["/data/a", "/data/b"], settings.Store.DataDirs);
        Assert.Equal([1, 2, 3], settings.QueuePorts);
    }

    [Fact]
    public void Bind_LeavesAbsentNullableMembersNullAndUsesDefaults()
    {
        var settings = ConfigBinder.Bind<BrokerSettings>(Parse(Broker), "akkamq.broker");

        Assert.Null(settings.ClusterName);
        Assert.Null(settings.ShutdownTimeout);
        Assert.Equal(0.5, settings.Ratio);
    }

    [Fact]
    public void Bind_ReadsNullablesWhenPresent()
    {
        var config = Parse(Broker + "\nakkamq.broker { cluster-name = c1, shutdown-timeout = 3 s }");

        var settings = ConfigBinder.Bind<BrokerSettings>(config, "akkamq.broker");

        Assert.Equal("c1", settings.ClusterName);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.ShutdownTimeout);
    }

    [Fact]
    public void Bind_RejectsUnknownKey_WithPathAndPosition()
    {
        var config = Parse(Broker + "\nakkamq.broker.lisen = oops");

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<BrokerSettings>(config, "akkamq.broker"));

        Assert.Equal("standalone.conf:13:23: akkamq.broker.lisen: unknown key 'akkamq.broker.lisen'", error.Message);
    }

    [Fact]
    public void Bind_RejectsOutOfRangeValue()
    {
        var config = Parse(Broker + "\nakkamq.broker.store.flush-threads = 100");

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<BrokerSettings>(config, "akkamq.broker"));

        Assert.StartsWith("standalone.conf:13:37: akkamq.broker.store.flush-threads: invalid value 100", error.Message);
        Assert.Contains("between 1 and 64", error.Message);
    }

    [Fact]
    public void Bind_RejectsValueNotMatchingPattern()
    {
        var config = Parse(Broker + "\nakkamq.broker.listen = 10911");

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<BrokerSettings>(config, "akkamq.broker"));

        Assert.StartsWith("standalone.conf:13:24: akkamq.broker.listen: invalid value '10911'", error.Message);
    }

    [Fact]
    public void Bind_ReportsMissingRequiredKey()
    {
        var config = Parse("b { listen = \"h:1\", broker-name = x, queue-ports = [] }");

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<BrokerSettings>(config, "b"));

        Assert.Contains("missing required key 'b.store'", error.Message);
    }

    [Fact]
    public void Bind_ReportsEveryProblemTogether()
    {
        var text = Broker + "\nakkamq.broker { lisen = x, store.flush-mode = sometimes, store.flush-interval = soon }";

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<BrokerSettings>(Parse(text), "akkamq.broker"));

        Assert.Equal(3, error.Problems.Count);
        var lines = error.Message.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, static l => l.Contains("akkamq.broker.store.flush-mode: expected one of sync, async-batched, got 'sometimes'"));
        Assert.Contains(lines, static l => l.Contains("akkamq.broker.store.flush-interval: expected duration"));
        Assert.Contains(lines, static l => l.Contains("unknown key 'akkamq.broker.lisen'"));
    }

    [Fact]
    public void Bind_ReportsWrongTypeInList()
    {
        var config = Parse(Broker + "\nakkamq.broker.queue-ports = [1, two]");

        var error = Assert.Throws<ConfigException>(() => ConfigBinder.Bind<BrokerSettings>(config, "akkamq.broker"));

        Assert.Contains("akkamq.broker.queue-ports[1]: expected integer, got 'two'", error.Message);
    }

    [Fact]
    public void Bind_AcceptsEnumNamesCaseInsensitively()
    {
        var config = Parse(Broker + "\nakkamq.broker.store.flush-mode = SYNC");

        var settings = ConfigBinder.Bind<BrokerSettings>(config, "akkamq.broker");

        Assert.Equal(FlushMode.Sync, settings.Store.FlushMode);
    }

    [Theory]
    [InlineData("CommitlogSegmentSize", "commitlog-segment-size")]
    [InlineData("IOThreads", "io-threads")]
    [InlineData("Ipv4Address", "ipv4-address")]
    [InlineData("Listen", "listen")]
    public void ToKebabCase_SplitsWords(string name, string key) => Assert.Equal(key, ConfigBinder.ToKebabCase(name));
}
