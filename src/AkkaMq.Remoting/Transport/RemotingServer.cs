using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// Accepts TCP connections and serves RocketMQ remoting on each through one
/// <see cref="IRemotingRequestHandler"/>. A malformed frame closes only the connection it
/// arrived on. The accept loop owns the listener; the connection table is concurrent because
/// connections remove themselves when they close.
/// </summary>
public sealed class RemotingServer : IAsyncDisposable
{
    private readonly IPEndPoint _endPoint;
    private readonly IRemotingRequestHandler _handler;
    private readonly RemotingSettings _settings;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<RemotingConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly Action<RemotingConnection> _onConnectionClosed;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _stopped;

    public RemotingServer(IPEndPoint endPoint, IRemotingRequestHandler handler, RemotingSettings? settings = null, ILogger? logger = null)
    {
        _endPoint = endPoint;
        _handler = handler;
        _settings = settings ?? RemotingSettings.Default;
        _logger = logger ?? NullLogger.Instance;
        _onConnectionClosed = OnConnectionClosed;
    }

    /// <summary>Raised on the accept loop for each new connection, before its first frame is read.</summary>
    public event Action<RemotingConnection>? ConnectionOpened;

    /// <summary>Raised once per connection after it has fully closed, whoever closed it.</summary>
    public event Action<RemotingConnection>? ConnectionClosed;

    /// <summary>The bound endpoint (the real port when started on port 0).</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("The server is not started."));

    public ICollection<RemotingConnection> Connections => _connections.Keys;

    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        var listener = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(_endPoint);
        listener.Listen(512);
        _listener = listener;
        Log.Listening(_logger, listener.LocalEndPoint!);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>
    /// Graceful stop: accept no more connections, let running requests finish (bounded by
    /// <see cref="RemotingSettings.ShutdownTimeout"/>), then close every connection.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _listener is null)
        {
            return;
        }

        _stopAccepting.Cancel();
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        var stops = new List<Task>();
        foreach (var connection in _connections.Keys)
        {
            stops.Add(connection.StopAsync(_settings.ShutdownTimeout));
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                Log.AcceptFailed(_logger, _endPoint, ex.Message);
                continue;
            }

            Accept(socket);
        }
    }

    private void Accept(Socket socket)
    {
        RemotingConnection connection;
        try
        {
            connection = new RemotingConnection(socket, _handler, _settings, _logger, _onConnectionClosed);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer vanished between accept and setup (no endpoints any more).
            Log.AcceptFailed(_logger, _endPoint, ex.Message);
            socket.Dispose();
            return;
        }

        _connections[connection] = 0;
        ConnectionOpened?.Invoke(connection);
        connection.Start();
    }

    private void OnConnectionClosed(RemotingConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            ConnectionClosed?.Invoke(connection);
        }
    }
}
