using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Node.Hosting;

/// <summary>
/// The node's HTTP health endpoint (<c>akkamq.health.listen</c>), on Kestrel bound to exactly the
/// configured address, answering JSON:
/// <c>GET /health/live</c> 200 while the process runs; <c>GET /health/ready</c> 200 when
/// <see cref="NodeHealth"/> finds the node ready, else 503 with the reasons; <c>GET /health</c>
/// (or <c>/health/roles</c>) 200 with the node's state. Anything else is 404, other methods 405.
/// </summary>
public sealed class HealthEndpoint : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private int _disposed;

    private HealthEndpoint(WebApplication app, IPEndPoint localEndPoint)
    {
        _app = app;
        LocalEndPoint = localEndPoint;
    }

    /// <summary>The bound endpoint (the real port when configured with port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds <paramref name="listen"/> and starts answering; throws <see cref="IOException"/> when the address cannot be bound.</summary>
    public static async Task<HealthEndpoint> StartAsync(IPEndPoint listen, NodeHealth health, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(loggers);
        // The empty builder reads no appsettings files, environment variables or URLs: the only
        // address is the configured one. The web host logs through the node's logger, warnings
        // and errors only: probes come every few seconds and each request would be a log line.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging(logging => logging.ClearProviders()
            .AddProvider(new NodeLogProvider(loggers))
            .SetMinimumLevel(LogLevel.Warning));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(listen);
        });
        var app = builder.Build();
        app.Run(context => HandleAsync(context, health));
        var started = false;
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
            started = true;
        }
        finally
        {
            if (!started)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new HealthEndpoint(app, BoundEndPoint(app, listen));
    }

    /// <summary>Stops answering and closes the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IPEndPoint BoundEndPoint(WebApplication app, IPEndPoint listen)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                return new IPEndPoint(listen.Address, uri.Port);
            }
        }

        return listen;
    }

    private static async Task HandleAsync(HttpContext context, NodeHealth health)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await WriteAsync(context, StatusCodes.Status405MethodNotAllowed, new ErrorReport("only GET and HEAD are served")).ConfigureAwait(false);
            return;
        }

        var ct = context.RequestAborted;
        try
        {
            switch (request.Path.Value)
            {
                case "/health/live":
                    await WriteAsync(context, StatusCodes.Status200OK, health.Live()).ConfigureAwait(false);
                    break;
                case "/health/ready":
                    var ready = await health.ReportAsync(ct).ConfigureAwait(false);
                    await WriteAsync(context, ready.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, ready).ConfigureAwait(false);
                    break;
                case "/health" or "/health/roles":
                    await WriteAsync(context, StatusCodes.Status200OK, await health.ReportAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
                    break;
                default:
                    await WriteAsync(context, StatusCodes.Status404NotFound,
                        new ErrorReport("not found; served: /health, /health/live, /health/ready, /health/roles")).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer.
        }
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }

    private sealed record ErrorReport(string Error);

    /// <summary>Hands the web host's loggers to the node's factory, which the node owns and disposes.</summary>
    private sealed class NodeLogProvider(ILoggerFactory loggers) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

        public void Dispose()
        {
            // The node's logger factory outlives the endpoint.
        }
    }
}
