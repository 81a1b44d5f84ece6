using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Remoting.Tests.Transport;

public sealed class UnsupportedRequestsTests
{
    [Fact]
    public async Task UnsupportedRequest_IsAnsweredCode3_WithRocketMqPrefixNameAndRemark()
    {
        var log = new CapturingLogger();
        await using var server = StartServer(log);
        await using var client = new RemotingClient();

        var response = await client.InvokeAsync(Loopback.AddressOf(server), RemotingCommand.CreateRequest(103), Loopback.Timeout);

        Assert.Equal(ResponseCode.RequestCodeNotSupported, response.ResponseCode);
        Assert.StartsWith(" request type 103 not supported (REGISTER_BROKER): ", response.Remark, StringComparison.Ordinal);
        Assert.Contains("route registry", response.Remark, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedRequest_IsLoggedOncePerCodeAndClientAddress()
    {
        var log = new CapturingLogger();
        await using var server = StartServer(log);
        await using var first = new RemotingClient();
        await using var second = new RemotingClient();
        var address = Loopback.AddressOf(server);

        for (int i = 0; i < 3; i++)
        {
            await first.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateAclConfig), Loopback.Timeout);
        }

        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("UPDATE_AND_CREATE_ACL_CONFIG (50)", entry.Message, StringComparison.Ordinal);
        Assert.Contains("JAVA, version 409", entry.Message, StringComparison.Ordinal);
        Assert.Contains("ACL is not implemented", entry.Message, StringComparison.Ordinal);

        // Another code from the same client, and the same code from another client, are new pairs.
        await first.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.SuspendConsumer), Loopback.Timeout);
        await second.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateAclConfig), Loopback.Timeout);
        await second.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateAclConfig), Loopback.Timeout);

        Assert.Equal(3, log.Entries.Count);
        Assert.Contains("SUSPEND_CONSUMER (209)", log.Entries[1].Message, StringComparison.Ordinal);
        var remotes = log.Entries.Where(e => e.Message.Contains("(50)", StringComparison.Ordinal)).Select(e => RemoteOf(e.Message)).ToList();
        Assert.Equal(2, remotes.Distinct().Count());
    }

    [Fact]
    public async Task UnknownCode_IsAnsweredWithRocketMqText_AndLoggedAsUnknown()
    {
        var log = new CapturingLogger();
        await using var server = StartServer(log);
        await using var client = new RemotingClient();
        var request = RemotingCommand.CreateRequest(9999);
        request.LanguageName = "CPP";
        request.Version = RemotingVersion.V4_9_4;

        var response = await client.InvokeAsync(Loopback.AddressOf(server), request, Loopback.Timeout);

        Assert.Equal(" request type 9999 not supported", response.Remark);
        var entry = Assert.Single(log.Entries);
        Assert.Contains("UNKNOWN (9999)", entry.Message, StringComparison.Ordinal);
        Assert.Contains("CPP, version 401", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memory_IsCapped_AndStartsAgainWhenFull()
    {
        var log = new CapturingLogger();
        await using var server = StartServer(log, maxRemembered: 2);
        await using var a = new RemotingClient();
        await using var b = new RemotingClient();
        await using var c = new RemotingClient();
        var address = Loopback.AddressOf(server);
        var request = () => RemotingCommand.CreateRequest(RequestCode.RegisterFilterServer);

        await a.InvokeAsync(address, request(), Loopback.Timeout);
        await b.InvokeAsync(address, request(), Loopback.Timeout);
        await a.InvokeAsync(address, request(), Loopback.Timeout);
        Assert.Equal(2, log.Entries.Count);

        // A third pair fills the memory past its cap: it is cleared, so the first client's pair is new again.
        await c.InvokeAsync(address, request(), Loopback.Timeout);
        await a.InvokeAsync(address, request(), Loopback.Timeout);
        Assert.Equal(4, log.Entries.Count);
        Assert.Equal(RemoteOf(log.Entries[0].Message), RemoteOf(log.Entries[3].Message));
    }

    [Fact]
    public void EveryRemark_StartsWithRocketMqText()
    {
        foreach (var code in Enum.GetValues<RequestCode>())
        {
            Assert.StartsWith(" request type " + (int)code + " not supported (" + RequestCodeNames.Of((int)code) + ")", UnsupportedRequestRemarks.For((int)code), StringComparison.Ordinal);
        }
    }

    private static string RemoteOf(string message)
    {
        var from = message.IndexOf(" from ", StringComparison.Ordinal) + 6;
        return message[from..message.IndexOf(' ', from)];
    }

    private static RemotingServer StartServer(ILogger log, int maxRemembered = UnsupportedRequests.MaxRemembered)
    {
        var answers = new UnsupportedRequests(maxRemembered);
        var server = new RemotingServer(
            Loopback.AnyPort,
            new DelegateHandler((connection, request, _) => ValueTask.FromResult<RemotingCommand?>(answers.Answer(connection, request))),
            logger: log);
        server.Start();
        return server;
    }
}

/// <summary>Keeps every entry at or above its level (warnings by default) written to it, formatted.</summary>
internal sealed class CapturingLogger(LogLevel minimum = LogLevel.Warning) : ILogger
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

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < minimum)
        {
            return;
        }

        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
