namespace AkkaMq.Client;

/// <summary>
/// The messages of one assigned queue that were pulled but not yet consumed, keyed by queue
/// offset. The pull loop of the queue adds, consume tasks remove; both under <see cref="_lock"/>.
/// The committed offset is the lowest offset still here (or one past the highest ever added).
/// </summary>
internal sealed class ProcessQueue
{
    private readonly SortedDictionary<long, MessageExt> _messages = [];
    private readonly Lock _lock = new();
    private long _size;
    private long _maxOffset = -1;
    private volatile bool _dropped;
    private volatile bool _locked;

    public ProcessQueue(long nextOffset)
    {
        NextOffset = nextOffset;
    }

    /// <summary>Cancelled when the queue is dropped; stops its pull loop.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The queue's pull loop.</summary>
    public Task PullTask { get; set; } = Task.CompletedTask;

    /// <summary>Where the next pull starts; owned by the pull loop.</summary>
    public long NextOffset { get; set; }

    /// <summary>Broker id suggested by the last pull response; owned by the pull loop.</summary>
    public long SuggestedBrokerId { get; set; }

    public bool Dropped => _dropped;

    /// <summary>Orderly mode: this client holds the broker lock of the queue (41), renewed every 20 s.</summary>
    public bool Locked
    {
        get => _locked;
        set => _locked = value;
    }

    /// <summary>Orderly mode: 1 while a sequential consume run is scheduled or running.</summary>
    public int OrderlyRunScheduled;

    /// <summary>For running-info reports (307): when the queue was last pulled, consumed, locked (ms).</summary>
    public long LastPullTimestamp { get; set; }

    public long LastConsumeTimestamp { get; set; }

    public long LastLockTimestamp { get; set; }

    /// <summary>Lowest and highest cached offsets (0, 0 when empty).</summary>
    public (long Min, long Max) CachedRange()
    {
        lock (_lock)
        {
            if (_messages.Count == 0)
            {
                return (0, 0);
            }

            long min = -1;
            foreach (var entry in _messages)
            {
                min = entry.Key;
                break;
            }

            return (min, _messages.Keys.Max());
        }
    }

    /// <summary>The lowest-offset cached messages, at most <paramref name="max"/>, left in place.</summary>
    public List<MessageExt> PeekFirst(int max)
    {
        lock (_lock)
        {
            var first = new List<MessageExt>(Math.Min(max, _messages.Count));
            foreach (var entry in _messages)
            {
                if (first.Count == max)
                {
                    break;
                }

                first.Add(entry.Value);
            }

            return first;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count;
            }
        }
    }

    public long Size => Interlocked.Read(ref _size);

    /// <summary>Ends the pull loop; consumption already running still settles its offsets.</summary>
    public void StopPulling() => Cancellation.Cancel();

    /// <summary>The queue is no longer ours: pulls stop and pending results are ignored.</summary>
    public void Drop()
    {
        _dropped = true;
        Cancellation.Cancel();
    }

    public void Put(IReadOnlyList<MessageExt> messages)
    {
        lock (_lock)
        {
            foreach (var message in messages)
            {
                if (_messages.TryAdd(message.QueueOffset, message))
                {
                    _size += message.Body.Length;
                }

                _maxOffset = Math.Max(_maxOffset, message.QueueOffset);
            }
        }
    }

    /// <summary>Removes consumed messages; returns the offset to commit, or -1 when nothing was cached.</summary>
    public long Remove(IReadOnlyList<MessageExt> messages)
    {
        lock (_lock)
        {
            if (_messages.Count == 0)
            {
                return -1;
            }

            foreach (var message in messages)
            {
                if (_messages.Remove(message.QueueOffset))
                {
                    _size -= message.Body.Length;
                }
            }

            foreach (var entry in _messages)
            {
                return entry.Key;
            }

            return _maxOffset + 1;
        }
    }
}
