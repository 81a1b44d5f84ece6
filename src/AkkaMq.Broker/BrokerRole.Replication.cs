using System.Globalization;
using System.Net;
using AkkaMq.Broker.Replication;
using AkkaMq.Cluster.Coordination;
using AkkaMq.Remoting.Transport;
using AkkaMq.Store;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Broker;

/// <summary>The broker's replication endpoints: the server followers fetch from, and the stream this node follows.</summary>
public sealed partial class BrokerRole
{
    private readonly ReplicationEndpoints? _replication;

    /// <summary>This node's incarnation as registered in routes (null outside a node).</summary>
    public string? NodeAddress { get; private init; }

    /// <summary>The store this role writes; the group member hands it to the replication follower.</summary>
    public MessageStore Store => _context.Store;

    /// <summary>Where followers fetch this node's log (<c>ip:port</c>, the bound port when configured with 0); null when not served.</summary>
    public string? ReplicationAddress => _replication?.Address;

    /// <summary>The replication server (null when not served): its followers and their progress.</summary>
    public ReplicationServer? ReplicationServer => _replication?.Server;

    /// <summary>
    /// The in-sync replication gate (null when replication is not served): sends wait on it before SEND_OK in
    /// sync mode. The group member leads it with the controller's in-sync set (<see cref="SetLeadership(ReplicationLeadership?, SyncStateSet?)"/>),
    /// asks it for changes (<see cref="InSyncReplicas.ProposeChange"/>) and reports the controller's answers.
    /// </summary>
    public InSyncReplicas? InSync => _replication?.InSync;

    /// <summary>The stream this node follows while it is a follower (null otherwise); GET_BROKER_HA_STATUS reads it.</summary>
    public ReplicationFollower? Follower => _replication?.Follower;

    /// <summary>
    /// Copies the master's log through a new <see cref="ReplicationFollower"/> (the previous one
    /// stopped first); each append wakes held pulls and reloads replicated tables
    /// (<see cref="OnReplicatedAppend"/>). The role owns the stream: it stops with the role.
    /// </summary>
    public async Task FollowAsync(ReplicationFollowerOptions options, ILogger log)
    {
        var r = _replication ?? throw new InvalidOperationException("this broker does not serve replication");
        await StopFollowingAsync().ConfigureAwait(false);
        var follower = new ReplicationFollower(Store, options, log);
        follower.Appended += range => OnReplicatedAppend(range.From, range.To);
        r.Follower = follower;
        follower.Start();
    }

    /// <summary>Stops the stream this node follows, if any.</summary>
    public async Task StopFollowingAsync()
    {
        if (_replication is { Follower: { } follower } r)
        {
            r.Follower = null;
            await follower.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lets the replication server answer followers as master of <paramref name="leadership"/>'s epoch; null refuses
    /// them (not master) and resigns the in-sync gate (waiting sends answer "not master"). A master whose in-sync set
    /// is not known leads with the set of itself alone (see the overload).
    /// </summary>
    public void SetLeadership(ReplicationLeadership? leadership) => SetLeadership(leadership, null);

    /// <summary>
    /// As <see cref="SetLeadership(ReplicationLeadership?)"/>, and leads the in-sync gate with <paramref name="syncStateSet"/>
    /// (the assignment's set). Null, or a set of another epoch, leads with this member alone, unless the gate already
    /// leads this epoch (then its set is kept).
    /// </summary>
    public void SetLeadership(ReplicationLeadership? leadership, SyncStateSet? syncStateSet)
    {
        if (_replication is not { } r)
        {
            return;
        }

        if (leadership is null)
        {
            r.Server.Leadership = null;
            r.InSync.Resign();
            return;
        }

        if (r.InSync.Options.Mode == ReplicationMode.Async)
        {
            // An async master serves all it wrote (a follower's limit, kept until now, no longer applies).
            _context.Store.ReadableOffset = long.MaxValue;
        }

        long self = _context.Settings.BrokerId;
        if (syncStateSet is { } set && set.MasterEpoch == leadership.Epoch)
        {
            r.InSync.Lead(self, set);
        }
        else if (r.InSync.Current?.MasterEpoch != leadership.Epoch)
        {
            r.InSync.Lead(self, new SyncStateSet(leadership.Epoch, 0, [self]));
        }

        r.Server.Leadership = leadership;
    }

    private static ReplicationEndpoints StartReplication(MessageStore store, ReplicationSettings settings, ILoggerFactory loggers, TimeProvider? time)
    {
        var listen = HostPort.Parse(settings.Listen, "akkamq.broker.replication.listen");
        var advertise = HostPort.Parse(settings.Advertise, "akkamq.broker.replication.advertise");
        var server = new ReplicationServer(store, new ReplicationServerOptions(listen)
        {
            MaxBatchSize = settings.MaxBatchBytes,
            FetchWait = settings.FetchWaitOrDefault,
            // Only acknowledgements of sync mode wait for the follower; async mode trades a little lag for fewer round trips.
            BatchDelay = settings.Mode == ReplicationMode.Async ? settings.AsyncBatchDelayOrDefault : TimeSpan.Zero,
        }, loggers.CreateLogger("AkkaMq.Broker.Replication"));
        var inSync = new InSyncReplicas(
            new InSyncOptions(settings.Mode, settings.MinInSyncReplicas, settings.MaxLagTimeOrDefault, settings.AckTimeoutOrDefault,
                UseFlushedOffsets: store.Settings.FlushMode == FlushMode.GroupCommit),
            () => store.MaxPhysicalOffset, time, loggers.CreateLogger("AkkaMq.Broker.InSync"));
        inSync.ReadableChanged = offset => store.ReadableOffset = offset;
        server.ProgressReported += inSync.OnProgress;
        server.FollowerDisconnected += inSync.OnFollowerGone;
        server.Start();
        if (advertise.Port == 0)
        {
            advertise = new IPEndPoint(advertise.Address, server.LocalEndPoint.Port);
        }

        return new ReplicationEndpoints(server, advertise.Address + ":" + advertise.Port.ToString(CultureInfo.InvariantCulture), inSync);
    }

    private async Task StopReplicationAsync()
    {
        await StopFollowingAsync().ConfigureAwait(false);
        if (_replication is { } r)
        {
            r.InSync.Dispose();
            await r.Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The running replication server of a broker and, while it follows, its follower stream.</summary>
internal sealed class ReplicationEndpoints(ReplicationServer server, string address, InSyncReplicas inSync)
{
    private ReplicationFollower? _follower;

    public ReplicationServer Server { get; } = server;

    public string Address { get; } = address;

    public InSyncReplicas InSync { get; } = inSync;

    public ReplicationFollower? Follower
    {
        get => Volatile.Read(ref _follower);
        set => Volatile.Write(ref _follower, value);
    }

    /// <summary>
    /// What GET_BROKER_HA_STATUS shows: the follower's stream while following, else the server's followers,
    /// in sync when the in-sync set the master acknowledges with holds them (in async mode or before a set,
    /// the server's own measure of caught up).
    /// </summary>
    public ReplicationStatus Status()
    {
        if (Follower?.GetStatus() is { } following)
        {
            return following;
        }

        var status = Server.GetStatus();
        return InSync is { Current: { } set } gate && gate.Options.Mode == ReplicationMode.Sync
            ? status with { Followers = [.. status.Followers.Select(f => f with { InSync = set.Members.Contains(f.BrokerId) })] }
            : status;
    }
}
