using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Node.Configuration;
using AkkaMq.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>A node that cannot join its cluster gives up after the configured time and exits for its service manager.</summary>
[Trait("Category", "Process")]
public sealed class JoinGiveUpTests
{
    [Fact]
    public async Task A_node_whose_seeds_never_answer_exits_with_1_naming_the_seeds_and_the_setting()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int deadSeedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var temp = new TempDir();
        var logs = new CapturingLoggerFactory();
        var host = LoopbackNode.Host(temp, "lonely", logs, extra: $"""
            akka.cluster.seed-nodes = ["akka.tcp://DefaultCluster@127.0.0.1:{deadSeedPort}"]
            akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = 2s
            """);

        int exitCode = await host.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        var giveUp = Assert.Single(logs.Lines, l => l.Contains("could not join the cluster", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1:" + deadSeedPort, giveUp);
        Assert.Contains("shutdown-after-unsuccessful-join-seed-nodes (2s)", giveUp);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Node lonely started", StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_defaults_give_up_after_two_minutes()
    {
        using var temp = new TempDir();
        var effective = NodeConfigLoader.LoadEffective(temp.Write("node.conf", "akkamq.node-name = defaults\n"), static _ => null);
        var settings = NodeConfigLoader.Bind(effective);
        var akka = AkkaConfiguration.Build(effective, settings, LogLevel.Warning, static _ => null);

        Assert.Equal(TimeSpan.FromSeconds(120), akka.GetTimeSpan("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes"));
    }

    /// <summary>Every log line of every category, as "Category: message".</summary>
    private sealed class CapturingLoggerFactory : ILoggerFactory
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the capturing factory has no providers");

        public void Dispose()
        {
            // Nothing held.
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(category + ": " + formatter(state, exception));
        }
    }
}
