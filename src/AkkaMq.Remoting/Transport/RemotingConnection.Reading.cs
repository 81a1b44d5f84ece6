using System.Buffers;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Remoting.Transport;

/// <summary>The read side of a connection: frames read, responses matched to their waiters, requests handed to the handler.</summary>
public sealed partial class RemotingConnection
{
    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _inFlight) >= _settings.MaxRequestsInFlight)
                {
                    await WaitForRoomAsync().ConfigureAwait(false);
                }

                var result = await _reader.ReadAsync(_stopReading.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                var buffer = result.Buffer;
                var status = DispatchFrames(ref buffer);
                if (status == DispatchStatus.Paused)
                {
                    // Complete frames are left unread: the next read returns them at once.
                    _reader.AdvanceTo(buffer.Start);
                    continue;
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (status == DispatchStatus.Malformed || result.IsCompleted)
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
            await _reader.CompleteAsync().ConfigureAwait(false);
            if (!Volatile.Read(ref _stopping))
            {
                _ = CloseAsync();
            }
        }
    }

    private enum DispatchStatus
    {
        NeedMoreData,
        Paused,
        Malformed,
    }

    /// <summary>Dispatches the complete frames in the buffer, stopping early at the in-flight cap.</summary>
    private DispatchStatus DispatchFrames(ref ReadOnlySequence<byte> buffer)
    {
        // Answers handlers give at once leave together when the frames of this read are dispatched.
        HoldWrites();
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _inFlight) >= _settings.MaxRequestsInFlight)
                {
                    return DispatchStatus.Paused;
                }

                var read = FrameDecoder.TryReadFrame(ref buffer, _settings.MaxFrameLength, out var command);
                switch (read.Status)
                {
                    case FrameReadStatus.NeedMoreData:
                        return DispatchStatus.NeedMoreData;
                    case FrameReadStatus.Malformed:
                        if (TryWarn(out int suppressed))
                        {
                            Log.MalformedFrame(_logger, RemoteAddress, read.Reason!, suppressed);
                        }

                        return DispatchStatus.Malformed;
                    default:
                        Dispatch(command!);
                        break;
                }
            }
        }
        finally
        {
            ReleaseWrites();
            DispatchResponses();
        }
    }

    private void Dispatch(RemotingCommand command)
    {
        if (command.IsResponse)
        {
            if (_pending.TryRemove(command.Opaque, out var waiter))
            {
                _responses.Add((waiter, command));
            }
            else
            {
                Log.UnmatchedResponse(_logger, command.Opaque, RemoteAddress);
            }

            return;
        }

        Interlocked.Increment(ref _inFlight);
        _ = HandleRequestAsync(command);
    }

    /// <summary>Hands the responses of this read to one worker (see <see cref="ResponseBatch"/>).</summary>
    private void DispatchResponses()
    {
        if (_responses.Count == 0)
        {
            return;
        }

        var batch = _responses;
        _responses = new List<(PendingRequest, RemotingCommand)>(batch.Count);
        ResponseBatch.Dispatch(batch);
    }

    private async Task HandleRequestAsync(RemotingCommand request)
    {
        try
        {
            // One state machine per request: the handler is awaited here, not in a helper of its own.
            RemotingCommand? response;
            if (_handler is null)
            {
                response = request.CreateRequestCodeNotSupportedResponse();
            }
            else
            {
                try
                {
                    response = await _handler.HandleAsync(this, request, _closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_closing.IsCancellationRequested)
                {
                    response = null;
                }
                catch (Exception ex)
                {
                    // The handler boundary: like Java, any failure of one request becomes a
                    // SYSTEM_ERROR answer for that request and never takes the connection down.
                    Log.HandlerFailed(_logger, ex, request.Code, RemoteAddress);
                    response = request.CreateResponse(ResponseCode.SystemError, ex.GetType().Name + ": " + ex.Message);
                }
            }

            if (response is not null && !request.IsOneway)
            {
                response.Opaque = request.Opaque;
                response.SerializeType = request.SerializeType;
                response.MarkResponse();
                Enqueue(response);
            }
        }
        finally
        {
            int left = Interlocked.Decrement(ref _inFlight);
            WakeReaderIfRoom(left);
            if (left == 0 && Volatile.Read(ref _stopping))
            {
                Volatile.Read(ref _drained)?.TrySetResult();
            }
        }
    }
}
