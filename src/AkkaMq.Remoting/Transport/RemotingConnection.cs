using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Remoting.Transport;

/// <summary>
/// One TCP connection speaking RocketMQ remoting, used by both server and client: requests
/// flow both ways and are matched to responses by opaque.
/// <para>
/// Ownership: the read loop alone reads the pipe and dispatches frames; the write loop alone
/// writes it, draining a queue that any thread may add to, so writes are serialized without a
/// lock and frames queued together go out in one flush. <see cref="_pending"/> maps this side's
/// outstanding opaques to their waiters and times them out.
/// </para>
/// <para>
/// Batching is the connection's own: the write loop, once woken, drains everything queued by
/// the time it runs into one flush, and whoever answers many requests at once holds the writer
/// back meanwhile (<see cref="HoldWrites"/>) so they leave together — the read loop while it
/// dispatches the frames of one read, the broker while it answers the senders of one flush.
/// The responses found in one read complete their waiters on one thread-pool worker, one after
/// another (<see cref="ResponseBatch"/>; user code never runs on the read loop), so
/// continuations of <see cref="InvokeAsync"/> must not block.
/// </para>
/// <para>
/// Limits (<see cref="RemotingSettings"/>): at <see cref="RemotingSettings.MaxRequestsInFlight"/>
/// requests being handled the read loop stops reading until one is answered; past
/// <see cref="RemotingSettings.MaxPendingOutboundBytes"/> queued for the peer the connection is
/// closed as a slow reader. The owning server closes it when idle.
/// </para>
/// </summary>
public sealed partial class RemotingConnection : IAsyncDisposable
{
    private const int IoBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly ConcurrentQueue<RemotingCommand> _outbound = new();
    private readonly SemaphoreSlim _writeSignal = new(0);
    private List<(PendingRequest Waiter, RemotingCommand Response)> _responses = [];
    private int _writeWakePending;
    private int _outboundClosed;
    private readonly PendingRequests _pending;
    private readonly IRemotingRequestHandler? _handler;
    private readonly RemotingSettings _settings;
    private readonly ILogger _logger;
    private readonly Action<RemotingConnection>? _onClosed;
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _stopReading = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private TaskCompletionSource? _drained;
    private int _nextOpaque;
    private int _inFlight;
    private int _closeStarted;
    private bool _stopping;

    internal RemotingConnection(
        Socket socket,
        IRemotingRequestHandler? handler,
        RemotingSettings settings,
        ILogger logger,
        Action<RemotingConnection>? onClosed,
        AddressWarnings? warnings = null)
    {
        _warnings = warnings;
        _socket = socket;
        _handler = handler;
        _settings = settings;
        _logger = logger;
        _onClosed = onClosed;
        socket.NoDelay = true;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        RemoteAddress = FormatAddress(RemoteEndPoint);
        _pending = new PendingRequests(RemoteAddress);
        var stream = new NetworkStream(socket, ownsSocket: false);
        // Buffers of 64 KiB each way: the pipes' 4 KiB defaults cost one recv per 4 KiB read and
        // one send per 4 KiB segment of a flush (three or four 1 KiB messages), the largest
        // per-message cost of the send path.
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: IoBufferSize, minimumReadSize: IoBufferSize / 4, leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: IoBufferSize, leaveOpen: true));
    }

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The peer as <c>ip:port</c> (IPv4-mapped addresses shown as IPv4), as RocketMQ prints it.</summary>
    public string RemoteAddress { get; }

    public bool IsClosed => Volatile.Read(ref _closeStarted) != 0;

    /// <summary>The log of the server or client that owns this connection.</summary>
    internal ILogger Logger => _logger;

    /// <summary>Completes once the connection is fully closed.</summary>
    public Task Completion => _closed.Task;

    /// <summary>Requests from the peer that are being handled now.</summary>
    public int InFlightRequests => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Sends a request to the peer and waits for the response with the same opaque. The task
    /// completes on a worker shared with the other responses of the same read: a continuation
    /// that blocks holds those back (and deadlocks if it waits for one of them).
    /// Throws <see cref="RemotingTimeoutException"/> after <paramref name="timeout"/> and
    /// <see cref="RemotingConnectionException"/> if the connection closes first.
    /// </summary>
    public Task<RemotingCommand> InvokeAsync(RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<RemotingCommand>(cancellationToken);
        }

        int opaque = Interlocked.Increment(ref _nextOpaque);
        request.Opaque = opaque;
        request.SerializeType = _settings.RequestSerializeType;
        request.Flag &= ~(RemotingCommand.ResponseFlag | RemotingCommand.OnewayFlag);
        var waiter = _pending.Add(opaque, request.Code, timeout);
        if (IsClosed || !Enqueue(request))
        {
            _pending.TryRemove(opaque, out _);
            return Task.FromException<RemotingCommand>(ClosedException());
        }

        // Whoever completes the waiter (response, deadline, close) has already removed it.
        return cancellationToken.CanBeCanceled ? WaitCancellableAsync(waiter, opaque, cancellationToken) : waiter.Task;
    }

    private async Task<RemotingCommand> WaitCancellableAsync(PendingRequest waiter, int opaque, CancellationToken cancellationToken)
    {
        try
        {
            using var registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingRequest)state!).CancelLater(token), waiter);
            return await waiter.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(opaque, out _);
        }
    }

    /// <summary>Queues a one-way request (flag bit 1 set); the peer sends nothing back.</summary>
    public void InvokeOneway(RemotingCommand request)
    {
        request.Opaque = Interlocked.Increment(ref _nextOpaque);
        request.SerializeType = _settings.RequestSerializeType;
        request.Flag = (request.Flag & ~RemotingCommand.ResponseFlag) | RemotingCommand.OnewayFlag;
        if (!Enqueue(request))
        {
            throw ClosedException();
        }
    }

    /// <summary>Queues a command exactly as given (e.g. a response produced later); false if closed.</summary>
    public bool TrySend(RemotingCommand command) => Enqueue(command);

    private bool Enqueue(RemotingCommand command)
    {
        if (Volatile.Read(ref _outboundClosed) != 0)
        {
            return false;
        }

        if (!TryReserveOutbound(command))
        {
            return false;
        }

        _outbound.Enqueue(command);
        if (!IsWriteHeld)
        {
            WakeWriter();
        }

        return true;
    }

    private void WakeWriter()
    {
        if (Interlocked.Exchange(ref _writeWakePending, 1) == 0)
        {
            _writeSignal.Release();
        }
    }

    internal void Start()
    {
        // The write loop first: the read loop may close the connection at once, and closing
        // waits for whichever loops have been started.
        _writeLoop = Task.Run(WriteLoopAsync);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>
    /// Graceful stop: read no more requests, let running ones finish (bounded by
    /// <paramref name="timeout"/>), flush their responses, then close.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, drained);
        Volatile.Write(ref _stopping, true);
        _stopReading.Cancel();
        if (Volatile.Read(ref _inFlight) == 0)
        {
            drained.TrySetResult();
        }

        try
        {
            await drained.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.StopTimedOut(_logger, RemoteAddress, InFlightRequests);
        }

        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Closes at once: queued frames get a short chance to flush, pending invocations fail.</summary>
    public Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) != 0)
        {
            return _closed.Task;
        }

        return CloseCoreAsync();
    }

    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    private async Task CloseCoreAsync()
    {
        Volatile.Write(ref _outboundClosed, 1);
        WakeWriter();
        _stopReading.Cancel();
        try
        {
            await _writeLoop.WaitAsync(_settings.CloseFlushTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.FlushTimedOut(_logger, RemoteAddress);
        }

        _socket.Dispose();
        try
        {
            _closing.Cancel();
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        finally
        {
            // Whatever went wrong in a loop (a bug, re-thrown to the caller), the connection
            // still ends up closed, its waiters failed and its owner told.
            FailPending();
            _closed.TrySetResult();
            _onClosed?.Invoke(this);
        }
    }

    private void FailPending() => _pending.FailAll(ClosedException);

    private RemotingConnectionException ClosedException() =>
        new("connection to <" + RemoteAddress + "> is closed");


    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _writeSignal.WaitAsync().ConfigureAwait(false);
                // Cleared before draining: a frame queued from here on wakes the loop again.
                Volatile.Write(ref _writeWakePending, 0);
                bool closing = Volatile.Read(ref _outboundClosed) != 0;
                long written = 0;
                while (_outbound.TryDequeue(out var command))
                {
                    FrameEncoder.Write(_writer, command);
                    written += EstimateLength(command);
                }

                var flush = await _writer.FlushAsync().ConfigureAwait(false);
                // Taken by the socket (a slow reader keeps the flush above waiting).
                Sent(written);
                if (flush.IsCompleted || closing)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Log.IoEnded(_logger, RemoteAddress, ex.Message);
        }
        finally
        {
            await CompleteWriterAsync().ConfigureAwait(false);
            _ = CloseAsync();
        }
    }

    /// <summary>Completing the writer flushes what is left; a peer that already reset the socket makes that fail, which is fine now.</summary>
    private async Task CompleteWriterAsync()
    {
        try
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            Log.IoEnded(_logger, RemoteAddress, ex.Message);
        }
    }

    internal static string FormatAddress(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        return address + ":" + endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
