using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Replication;

/// <summary>Settings of a follower's stream.</summary>
/// <param name="MasterAddress">The master's replication address, host:port (its replication.advertise).</param>
/// <param name="Group">The broker group both belong to; a master of another group refuses.</param>
/// <param name="BrokerId">This follower's broker id (shown in the master's follower list).</param>
/// <param name="NodeName">This node's name, for the master's logs and status.</param>
public sealed record ReplicationFollowerOptions(string MasterAddress, string Group, long BrokerId, string NodeName)
{
    /// <summary>Answer timeout of one request; must exceed the master's fetch-wait.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First pause before reconnecting after a failure; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The newest master epoch known before the first answer (e.g. from the controller); answers from older epochs are refused.</summary>
    public int KnownEpoch { get; init; }
}

/// <summary>Records [From, To) of the commit log were appended from the master.</summary>
public readonly record struct ReplicatedRange(long From, long To);

/// <summary>
/// A follower's end of the replication stream (see <see cref="ReplicationProtocol"/>): says HELLO to
/// the master (truncating its log when told it diverges, or starting an empty log at the master's
/// first offset), then fetches in a loop and appends the records verbatim with
/// <see cref="MessageStore.AppendReplicated(ReadOnlySpan{byte}, long, EpochEntry)"/>. Each FETCH
/// reports its progress. An answer from a master epoch older than the newest this follower knows is
/// refused and the connection dropped. Reconnects with backoff until disposed. Starting it turns the
/// store's local appends off (<see cref="MessageStore.AcceptsLocalAppends"/>).
/// <para>
/// The stream runs on a thread of its own over a <see cref="BlockingChannel"/>: one request at a
/// time, the thread asleep in the kernel until the master answers, and each batch appended from the
/// channel's buffer as it arrived. No pool thread is woken per batch and no batch is copied before
/// it is appended, which keeps a follower's cost per replicated message low.
/// </para>
/// </summary>
public sealed class ReplicationFollower : IAsyncDisposable
{
    private readonly MessageStore _store;
    private readonly ReplicationFollowerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int _maxFrameLength;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _statusLock = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private BlockingChannel? _channel;
    private int _knownEpoch;
    private bool _connected;
    private long _masterEnd;
    private long _masterFlushed;
    private long _bytesPerSecond;
    private DateTimeOffset? _lastFetched;
    private DateTimeOffset? _lastAppended;
    private string? _lastError;
    private long _refusedAnswers;
    private long _failures;
    private readonly ManualResetEventSlim _fetching = new(initialState: true);

    public ReplicationFollower(MessageStore store, ReplicationFollowerOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (!HostPort.TryParse(options.MasterAddress, out _))
        {
            throw new ArgumentException($"Master address '{options.MasterAddress}' is not host:port.", nameof(options));
        }
        _store = store;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _knownEpoch = Math.Max(options.KnownEpoch, store.Epochs.Last?.Epoch ?? 0);
        long frame = store.Settings.MaxRecordSize + (64L * 1024 * 1024);
        _maxFrameLength = (int)Math.Min(int.MaxValue, frame);
    }

    /// <summary>Raised after each append of replicated records (wake long-polling pulls, reload state).</summary>
    public event Action<ReplicatedRange>? Appended;

    /// <summary>
    /// Stops fetching once the answer in flight is appended, keeping the connection: the follower falls
    /// behind as a slow or cut-off one would (a fault hook for drills and tests). <see cref="Resume"/> goes on.
    /// </summary>
    public void Suspend() => _fetching.Reset();

    /// <summary>Fetches again after <see cref="Suspend"/>.</summary>
    public void Resume() => _fetching.Set();

    /// <summary>The newest master epoch this follower has seen.</summary>
    public int KnownEpoch => Volatile.Read(ref _knownEpoch);

    /// <summary>Answers refused because they came from an epoch older than <see cref="KnownEpoch"/> (I4).</summary>
    public long RefusedAnswers => Interlocked.Read(ref _refusedAnswers);

    /// <summary>Connections given up (refusal, timeout, lost connection) since start; each is followed by a backoff and a new attempt.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public ReplicationFollowerStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                long written = _store.MaxPhysicalOffset;
                return new ReplicationFollowerStatus(_options.MasterAddress, _connected, KnownEpoch, written, _store.FlushedPhysicalOffset,
                    _masterEnd, Math.Max(0, _masterEnd - written), _bytesPerSecond, _lastFetched, _lastAppended, _lastError, _masterFlushed);
            }
        }
    }

    /// <summary>This follower's status for GET_BROKER_HA_STATUS.</summary>
    public ReplicationStatus GetStatus() => new(false, _store.MaxPhysicalOffset, [], Status);

    public void Start()
    {
        _store.AcceptsLocalAppends = false;
        _thread = new Thread(() => Run(_stop.Token)) { IsBackground = true, Name = "replication-follower" };
        _thread.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        // Wakes the stream's thread from a blocked read.
        Volatile.Read(ref _channel)?.Dispose();
        if (_thread is not null)
        {
            await _stopped.Task.ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    private void Run(CancellationToken stop)
    {
        try
        {
            RunStream(stop);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void RunStream(CancellationToken stop)
    {
        TimeSpan backoff = _options.MinBackoff;
        while (!stop.IsCancellationRequested)
        {
            BlockingChannel? channel = null;
            try
            {
                channel = BlockingChannel.Connect(_options.MasterAddress, RemotingSettings.Default.ConnectTimeout, _maxFrameLength, stop);
                // Published for DisposeAsync; one that missed it is closed by the finally below, as the loop sees the stop.
                Volatile.Write(ref _channel, channel);
                while (!stop.IsCancellationRequested)
                {
                    Hello(channel);
                    SetConnected(true, null);
                    backoff = _options.MinBackoff;
                    FetchLoop(channel, stop);
                }
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or RemotingConnectionException or ObjectDisposedException)
            {
                // Disposed: the channel was closed under the blocked call.
                break;
            }
            catch (Exception e) when (e is RemotingTimeoutException or RemotingConnectionException or IOException
                or System.Net.Sockets.SocketException or ReplicationRefusedException or FormatException)
            {
                SetConnected(false, e.Message);
                Interlocked.Increment(ref _failures);
                _logger.LogWarning("Replication from {Master}: {Reason}; retrying in {Backoff}", _options.MasterAddress, e.Message, backoff);
            }
            catch (Exception e)
            {
                if (stop.IsCancellationRequested)
                {
                    // Stopping: whatever the closed channel or a closing store threw ends the stream.
                    _logger.LogDebug(e, "Replication from {Master} ended while stopping", _options.MasterAddress);
                    break;
                }
                // A store that cannot be truncated or written, or a failing Appended handler: keep trying, loudly.
                SetConnected(false, e.Message);
                Interlocked.Increment(ref _failures);
                _logger.LogError(e, "Replication from {Master} failed; retrying in {Backoff}", _options.MasterAddress, backoff);
            }
            finally
            {
                Interlocked.CompareExchange(ref _channel, null, channel);
                channel?.Dispose();
            }
            if (stop.WaitHandle.WaitOne(backoff))
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        }
        SetConnected(false, null);
    }

    private void Hello(BlockingChannel channel)
    {
        for (int attempt = 0; ; attempt++)
        {
            var request = RemotingCommand.CreateRequest(ReplicationProtocol.HelloRequest, body: ReplicationProtocol.EncodeEpochs(_store.Epochs.Entries));
            request.ExtFields[ReplicationProtocol.Group] = _options.Group;
            request.ExtFields[ReplicationProtocol.BrokerId] = ReplicationProtocol.Text(_options.BrokerId);
            request.ExtFields[ReplicationProtocol.NodeName] = _options.NodeName;
            request.ExtFields[ReplicationProtocol.EndOffset] = ReplicationProtocol.Text(_store.MaxPhysicalOffset);
            request.ExtFields[ReplicationProtocol.MinOffset] = ReplicationProtocol.Text(_store.MinPhysicalOffset);
            request.ExtFields[ReplicationProtocol.SegmentSize] = ReplicationProtocol.Text(_store.Settings.CommitLogSegmentSize);
            RemotingCommand response = channel.Invoke(request, _options.RequestTimeout);
            if (response.Code is not (ReplicationProtocol.Ok or ReplicationProtocol.Truncate))
            {
                throw new ReplicationRefusedException($"hello refused ({response.Code}): {response.Remark}");
            }
            AcceptEpoch(ReplicationProtocol.Int(response, ReplicationProtocol.MasterEpoch));
            long masterMin = ReplicationProtocol.Long(response, ReplicationProtocol.MasterMinOffset);
            lock (_statusLock)
            {
                _masterEnd = ReplicationProtocol.Long(response, ReplicationProtocol.MasterEndOffset);
            }
            if (response.Code == ReplicationProtocol.Truncate)
            {
                if (attempt >= 3)
                {
                    throw new ReplicationRefusedException("the master keeps asking for truncation; giving up this connection");
                }
                long to = ReplicationProtocol.Long(response, ReplicationProtocol.TruncateTo);
                _logger.LogWarning("Log diverges from master {Master}: truncating from {End} to {To}", _options.MasterAddress, _store.MaxPhysicalOffset,
                    to < 0 ? "empty" : to);
                // Below this log's first kept offset nothing can be kept: empty the log.
                _store.TruncateTo(to < _store.MinPhysicalOffset ? _store.MinPhysicalOffset : to);
                continue;
            }
            bool empty = _store.MaxPhysicalOffset == _store.MinPhysicalOffset;
            if (empty && (_store.MaxPhysicalOffset != masterMin || _store.Epochs.Entries.Count > 0))
            {
                _logger.LogInformation("Empty log starts at the master's first offset {Offset}", masterMin);
                _store.StartAt(masterMin);
            }
            return;
        }
    }

    private void FetchLoop(BlockingChannel channel, CancellationToken stop)
    {
        DateTimeOffset speedSince = _time.GetUtcNow();
        long speedFrom = _store.MaxPhysicalOffset;
        while (!stop.IsCancellationRequested)
        {
            if (!_fetching.IsSet)
            {
                // Suspended: the stream's own thread sleeps until Resume (or the stop) and holds nothing else up.
                _fetching.Wait(stop);
            }

            long offset = _store.MaxPhysicalOffset;
            var request = RemotingCommand.CreateRequest(ReplicationProtocol.FetchRequest);
            request.ExtFields[ReplicationProtocol.Offset] = ReplicationProtocol.Text(offset);
            request.ExtFields[ReplicationProtocol.FlushedOffset] = ReplicationProtocol.Text(_store.FlushedPhysicalOffset);
            request.ExtFields[ReplicationProtocol.KnownEpoch] = ReplicationProtocol.Text(KnownEpoch);
            RemotingCommand response = channel.Invoke(request, _options.RequestTimeout);
            if (response.Code == ReplicationProtocol.OffsetUnavailable)
            {
                _logger.LogInformation("Master {Master} cannot serve offset {Offset}: {Remark}", _options.MasterAddress, offset, response.Remark);
                return;
            }
            if (response.Code != ReplicationProtocol.Ok)
            {
                throw new ReplicationRefusedException($"fetch refused ({response.Code}): {response.Remark}");
            }
            AcceptEpoch(ReplicationProtocol.Int(response, ReplicationProtocol.MasterEpoch));
            var epoch = new EpochEntry(ReplicationProtocol.Int(response, ReplicationProtocol.RecordsEpoch),
                ReplicationProtocol.Long(response, ReplicationProtocol.RecordsEpochStart));
            DateTimeOffset now = _time.GetUtcNow();
            lock (_statusLock)
            {
                _masterEnd = ReplicationProtocol.Long(response, ReplicationProtocol.MasterEndOffset);
                _masterFlushed = ReplicationProtocol.Long(response, ReplicationProtocol.MasterFlushedOffset);
                _lastFetched = now;
            }
            // Consumers of this follower read what the group's in-sync members hold, no further (set once the
            // HELLO's truncation is done, so a demoted master's own tail stays hidden until then).
            long readable = ReplicationProtocol.LongOr(response, ReplicationProtocol.ReadableOffset, -1);
            _store.ReadableOffset = readable < 0 ? long.MaxValue : readable;
            if (response.Body.Length == 0)
            {
                continue;
            }
            ReplicaAppendStatus appended = _store.AppendReplicated(response.Body.Span, offset, epoch);
            if (appended != ReplicaAppendStatus.Ok)
            {
                throw new ReplicationRefusedException($"records from {offset} not appended: {appended}");
            }
            long to = _store.MaxPhysicalOffset;
            lock (_statusLock)
            {
                _lastAppended = now;
                if (now - speedSince >= TimeSpan.FromSeconds(1))
                {
                    _bytesPerSecond = (long)((to - speedFrom) / (now - speedSince).TotalSeconds);
                    (speedSince, speedFrom) = (now, to);
                }
            }
            Appended?.Invoke(new ReplicatedRange(offset, to));
        }
    }

    /// <summary>I4: an answer from a master epoch older than the newest known one is refused, nothing of it used.</summary>
    private void AcceptEpoch(int masterEpoch)
    {
        int known = KnownEpoch;
        if (masterEpoch < known)
        {
            Interlocked.Increment(ref _refusedAnswers);
            throw new ReplicationRefusedException($"the master answers in epoch {masterEpoch}, older than epoch {known} already known; disconnecting");
        }
        Volatile.Write(ref _knownEpoch, masterEpoch);
    }

    private void SetConnected(bool connected, string? error)
    {
        lock (_statusLock)
        {
            _connected = connected;
            _lastError = error ?? (connected ? null : _lastError);
        }
    }
}

/// <summary>The master refused a request or answered in a way the follower must not accept.</summary>
public sealed class ReplicationRefusedException(string message) : Exception(message);
