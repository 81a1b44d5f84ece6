using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors.Tests;

/// <summary>Keeps every log entry so tests can assert on what the kernel logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("Capturing only");

    public void Dispose()
    {
        Entries.Clear();
    }

    internal sealed record LogEntry(LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), exception));
    }
}
