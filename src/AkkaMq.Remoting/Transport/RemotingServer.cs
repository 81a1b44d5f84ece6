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
/// <para>
/// Limits: at most <see cref="RemotingSettings.MaxConnectionsPerAddress"/> connections from one
/// remote address (more are closed on accept); a connection idle for
/// <see cref="RemotingSettings.IdleTimeout"/> is closed by this server's own sweep timer; warnings
/// about bad peers are limited per address (<see cref="AddressWarnings"/>).
/// </para>
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
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly AddressWarnings _warnings;
    private Timer? _idleSweep;
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
        _warnings = new AddressWarnings(_settings.WarningInterval);
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
        if (_settings.IdleTimeout > TimeSpan.Zero)
        {
            // Checked a few times per timeout, at most once a second: a connection is closed
            // between one and a quarter more than the timeout after its last activity.
            var period = TimeSpan.FromTicks(Math.Min(_settings.IdleTimeout.Ticks / 4, TimeSpan.TicksPerSecond));
            _idleSweep = new Timer(static s => ((RemotingServer)s!).CloseIdle(), this, period, period);
        }
    }

    private void CloseIdle()
    {
        long now = Environment.TickCount64;
        long limit = (long)_settings.IdleTimeout.TotalMilliseconds;
        foreach (var connection in _connections.Keys)
        {
            // A held pull or a slow handler is not idleness: only a connection with nothing running is.
            if (now - connection.LastActivity >= limit && connection.InFlightRequests == 0 && !connection.IsClosed)
            {
                // Limited per address like the warnings: a thousand stalled connections from one
                // host close with one line.
                if (_warnings.TryWarn(connection.RemoteEndPoint.Address, out int suppressed))
                {
                    Log.IdleClosed(_logger, connection.RemoteAddress, TimeSpan.FromMilliseconds(now - connection.LastActivity), suppressed);
                }

                _ = connection.CloseAsync();
            }
        }
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
        if (_idleSweep is { } sweep)
        {
            await sweep.DisposeAsync().ConfigureAwait(false);
        }

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
        IPEndPoint? remote = null;
        try
        {
            remote = (IPEndPoint)socket.RemoteEndPoint!;
            if (!TryCountIn(remote))
            {
                socket.Dispose();
                return;
            }

            connection = new RemotingConnection(socket, _handler, _settings, _logger, _onConnectionClosed, _warnings);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer vanished between accept and setup (no endpoints any more).
            Log.AcceptFailed(_logger, _endPoint, ex.Message);
            if (remote is not null)
            {
                CountOut(remote.Address);
            }

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
            CountOut(connection.RemoteEndPoint.Address);
            ConnectionClosed?.Invoke(connection);
        }
    }

    /// <summary>Counts a new connection against its address's limit; false (and logged, rate-limited) when over it.</summary>
    private bool TryCountIn(IPEndPoint remote)
    {
        int count = _perAddress.AddOrUpdate(remote.Address, 1, static (_, n) => n + 1);
        if (count <= _settings.MaxConnectionsPerAddress)
        {
            return true;
        }

        CountOut(remote.Address);
        if (_warnings.TryWarn(remote.Address, out int suppressed))
        {
            Log.TooManyConnections(_logger, RemotingConnection.FormatAddress(remote), count - 1, _settings.MaxConnectionsPerAddress, suppressed);
        }

        return false;
    }

    private void CountOut(IPAddress address)
    {
        // Accepts and closes race on a count: each step is a compare-and-swap, and a count that
        // reaches zero is removed so the table holds live addresses only.
        while (_perAddress.TryGetValue(address, out int n))
        {
            if (n <= 1 ? _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, n)) : _perAddress.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }
}
