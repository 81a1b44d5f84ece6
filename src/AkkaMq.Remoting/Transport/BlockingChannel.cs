using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// One request at a time over one TCP connection, for a thread of its own that does nothing else
/// (a follower's replication stream). Requests are written and answers read with blocking socket
/// calls into buffers kept for the channel's life: the kernel wakes the thread when an answer
/// arrives, no pool thread is woken on the way, and a large answer's body is not copied. An
/// answer's body is a slice of the channel's receive buffer, valid until the next
/// <see cref="Invoke"/>. <see cref="Dispose"/> from any thread makes a blocked call throw.
/// </summary>
public sealed class BlockingChannel : IDisposable
{
    private const int PrefixLength = 4;

    private readonly Socket _socket;
    private readonly string _address;
    private readonly int _maxFrameLength;
    private readonly ArrayBufferWriter<byte> _request = new(4096);
    private byte[] _answer = new byte[64 * 1024];
    private int _nextOpaque;
    private int _timeoutMillis = -1;
    private volatile bool _disposed;

    private BlockingChannel(Socket socket, string address, int maxFrameLength)
    {
        _socket = socket;
        _address = address;
        _maxFrameLength = maxFrameLength;
    }

    /// <summary>
    /// Connects to <paramref name="address"/> (ip:port) within <paramref name="timeout"/>; throws
    /// <see cref="RemotingConnectionException"/>, or <see cref="OperationCanceledException"/> once
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static BlockingChannel Connect(string address, TimeSpan timeout, int maxFrameLength, CancellationToken cancellationToken)
    {
        if (!HostPort.TryParse(address, out var endPoint))
        {
            throw new RemotingConnectionException("'" + address + "' is not ip:port");
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            ConnectWithin(socket, endPoint, timeout, cancellationToken);
            return new BlockingChannel(socket, address, maxFrameLength);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new RemotingConnectionException("connect to <" + address + "> failed: " + ex.Message, ex);
        }
        catch (TimeoutException ex)
        {
            socket.Dispose();
            throw new RemotingConnectionException("connect to <" + address + "> timed out", ex);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects within <paramref name="timeout"/>, leaving the socket in the kernel's blocking mode. On
    /// Linux a blocking connect ends after the socket's send timeout, and a stop shuts the socket down,
    /// which ends a connect in progress (at the latest at its timeout). Elsewhere the connect is
    /// non-blocking and polled in short slices.
    /// </summary>
    /// <remarks>
    /// .NET keeps a socket in non-blocking mode at the kernel once it has been non-blocking and then
    /// emulates every later blocking call with its event thread (one more thread woken per answer),
    /// so on Linux the socket is never made non-blocking.
    /// </remarks>
    private static void ConnectWithin(Socket socket, IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            PollConnect(socket, endPoint, timeout, cancellationToken);
            return;
        }

        socket.SendTimeout = Millis(timeout);
        // A stop that comes before the connect starts is seen by the check; one that comes during it
        // ends it; one in between leaves it to end at its timeout.
        using var stop = cancellationToken.UnsafeRegister(static state => ShutdownQuietly((Socket)state!), socket);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            throw new TimeoutException();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static void PollConnect(Socket socket, IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // Connecting in the background: wait below.
        }

        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        // Writable once connected; a failed connect reports an error (its code in SO_ERROR below).
        while (!socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectWrite) && !socket.Poll(TimeSpan.Zero, SelectMode.SelectError))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Environment.TickCount64 >= deadline)
            {
                throw new TimeoutException();
            }
        }

        if (socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error) is int error && error != 0)
        {
            throw new SocketException(error);
        }

        socket.Blocking = true;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and returns its answer; the answer's body stays valid until the
    /// next call. Throws <see cref="RemotingTimeoutException"/> when no answer comes within
    /// <paramref name="timeout"/> and <see cref="RemotingConnectionException"/> when the connection
    /// fails, closes, or carries anything but this request's answer (the channel is then unusable).
    /// </summary>
    public RemotingCommand Invoke(RemotingCommand request, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        request.Opaque = ++_nextOpaque;
        _request.ResetWrittenCount();
        FrameEncoder.Write(_request, request);
        try
        {
            SetTimeouts(Millis(timeout));
            SendAll(_request.WrittenSpan);
            ReceiveExactly(0, PrefixLength);
            int length = BinaryPrimitives.ReadInt32BigEndian(_answer);
            if (length < 4 || (long)length + PrefixLength > _maxFrameLength)
            {
                throw new RemotingConnectionException($"<{_address}> sent a frame of length {length} (limit {_maxFrameLength})");
            }

            int frameLength = length + PrefixLength;
            if (_answer.Length < frameLength)
            {
                byte[] larger = new byte[Math.Max(frameLength, Math.Min(_maxFrameLength, _answer.Length * 2))];
                _answer.AsSpan(0, PrefixLength).CopyTo(larger);
                _answer = larger;
            }

            ReceiveExactly(PrefixLength, length);
            var read = FrameDecoder.TryReadFrame(_answer.AsMemory(0, frameLength), _maxFrameLength, out var answer);
            if (answer is null)
            {
                throw new RemotingConnectionException($"<{_address}> sent a malformed frame: {read.Reason}");
            }

            if (!answer.IsResponse || answer.Opaque != request.Opaque)
            {
                throw new RemotingConnectionException($"<{_address}> sent a frame that is not the answer to request {request.Opaque} (code {answer.Code}, opaque {answer.Opaque})");
            }

            return answer;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            throw new RemotingTimeoutException(_address, request.Code, timeout);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new RemotingConnectionException(_disposed ? "connection to <" + _address + "> closed" : "connection to <" + _address + "> failed: " + ex.Message, ex);
        }
    }

    /// <summary>Closes the connection; a call blocked in <see cref="Invoke"/> on another thread throws.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ShutdownQuietly(_socket);
        _socket.Dispose();
    }

    private static void ShutdownQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer, or not connected yet: closing is all that is left.
        }
    }

    private static int Millis(TimeSpan timeout) => (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);

    /// <summary>Both directions' timeouts (each a system call), set only when they change.</summary>
    private void SetTimeouts(int millis)
    {
        if (millis != _timeoutMillis)
        {
            _socket.SendTimeout = millis;
            _socket.ReceiveTimeout = millis;
            _timeoutMillis = millis;
        }
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = _socket.Send(bytes);
            bytes = bytes[sent..];
        }
    }

    private void ReceiveExactly(int offset, int count)
    {
        while (count > 0)
        {
            int read = _socket.Receive(_answer, offset, count, SocketFlags.None);
            if (read == 0)
            {
                throw new RemotingConnectionException("connection to <" + _address + "> closed by the peer");
            }

            offset += read;
            count -= read;
        }
    }
}
