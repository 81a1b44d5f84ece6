using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>
/// Fatal store errors. Once the commit log cannot be made durable (read-only file system, I/O
/// error, device gone, <see cref="FatalFlushFailures"/> flushes failing in a row) the store refuses
/// every further append with <see cref="AppendStatus.StoreFailed"/> and every flush of data it could
/// not write throws, so nothing it could not make durable is ever acknowledged; reads go on where
/// the files still answer. The broker reports <see cref="FatalError"/> so that another member takes over.
/// </summary>
public sealed partial class MessageStore
{
    /// <summary>Commit-log flushes failing one after another (whatever the error) that make the store fail.</summary>
    public const int FatalFlushFailures = 3;

    private string? _fatalError;
    private int _flushFailures;

    /// <summary>Why the store stopped writing (names the file and the error), or null while it works.</summary>
    public string? FatalError => Volatile.Read(ref _fatalError);

    /// <summary>
    /// Raised once, with <see cref="FatalError"/>, on the thread that met the failure (the writer,
    /// a flush or the background loop): handlers must return quickly and must not wait for the store.
    /// </summary>
    public event Action<string>? Failed;

    /// <summary>Marks the store failed (as a fatal disk error would): appends are refused from now on. For tests and operators.</summary>
    public void Fail(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        MarkFailed(reason);
    }

    /// <summary>
    /// A flush of the commit log. After the store failed, a flush that would have to cover data
    /// written before the failure throws: that data may never have reached the disk.
    /// </summary>
    private void FlushLog()
    {
        if (FatalError is { } fatal && _log.FlushedOffset < _log.MaxOffset)
        {
            throw StoreErrors.WithErrno(StoreErrors.EIO, "the store failed, data not made durable: " + fatal);
        }

        long before = _log.FlushedOffset;
        long flushed;
        try
        {
            flushed = _log.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            int failures = Interlocked.Increment(ref _flushFailures);
            string? kind = StoreErrors.FatalKind(e);
            if (kind is not null || failures >= FatalFlushFailures)
            {
                MarkFailed($"commit-log flush in {_log.Directory} failed: {kind ?? $"{failures} failures in a row"}: {e.Message}");
            }

            throw;
        }

        Volatile.Write(ref _flushFailures, 0);
        if (flushed > before)
        {
            Interlocked.Increment(ref _flushCount);
        }
    }

    /// <summary>
    /// A write into the commit log (pwrite of a batch, or creating a segment) failed with
    /// <paramref name="error"/>. A failed pwrite is always fatal: the records reserved for it are
    /// lost while the log's end has moved past them. A segment that cannot be created is fatal
    /// unless the disk is full (then appends are refused as DiskFull until space returns).
    /// </summary>
    private void OnWriteFailed(string what, Exception error, bool alwaysFatal)
    {
        string? kind = StoreErrors.FatalKind(error);
        if (kind is not null || alwaysFatal)
        {
            MarkFailed($"{what} failed: {kind ?? "write error"}: {error.Message}");
        }
    }

    /// <summary>A background flush or checkpoint failed: fatal when the error is.</summary>
    private void OnBackgroundFailed(Exception error)
    {
        if (StoreErrors.FatalKind(error) is { } kind)
        {
            MarkFailed($"store flush/checkpoint in {_settings.Dir} failed: {kind}: {error.Message}");
        }
    }

    private void MarkFailed(string reason)
    {
        if (Interlocked.CompareExchange(ref _fatalError, reason, null) is not null)
        {
            return;
        }

        _logger.LogCritical("Store failed, appends refused from now on, reads go on: {Reason}", reason);
        Action<string>? failed = Failed;
        if (failed is null)
        {
            return;
        }

        foreach (Action<string> handler in failed.GetInvocationList().Cast<Action<string>>())
        {
            try
            {
                handler(reason);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A store-failure handler threw");
            }
        }
    }
}
