using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Client.Tests.Fakes;

/// <summary>A scripted remoting peer on 127.0.0.1:0 that records every request it gets.</summary>
internal abstract class FakeServer : IRemotingRequestHandler, IAsyncDisposable
{
    private readonly RemotingServer _server;

    protected FakeServer()
    {
        _server = new RemotingServer(new IPEndPoint(IPAddress.Loopback, 0), this);
        _server.Start();
        Address = "127.0.0.1:" + _server.LocalEndPoint.Port;
    }

    public string Address { get; }

    public int Port => _server.LocalEndPoint.Port;

    public ConcurrentQueue<RemotingCommand> Requests { get; } = new();

    /// <summary>Runs before the default handling; return a response to override it.</summary>
    public Func<RemotingCommand, RemotingCommand?>? Override { get; set; }

    public ICollection<RemotingConnection> Connections => _server.Connections;

    public List<RemotingCommand> RequestsWithCode(RequestCode code) => Requests.Where(r => r.Code == (int)code).ToList();

    public async ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        if (Override?.Invoke(request) is { } overridden)
        {
            return overridden;
        }

        return await HandleCoreAsync(connection, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Set when stopping the server failed (see <see cref="DisposeAsync"/>).</summary>
    public Exception? StopError { get; private set; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _server.DisposeAsync();
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            // RemotingConnection's write loop can rethrow a reset from PipeWriter.CompleteAsync
            // when the client closed first; the server is stopped all the same. Kept for inspection.
            StopError = ex;
        }
    }

    protected abstract ValueTask<RemotingCommand?> HandleCoreAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken);
}
