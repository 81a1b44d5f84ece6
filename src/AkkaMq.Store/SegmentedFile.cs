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
    private readonly ILogger _logger;
    private volatile MappedSegment[] _segments = [];

    public SegmentedFile(string directory, long segmentSize, ILogger logger)
    {
        Directory = directory;
        SegmentSize = segmentSize;
        _logger = logger;
    }

    public string Directory { get; }

    public long SegmentSize { get; }

    public IReadOnlyList<MappedSegment> Segments => _segments;

    public MappedSegment? Last => _segments is { Length: > 0 } s ? s[^1] : null;

    public MappedSegment? First => _segments is { Length: > 0 } s ? s[0] : null;

    public static string FileName(long offset) => offset.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Maps the existing files. Foreign names are logged and left alone; a gap is corruption.</summary>
    public void Load()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var found = new List<long>();
        foreach (string path in System.IO.Directory.EnumerateFileSystemEntries(Directory))
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                && start % SegmentSize == 0 && File.Exists(path))
            {
                found.Add(start);
            }
            else if (name.Length == 20 + MappedSegment.TempSuffix.Length && name.EndsWith(MappedSegment.TempSuffix, StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                _logger.LogInformation("Removing {Path}: a segment whose creation was interrupted", path);
                File.Delete(path);
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
            segments[i] = MappedSegment.Open(System.IO.Path.Combine(Directory, FileName(found[i])), found[i], SegmentSize);
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
        System.IO.Directory.CreateDirectory(Directory);
        MappedSegment created = MappedSegment.Create(System.IO.Path.Combine(Directory, FileName(startOffset)), startOffset, SegmentSize);
        var next = new MappedSegment[s.Length + 1];
        s.CopyTo(next, 0);
        next[^1] = created;
        _segments = next;
        return created;
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
        MappedSegment[] s = _segments;
        _segments = [];
        foreach (MappedSegment seg in s)
        {
            seg.Retire(deleteFile: false);
        }
    }
}
