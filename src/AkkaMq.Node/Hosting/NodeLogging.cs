using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AkkaMq.Node.Hosting;

/// <summary>One-line, timestamped console logs; level from AKKAMQ_LOG_LEVEL (default Information).</summary>
public static class NodeLogging
{
    /// <summary>The level AKKAMQ_LOG_LEVEL names (Information when unset or unknown); Akka's level follows it.</summary>
    public static LogLevel Level() =>
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("AKKAMQ_LOG_LEVEL"), ignoreCase: true, out var parsed)
            ? parsed
            : LogLevel.Information;

    public static ILoggerFactory CreateFactory()
    {
        var level = Level();
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                options.UseUtcTimestamp = true;
                options.ColorBehavior = LoggerColorBehavior.Disabled;
            }));
    }
}
