using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.NameServer.Tests;

public sealed class UnsupportedRequestLogTests
{
    [Fact]
    public async Task NameServer_LogsAnUnsupportedRequestOncePerCodeAndClient_AtWarning()
    {
        await using var ns = await NameServerFixture.StartAsync();
        var loggers = new CapturingLoggerFactory();
        await using var role = await NameServerRole.StartAsync(new NameServerSettings("127.0.0.1:0"), ns.Feed, ns.Registry, loggers, CancellationToken.None);
        var address = "127.0.0.1:" + role.LocalEndPoint.Port;
        await using var client = new RemotingClient();

        for (int i = 0; i < 3; i++)
        {
            var response = await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.RegisterBroker), TimeSpan.FromSeconds(5));
            Assert.Equal((int)ResponseCode.RequestCodeNotSupported, response.Code);
        }

        await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.GetSystemTopicListFromNs), TimeSpan.FromSeconds(5));

        var warnings = loggers.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("REGISTER_BROKER (103) from 127.0.0.1:", warnings[0], StringComparison.Ordinal);
        Assert.Contains("external RocketMQ brokers cannot join", warnings[0], StringComparison.Ordinal);
        Assert.Contains("GET_SYSTEM_TOPIC_LIST_FROM_NS (304)", warnings[1], StringComparison.Ordinal);
    }

    /// <summary>Every logger it creates writes to one list.</summary>
    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the capturing factory has no providers");

        // Nothing to release: the entries stay readable after the role is disposed.
        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
