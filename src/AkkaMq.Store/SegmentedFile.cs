using System.Globalization;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Store;

/// <summary>
/// A run of equally sized mapped files named by their 20-digit start offset (the commit log, and
/// each consume queue). The segment list is an immutable array replaced on change, so readers
/// take a snapshot without locks; only the single writer (and retention, which the owner
/// serialises with it) changes it.
/// </summary>
public sealed class SegmentedFile : IDisposable
{
    /// <summary>Pause between 4 MiB chunks of a background zero fill: about 2 s per GiB instead of 0.6 s at full disk speed (measured).</summary>
    private static readonly TimeSpan FillPause = TimeSpan.FromMilliseconds(5);

    private readonly ILogger _logger;
    private readonly StoreDevice _device;
    private readonly bool _prepareNext;
    private readonly Lock _preparationLock = new();
    private volatile MappedSegment[] _segments = [];
    private Preparation? _preparation;
    private readonly List<Preparation> _abandoned = [];
    private bool _disposed;

    /// <param name="prepareNext">
    /// Keep the next segment ready ahead of the writer: zero-filled and synced in the background
    /// (see <see cref="MappedSegment.WriteZeroFilled"/>), so flushes into it are overwrites of
    /// written blocks. For the commit log, whose flush is on the path of every durable send.
    /// </param>
    /// <param name="device">Where the files live (the local disk when null).</param>
    public SegmentedFile(string directory, long segmentSize, ILogger logger, bool prepareNext = false, StoreDevice? device = null)
    {
        _device = device ?? StoreDevice.Local;
        Directory = directory;
        SegmentSize = segmentSize;
        _logger = logger;
        _prepareNext = prepareNext;
    }

    public string Directory { get; }

    public long SegmentSize { get; }

    public IReadOnlyList<MappedSegment> Segments => _segments;

    /// <summary>Start offset of the next segment when it has been zero-filled ahead and is ready to take, else null.</summary>
    public long? ReadyPreparedOffset
    {
        get
        {
            lock (_preparationLock)
            {
                return _preparation is { Ready: true } p ? p.Start : null;
            }
        }
    }

    /// <summary>How many segments were taken ready-made rather than allocated when the writer reached them.</summary>
    public int PreparedSegmentsUsed { get; private set; }

    /// <summary>How many background zero fills were started (none when the file does not prepare segments ahead).</summary>
    public int PreparationsStarted { get; private set; }

    public MappedSegment? Last => _segments is { Length: > 0 } s ? s[^1] : null;

    public MappedSegment? First => _segments is { Length: > 0 } s ? s[0] : null;

    public static string FileName(long offset) => offset.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Maps the existing files. Foreign names are logged and left alone; a gap is corruption.</summary>
    public void Load()
    {
        _device.CreateDirectoryDurably(Directory);
        var found = new List<long>();
        foreach (string path in _device.EnumerateEntries(Directory))
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                && start % SegmentSize == 0 && _device.FileExists(path))
            {
                found.Add(start);
            }
            else if (name.Length > 20 && name.AsSpan(20) is MappedSegment.TempSuffix or MappedSegment.PreparedSuffix
                && long.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                _logger.LogInformation("Removing {Path}: a segment whose creation was interrupted, or one made ahead and not used", path);
                _device.DeleteFile(path);
            }
            else
            {
                _logger.LogWarning("Ignoring {Path}: not a store segment (20-digit multiple of {Size}); left untouched", path, SegmentSize);
            }
        }
        found.Sort();
        var segments = new MappedSegment[found.Count];
        for (int i = 0; i < found.Count; i++)
        {
            if (i > 0 && found[i] != found[i - 1] + SegmentSize)
            {
                throw new StoreCorruptedException(
                    $"{Directory}: segment {FileName(found[i - 1] + SegmentSize)} is missing between {FileName(found[i - 1])} and {FileName(found[i])}.");
            }
            segments[i] = MappedSegment.Open(_device, System.IO.Path.Combine(Directory, FileName(found[i])), found[i], SegmentSize);
        }
        _segments = segments;
    }

    /// <summary>The segment holding <paramref name="offset"/>, or null. The caller must not use it after retention could run unless it acquired it.</summary>
    public MappedSegment? Find(long offset)
    {
        MappedSegment[] s = _segments;
        if (s.Length == 0 || offset < s[0].StartOffset)
        {
            return null;
        }
        long i = (offset - s[0].StartOffset) / SegmentSize;
        return i < s.Length ? s[i] : null;
    }

    /// <summary>Creates the segment starting at <paramref name="startOffset"/> (the next after the last). Throws IOException on a full disk.</summary>
    public MappedSegment Create(long startOffset)
    {
        MappedSegment[] s = _segments;
        if (s.Length > 0 && startOffset != s[^1].EndOffset)
        {
            throw new InvalidOperationException($"Segment {startOffset} does not follow {s[^1].StartOffset}.");
        }
        _device.CreateDirectoryDurably(Directory);
        string path = System.IO.Path.Combine(Directory, FileName(startOffset));
        MappedSegment created = TakePrepared(startOffset) is { } prepared
            ? AdoptOrCreate(prepared, path, startOffset)
            : MappedSegment.Create(_device, path, startOffset, SegmentSize);
        var next = new MappedSegment[s.Length + 1];
        s.CopyTo(next, 0);
        next[^1] = created;
        _segments = next;
        PrepareNext();
        return created;
    }

    /// <summary>The prepared file for the segment at <paramref name="startOffset"/> when it is complete; otherwise null (the writer never waits for one).</summary>
    private string? TakePrepared(long startOffset)
    {
        lock (_preparationLock)
        {
            if (_preparation is { } p && p.Start == startOffset && p.Ready)
            {
                _preparation = null;
                p.Cancel.Dispose();
                PreparedSegmentsUsed++;
                return p.Path;
            }

            return null;
        }
    }

    private MappedSegment AdoptOrCreate(string prepared, string path, long startOffset)
    {
        try
        {
            return MappedSegment.Adopt(_device, prepared, path, startOffset, SegmentSize);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Could not use the prepared {Path}; allocating the segment instead", prepared);
            _device.DeleteFile(prepared);
            return MappedSegment.Create(_device, path, startOffset, SegmentSize);
        }
    }

    /// <summary>
    /// Starts zero-filling the segment after the last one (the first one when there is none) in
    /// the background, unless that is under way; an earlier preparation for another offset is
    /// abandoned. The owner calls this once the file is known to be writable; every
    /// <see cref="Create"/> then prepares the one after.
    /// </summary>
    public void PrepareNext()
    {
        if (!_prepareNext)
        {
            return;
        }

        long start = _segments is { Length: > 0 } s ? s[^1].EndOffset : 0;
        lock (_preparationLock)
        {
            if (_disposed || _preparation?.Start == start)
            {
                return;
            }

            if (_preparation is { } old)
            {
                Abandon(old);
            }

            var p = new Preparation(this, start, System.IO.Path.Combine(Directory, FileName(start) + MappedSegment.PreparedSuffix));
            // A thread of its own: the fill paces itself (see FillPause) for a second or two per GiB.
            p.Task = Task.Factory.StartNew(static state => ((Preparation)state!).Owner.Fill((Preparation)state!), p, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _preparation = p;
            PreparationsStarted++;
        }
    }

    private void Fill(Preparation p)
    {
        try
        {
            MappedSegment.WriteZeroFilled(_device, p.Path, SegmentSize, p.Cancel.Token, FillPause);
            p.Ready = true;
        }
        catch (OperationCanceledException)
        {
            // Abandoned or closing: the file is gone already.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not prepare {Path} ahead of the writer; the segment will be allocated when it is needed", p.Path);
        }
    }

    /// <summary>Cancels a preparation that will not be used; its file is removed once its task ends. Called under the lock.</summary>
    private void Abandon(Preparation p)
    {
        p.Cancel.Cancel();
        _abandoned.RemoveAll(static a =>
        {
            if (!a.Task.IsCompleted)
            {
                return false;
            }

            a.Cancel.Dispose();
            return true;
        });
        _abandoned.Add(p);
        p.Task.ContinueWith(static (_, state) => ((Preparation)state!).Owner.DeleteQuietly(((Preparation)state!).Path), p, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void DeleteQuietly(string path)
    {
        try
        {
            _device.DeleteFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Removed at the next start (its name marks it as a prepared file).
        }
    }

    /// <summary>Stops preparing and waits for background fills (they stop within one chunk), so nothing writes into the directory after Dispose.</summary>
    private void StopPreparing()
    {
        List<Preparation> running;
        lock (_preparationLock)
        {
            _disposed = true;
            running = [.. _abandoned];
            if (_preparation is { } p)
            {
                running.Add(p);
            }

            _preparation = null;
            _abandoned.Clear();
        }

        foreach (Preparation p in running)
        {
            p.Cancel.Cancel();
            p.Task.GetAwaiter().GetResult();
            DeleteQuietly(p.Path);
            p.Cancel.Dispose();
        }
    }

    private sealed class Preparation(SegmentedFile owner, long start, string path)
    {
        public SegmentedFile Owner { get; } = owner;

        public long Start { get; } = start;

        public string Path { get; } = path;

        public CancellationTokenSource Cancel { get; } = new();

        public Task Task { get; set; } = Task.CompletedTask;

        public volatile bool Ready;
    }

    /// <summary>Deletes every segment after the one holding <paramref name="offset"/> and zeroes the written part of [offset, segment end).</summary>
    public void TruncateTo(long offset)
    {
        MappedSegment[] s = _segments;
        int keep = 0;
        while (keep < s.Length && s[keep].StartOffset < offset)
        {
            keep++;
        }
        if (keep > 0 && offset < s[keep - 1].EndOffset)
        {
            ClearTail(s[keep - 1], offset - s[keep - 1].StartOffset);
        }
        _segments = s[..keep];
        for (int i = s.Length - 1; i >= keep; i--)
        {
            s[i].Retire(deleteFile: true);
        }
        if (keep < s.Length)
        {
            // Records past the truncation point must not come back with their file after a power cut.
            _device.SyncDirectory(Directory);
        }
    }

    /// <summary>
    /// Zeroes from <paramref name="from"/> until 1 MiB of zeros in a row (writes are sequential, so
    /// nothing of ours lies past that), then flushes. Zeroing the whole remainder of a fresh 1 GiB
    /// segment would dirty and write a gigabyte; stale records past a truncation point must go,
    /// or a later recovery would bring them back.
    /// </summary>
    private static unsafe void ClearTail(MappedSegment seg, long from)
    {
        const int Chunk = 64 * 1024;
        int zeroRun = 0;
        long p = from;
        while (p < seg.Size && zeroRun < 16)
        {
            var span = new Span<byte>(seg.Pointer + p, (int)Math.Min(Chunk - (p % Chunk), seg.Size - p));
            if (span.IndexOfAnyExcept((byte)0) < 0)
            {
                zeroRun++;
            }
            else
            {
                zeroRun = 0;
                span.Clear();
            }
            p += span.Length;
        }
        seg.Flush(from, p);
    }

    /// <summary>Deletes the first <paramref name="count"/> segments (retention). Readers holding them finish first.</summary>
    public void DeleteHead(int count)
    {
        MappedSegment[] s = _segments;
        count = Math.Min(count, s.Length);
        _segments = s[count..];
        for (int i = 0; i < count; i++)
        {
            s[i].Retire(deleteFile: true);
        }
    }

    /// <summary>msync of [from, to) across segments, or fdatasync of each file touching it (<paramref name="wholeFile"/>).</summary>
    public void Flush(long from, long to, bool wholeFile = false)
    {
        foreach (MappedSegment seg in _segments)
        {
            long a = Math.Max(from, seg.StartOffset);
            long b = Math.Min(to, seg.EndOffset);
            if (a < b && seg.TryAcquire())
            {
                try
                {
                    if (wholeFile)
                    {
                        seg.FlushFile();
                    }
                    else
                    {
                        seg.Flush(a - seg.StartOffset, b - seg.StartOffset);
                    }
                }
                finally
                {
                    seg.Release();
                }
            }
        }
    }

    public void Dispose()
    {
        StopPreparing();
        MappedSegment[] s = _segments;
        _segments = [];
        foreach (MappedSegment seg in s)
        {
            seg.Retire(deleteFile: false);
        }
    }
}
