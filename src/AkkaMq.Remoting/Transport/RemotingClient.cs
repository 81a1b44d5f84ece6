using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// Client side of RocketMQ remoting: one reused connection per <c>host:port</c> address,
/// reconnected on next use after it closes. Requests the server sends on a connection
/// (e.g. NOTIFY_CONSUMER_IDS_CHANGED) go to the optional handler; without one they are
/// answered REQUEST_CODE_NOT_SUPPORTED (one-way ones get nothing).
/// </summary>
public sealed class RemotingClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RemotingConnection> _connections = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly IRemotingRequestHandler? _handler;
    private readonly RemotingSettings _settings;
    private readonly ILogger _logger;
    private readonly Action<RemotingConnection> _onConnectionClosed;
    private bool _disposed;

    public RemotingClient(IRemotingRequestHandler? handler = null, RemotingSettings? settings = null, ILogger? logger = null)
    {
        _handler = handler;
        _settings = settings ?? RemotingSettings.Default;
        _logger = logger ?? NullLogger.Instance;
        _onConnectionClosed = OnConnectionClosed;
    }

    /// <summary>Raised after a connection has closed; the next call to its address reconnects.</summary>
    public event Action<RemotingConnection>? ConnectionClosed;

    /// <summary>Sends a request and waits for its response (see <see cref="RemotingConnection.InvokeAsync"/>).</summary>
    public Task<RemotingCommand> InvokeAsync(string address, RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // The common case, an open connection, adds no async step of its own.
        if (_connections.TryGetValue(address, out var existing) && !existing.IsClosed)
        {
            return existing.InvokeAsync(request, timeout, cancellationToken);
        }

        return ConnectAndInvokeAsync(address, request, timeout, cancellationToken);
    }

    private async Task<RemotingCommand> ConnectAndInvokeAsync(string address, RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        return await connection.InvokeAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a one-way request (flag bit 1); completes once it is queued on the connection.</summary>
    public async Task InvokeOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken = default)
    {
        var connection = await GetConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        connection.InvokeOneway(request);
    }

    /// <summary>The open connection to <paramref name="address"/> (<c>host:port</c>), connecting if needed.</summary>
    public async ValueTask<RemotingConnection> GetConnectionAsync(string address, CancellationToken cancellationToken = default)
    {
        if (_connections.TryGetValue(address, out var existing) && !existing.IsClosed)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connections.TryGetValue(address, out existing) && !existing.IsClosed)
            {
                return existing;
            }

            var connection = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            _connections[address] = connection;
            connection.Start();
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
        }
        finally
        {
            _connectLock.Release();
        }

        var closing = new List<Task>();
        foreach (var connection in _connections.Values)
        {
            closing.Add(connection.CloseAsync());
        }

        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    private async Task<RemotingConnection> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        var (host, port) = ParseAddress(address);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            // The outbound limit guards a server against its slow peers; a client's own sends are
            // bounded by its callers (and by the server's read cap), so it never cuts itself off.
            return new RemotingConnection(socket, _handler, _settings with { MaxPendingOutboundBytes = long.MaxValue }, _logger, _onConnectionClosed);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RemotingConnectionException("connect to <" + address + "> timed out", ex);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new RemotingConnectionException("connect to <" + address + "> failed: " + ex.Message, ex);
        }
    }

    private static (string Host, int Port) ParseAddress(string address)
    {
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new ArgumentException("Address must be host:port, got '" + address + "'.", nameof(address));
        }

        string host = address[..colon];
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        return (host, port);
    }

    private void OnConnectionClosed(RemotingConnection connection)
    {
        foreach (var entry in _connections)
        {
            if (ReferenceEquals(entry.Value, connection))
            {
                _connections.TryRemove(entry);
            }
        }

        ConnectionClosed?.Invoke(connection);
    }
}
