namespace AkkaMq.Store;

/// <summary>
/// A view of stored record bytes inside a mapped segment. The segment stays mapped until
/// <see cref="Dispose"/>, even if retention or truncation retires it meanwhile, so the bytes can
/// be written to a socket straight from the page cache. Dispose exactly once.
/// </summary>
public readonly struct StoredBytes : IDisposable
{
    private readonly MappedSegment? _segment;
    private readonly long _position;

    internal StoredBytes(MappedSegment segment, long position, int length)
    {
        _segment = segment;
        _position = position;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _segment is null ? default : _segment.Span(_position, Length);

    public void Dispose() => _segment?.Release();
}

/// <summary>A verified query hit: the record's place and store time.</summary>
public readonly record struct QueryHit(long CommitLogOffset, int Size, long StoreTimestamp);
