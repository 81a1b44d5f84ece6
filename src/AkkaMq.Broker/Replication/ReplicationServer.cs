using System.Collections.Concurrent;
using System.Net;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaMq.Broker.Replication;

/// <summary>Settings of a master's replication listener.</summary>
/// <param name="Listen">Where to listen (port 0: any free port, read it from <see cref="ReplicationServer.LocalEndPoint"/>).</param>
public sealed record ReplicationServerOptions(IPEndPoint Listen)
{
    /// <summary>Largest FETCH answer body (a single larger record still travels alone).</summary>
    public int MaxBatchSize { get; init; } = 1024 * 1024;

    /// <summary>How long a FETCH with nothing new to send is held before an empty answer.</summary>
    public TimeSpan FetchWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a FETCH that found less than a quarter of <see cref="MaxBatchSize"/> waits once for more
    /// before it is answered (zero: answered at once). Fewer, larger batches cost both ends less CPU
    /// per record; only async replication should use it, since sync acknowledgements wait for the answer.
    /// </summary>
    public TimeSpan BatchDelay { get; init; } = TimeSpan.Zero;

    /// <summary>A follower that last held everything the master had longer ago than this is not in sync (RocketMQ haMaxTimeSlaveNotCatchup).</summary>
    public TimeSpan InSyncWindow { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The master's end of the replication stream (see <see cref="ReplicationProtocol"/>): serves HELLO and
/// FETCH from followers out of <see cref="MessageStore"/> reads, holds a FETCH until the log grows
/// (<see cref="NotifyAppended"/>) or FetchWait passes, and keeps each follower's reported progress.
/// A follower has at most one FETCH in flight, so the master holds at most one batch per follower
/// (<see cref="BufferedBatchBytes"/>), however slow the follower. Serves only while
/// <see cref="Leadership"/> is set.
/// </summary>
public sealed partial class ReplicationServer : IAsyncDisposable, IRemotingRequestHandler
{
    private readonly MessageStore _store;
    private readonly ReplicationServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RemotingServer _server;
    private readonly ConcurrentDictionary<RemotingConnection, FollowerSession> _sessions = new();
    private TaskCompletionSource? _appended;
    private volatile ReplicationLeadership? _leadership;
    private long _bufferedBatchBytes;
    private int _disposed;

    public ReplicationServer(MessageStore store, ReplicationServerOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxBatchSize < 1024 || options.FetchWait < TimeSpan.Zero || options.BatchDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("MaxBatchSize must be at least 1 KiB, FetchWait and BatchDelay not negative.", nameof(options));
        }
        _store = store;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        long frame = Math.Max(options.MaxBatchSize, store.Settings.MaxRecordSize) + (64 * 1024);
        var remoting = RemotingSettings.Default with { MaxFrameLength = (int)Math.Max(frame, FrameDecoder.DefaultMaxFrameLength) };
        _server = new RemotingServer(options.Listen, this, remoting, _logger);
        _server.ConnectionClosed += OnConnectionClosed;
    }

    /// <summary>The bound endpoint (the real port when listening on port 0).</summary>
    public IPEndPoint LocalEndPoint => _server.LocalEndPoint;

    /// <summary>This node's group and epoch while it is master; null refuses every HELLO and FETCH (a demoted node).</summary>
    public ReplicationLeadership? Leadership
    {
        get => _leadership;
        set => _leadership = value;
    }

    /// <summary>Raised on every FETCH (the follower's progress report), before the fetch is answered.</summary>
    public event Action<FollowerProgress>? ProgressReported;

    /// <summary>Raised when the last connection of a follower (by its HELLO broker id) closed.</summary>
    public event Action<long>? FollowerDisconnected;

    /// <summary>Bytes of FETCH answers read from the log and not yet confirmed by the follower's next FETCH (at most one batch per follower).</summary>
    public long BufferedBatchBytes => Interlocked.Read(ref _bufferedBatchBytes);

    /// <summary>The connected followers that said HELLO, with their latest progress.</summary>
    public IReadOnlyList<FollowerStatus> Followers
    {
        get
        {
            long end = _store.MaxPhysicalOffset;
            DateTimeOffset now = _time.GetUtcNow();
            return [.. _sessions.Values.Where(s => s.Hello).OrderBy(s => s.BrokerId).Select(s => s.Snapshot(end, now, _options.InSyncWindow))];
        }
    }

    /// <summary>This master's status for GET_BROKER_HA_STATUS.</summary>
    public ReplicationStatus GetStatus() => new(true, _store.MaxPhysicalOffset, Followers, null);

    public void Start() => _server.Start();

    /// <summary>Call after every append to the log: answers held fetches now. Allocates nothing when no fetch is held.</summary>
    public void NotifyAppended() => Interlocked.Exchange(ref _appended, null)?.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _leadership = null;
            NotifyAppended();
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        try
        {
            return request.Code switch
            {
                ReplicationProtocol.HelloRequest => Hello(connection, request),
                ReplicationProtocol.FetchRequest => await FetchAsync(connection, request, cancellationToken).ConfigureAwait(false),
                _ => request.CreateRequestCodeNotSupportedResponse(),
            };
        }
        catch (FormatException e)
        {
            return Refuse(request, ReplicationProtocol.BadRequest, e.Message);
        }
    }

    private RemotingCommand Hello(RemotingConnection connection, RemotingCommand request)
    {
        ReplicationLeadership? leader = _leadership;
        string group = request.GetExtField(ReplicationProtocol.Group) ?? throw new FormatException("field group is missing");
        long brokerId = ReplicationProtocol.Long(request, ReplicationProtocol.BrokerId);
        long followerEnd = ReplicationProtocol.Long(request, ReplicationProtocol.EndOffset);
        long followerMin = ReplicationProtocol.Long(request, ReplicationProtocol.MinOffset);
        EpochEntry[] followerEpochs = ReplicationProtocol.DecodeEpochs(request.Body.Span);
        long segmentSize = ReplicationProtocol.Long(request, ReplicationProtocol.SegmentSize);
        if (segmentSize != _store.Settings.CommitLogSegmentSize)
        {
            return Refuse(request, ReplicationProtocol.BadRequest,
                $"the follower's commit-log segment size {segmentSize} differs from the master's {_store.Settings.CommitLogSegmentSize}; they must be equal");
        }
        if (leader is null)
        {
            return Refuse(request, ReplicationProtocol.NotMaster, "this node is not the master of its group");
        }
        if (!string.Equals(group, leader.Group, StringComparison.Ordinal))
        {
            return Refuse(request, ReplicationProtocol.WrongGroup, $"this node is master of group {leader.Group}, not {group}");
        }
        FollowerSession session = _sessions.GetOrAdd(connection, c => new FollowerSession(c.RemoteAddress));
        session.SayHello(brokerId, request.GetExtField(ReplicationProtocol.NodeName) ?? "", followerEnd, leader.Epoch);
        long min = _store.MinPhysicalOffset;
        long end = _store.MaxPhysicalOffset;
        IReadOnlyList<EpochEntry> epochs = _store.Epochs.Entries;
        long? truncateTo = TruncationFor(epochs, min, end, followerEpochs, followerMin, followerEnd);
        RemotingCommand response = request.CreateResponse((ResponseCode)(truncateTo is null ? ReplicationProtocol.Ok : ReplicationProtocol.Truncate),
            truncateTo is null ? null : $"the follower's log diverges from the master's; truncate to {truncateTo}");
        response.ExtFields[ReplicationProtocol.MasterEpoch] = ReplicationProtocol.Text(leader.Epoch);
        response.ExtFields[ReplicationProtocol.MasterMinOffset] = ReplicationProtocol.Text(min);
        response.ExtFields[ReplicationProtocol.MasterEndOffset] = ReplicationProtocol.Text(end);
        if (truncateTo is { } t)
        {
            response.ExtFields[ReplicationProtocol.TruncateTo] = ReplicationProtocol.Text(t);
            _logger.LogWarning("Follower {BrokerId} at {Address} diverges (end {End}); told to truncate to {To}", brokerId, connection.RemoteAddress, followerEnd, t);
        }
        response.Body = ReplicationProtocol.EncodeEpochs(epochs);
        return response;
    }

    /// <summary>Null: the follower may fetch from its end. -1: it must empty its log. Otherwise its truncation point.</summary>
    internal static long? TruncationFor(IReadOnlyList<EpochEntry> masterEpochs, long masterMin, long masterEnd,
        IReadOnlyList<EpochEntry> followerEpochs, long followerMin, long followerEnd)
    {
        if (followerEnd <= followerMin)
        {
            return null;
        }
        if (followerEnd < masterMin)
        {
            return -1;
        }
        if (masterEpochs.Count == 0 && followerEpochs.Count == 0)
        {
            return followerEnd > masterEnd ? masterEnd : null;
        }
        long? point = EpochDivergence.TruncationPoint(masterEpochs, masterEnd, followerEpochs, followerEnd);
        return point switch
        {
            null => -1,
            { } p when p < followerEnd => p < masterMin ? -1 : p,
            _ => null,
        };
    }

    private void OnConnectionClosed(RemotingConnection connection)
    {
        if (_sessions.TryRemove(connection, out FollowerSession? session))
        {
            Interlocked.Add(ref _bufferedBatchBytes, -session.TakeOutstanding());
            if (session.Hello && !_sessions.Values.Any(s => s.Hello && s.BrokerId == session.BrokerId))
            {
                FollowerDisconnected?.Invoke(session.BrokerId);
            }
        }
    }

    private static RemotingCommand Refuse(RemotingCommand request, int code, string remark)
    {
        return request.CreateResponse((ResponseCode)code, remark);
    }
}
