using System.Buffers;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

/// <summary>A handler backed by a delegate, for tests.</summary>
internal sealed class DelegateHandler(Func<RemotingConnection, RemotingCommand, CancellationToken, ValueTask<RemotingCommand?>> handle)
    : IRemotingRequestHandler
{
    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken) =>
        handle(connection, request, cancellationToken);

    /// <summary>Answers SUCCESS with the request's body and a <c>seen</c> extField of its code.</summary>
    public static DelegateHandler Echo() => new((_, request, _) =>
    {
        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = request.Body;
        response.ExtFields["seen"] = request.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult<RemotingCommand?>(response);
    });
}

/// <summary>A bare TCP client that writes raw bytes and reads frames, to see exactly what the server sends.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private RawConnection(Socket socket) => _socket = socket;

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static async Task<RawConnection> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        return new RawConnection(socket);
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    public Task SendAsync(RemotingCommand command) => SendAsync(FrameEncoder.ToArray(command));

    /// <summary>The next frame, or null if the server closed the connection.</summary>
    public async Task<RemotingCommand?> ReadFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var chunk = new byte[4096];
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_pending.ToArray());
            var result = FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var command);
            if (result.Status == FrameReadStatus.Frame)
            {
                _pending.Clear();
                _pending.AddRange(buffer.ToArray());
                return command;
            }

            Assert.Equal(FrameReadStatus.NeedMoreData, result.Status);
            int read = await _socket.ReceiveAsync(chunk, SocketFlags.None, cts.Token);
            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal static class Loopback
{
    public static readonly IPEndPoint AnyPort = new(IPAddress.Loopback, 0);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static RemotingServer StartServer(IRemotingRequestHandler handler, RemotingSettings? settings = null)
    {
        var server = new RemotingServer(AnyPort, handler, settings);
        server.Start();
        return server;
    }

    /// <summary>A server that never answers: each request waits until the server stops (for timeout tests).</summary>
    public static RemotingServer StartSilentServer() => StartServer(
        new DelegateHandler(async (_, _, ct) =>
        {
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
            return null;
        }),
        new RemotingSettings { ShutdownTimeout = TimeSpan.FromMilliseconds(100) });

    public static string AddressOf(RemotingServer server) => "127.0.0.1:" + server.LocalEndPoint.Port;
}
