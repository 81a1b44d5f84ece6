using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>Hands the node's logger factory to <see cref="AkkaLogger"/> through the actor system's setup.</summary>
public sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}

/// <summary>
/// Akka's logger (named in <c>akka.loggers</c>): writes Akka's own log events through
/// Microsoft.Extensions.Logging, so they come out in the node's one format and obey
/// <c>AKKAMQ_LOG_LEVEL</c>. The category is the class that logged (e.g. Akka.Cluster.Cluster).
/// Without a <see cref="LoggerFactorySetup"/> (a bare actor system in a test) events are dropped.
/// </summary>
public sealed class AkkaLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory? _factory;
    private readonly Dictionary<Type, ILogger> _loggers = [];

    public AkkaLogger()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue ? setup.Value.Factory : null;
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized(), Self));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        if (_factory is null)
        {
            return;
        }

        // Akka logs from plain strings under a placeholder class; those go under "Akka".
        var type = e.LogClass is null || e.LogClass == typeof(DummyClassForStringSources) ? typeof(AkkaLogger) : e.LogClass;
        if (!_loggers.TryGetValue(type, out var logger))
        {
            _loggers[type] = logger = _factory.CreateLogger(type == typeof(AkkaLogger) ? "Akka" : type.FullName ?? "Akka");
        }

        var level = e.LogLevel() switch
        {
            Akka.Event.LogLevel.DebugLevel => Microsoft.Extensions.Logging.LogLevel.Debug,
            Akka.Event.LogLevel.InfoLevel => Microsoft.Extensions.Logging.LogLevel.Information,
            Akka.Event.LogLevel.WarningLevel => Microsoft.Extensions.Logging.LogLevel.Warning,
            _ => Microsoft.Extensions.Logging.LogLevel.Error,
        };
        if (logger.IsEnabled(level))
        {
#pragma warning disable CA2254 // Akka formats its own message; it is passed through as text.
            logger.Log(level, e.Cause, "{Source}: {Message}", e.LogSource, e.Message?.ToString());
#pragma warning restore CA2254
        }
    }
}
