using System.Buffers;

namespace AkkaMq.Broker.Replication;

/// <summary>One follower connection on the master: identity from HELLO, progress from FETCH, the batch held for it.</summary>
internal sealed class FollowerSession(string address)
{
    private readonly object _lock = new();
    private int _fetching;
    private ArrayBufferWriter<byte>? _batchBuffer;
    private long _outstanding;
    private long _written;
    private long _flushed;
    private long _transferFrom;
    private DateTimeOffset? _lastCaughtUp;
    private DateTimeOffset _speedSince;
    private long _speedFrom;
    private long _bytesPerSecond;
    private long _endAtAnswer = long.MaxValue;

    public string Address { get; } = address;

    public bool Hello { get; private set; }

    /// <summary>The master's readable offset as told in the last FETCH answer (read and written by this session's one fetch in flight).</summary>
    public long ReadableSent { get; set; } = long.MaxValue;

    public long BrokerId { get; private set; }

    public string NodeName { get; private set; } = "";

    /// <summary>The master epoch this follower said HELLO in; its fetches count only in that epoch.</summary>
    public int HelloEpoch { get; private set; }

    public void SayHello(long brokerId, string nodeName, long endOffset, int masterEpoch = 0)
    {
        lock (_lock)
        {
            BrokerId = brokerId;
            HelloEpoch = masterEpoch;
            _endAtAnswer = long.MaxValue;
            NodeName = nodeName;
            _written = endOffset;
            _transferFrom = endOffset;
            _speedFrom = endOffset;
            _speedSince = default;
            Hello = true;
        }
    }

    public bool TryBeginFetch() => Interlocked.CompareExchange(ref _fetching, 1, 0) == 0;

    /// <summary>
    /// The buffer this follower's batches are read into, emptied: one per session, reused by every
    /// fetch, so a busy stream does not allocate (and zero) a large array per answer. The follower
    /// sends its next fetch only after it has the previous answer, so the answer's bytes have been
    /// written out before they are overwritten; a peer that sends fetches without waiting for the
    /// answers can only spoil its own batches, which a follower's CRC checks refuse.
    /// </summary>
    public ArrayBufferWriter<byte> BatchBuffer(int capacity)
    {
        var buffer = _batchBuffer ??= new ArrayBufferWriter<byte>(capacity);
        buffer.ResetWrittenCount();
        return buffer;
    }

    public void EndFetch() => Volatile.Write(ref _fetching, 0);

    /// <summary>The batch now sent to the follower (held until its next FETCH).</summary>
    public void Hold(long bytes) => Interlocked.Exchange(ref _outstanding, bytes);

    /// <summary>The master's end when the answer just sent was read: a report at or past it held everything the master had then.</summary>
    public void Answered(long masterEnd)
    {
        lock (_lock)
        {
            _endAtAnswer = masterEnd;
        }
    }

    public long TakeOutstanding() => Interlocked.Exchange(ref _outstanding, 0);

    /// <summary>
    /// Records a FETCH's report; true when the follower is caught up: it holds everything the master has now, or
    /// everything the master had when it read the previous answer (under steady load the log grows during every
    /// round trip, so a follower keeping up is rarely level with the master's end at the moment it reports).
    /// </summary>
    public bool Report(long written, long flushed, long masterEnd, DateTimeOffset now)
    {
        lock (_lock)
        {
            _written = written;
            _flushed = flushed;
            bool caughtUp = written >= masterEnd || written >= _endAtAnswer;
            if (caughtUp)
            {
                _lastCaughtUp = now;
            }
            if (_speedSince == default)
            {
                (_speedSince, _speedFrom) = (now, written);
            }
            else if (now - _speedSince >= TimeSpan.FromSeconds(1))
            {
                _bytesPerSecond = (long)((written - _speedFrom) / (now - _speedSince).TotalSeconds);
                (_speedSince, _speedFrom) = (now, written);
            }

            return caughtUp;
        }
    }

    public FollowerStatus Snapshot(long masterEnd, DateTimeOffset now, TimeSpan inSyncWindow)
    {
        lock (_lock)
        {
            bool inSync = _lastCaughtUp is { } t && now - t <= inSyncWindow;
            return new FollowerStatus(BrokerId, NodeName, Address, _written, _flushed, Math.Max(0, masterEnd - _written),
                _lastCaughtUp, _bytesPerSecond, _transferFrom, inSync);
        }
    }
}
